import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import type { AgentState } from '../../contract/model.js';
import type { MessageBus } from '../bus/messageBus.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import { composeWakePrompt } from './wakePrompt.js';

/** After a wake, give the agent this long to pick it up before another can be typed. */
export const WAKE_COOLDOWN_MS = 3000;
/** The person typed into this terminal within this window: the studio keeps its hands off. */
export const PERSON_TYPING_GRACE_MS = 5000;
/** How soon to look again when something (a half-typed line, a cooldown) holds a wake back. */
export const RECHECK_MS = 1000;

export interface WakeRecord {
  agentId: number;
  prompt: string;
  messageIds: number[];
  /** Commit of the newest announced message to the first byte typed (ms), when known. */
  latencyMs: number | undefined;
  submitted: boolean;
}

/**
 * Types a wake prompt into an idle agent's terminal when mail or a task arrives for it. Holds off
 * while the agent is busy or on a dialog, while the person is typing there, and during a cooldown;
 * arrivals in the meantime are announced together in one prompt. A message is announced once:
 * its delivery moves from queued to woken when its prompt is typed.
 */
export class WakeEngine {
  private readonly store = new DisposableStore();
  private readonly inFlight = new Set<number>();
  private readonly lastWakeAt = new Map<number, number>();
  private readonly timers = new Map<number, { cancel(): void }>();
  /** Message commit times, for the latency the bench reports. */
  private readonly sentAt = new Map<number, number>();
  readonly history: WakeRecord[] = [];
  private readonly listeners = new Set<(r: WakeRecord) => void>();

  constructor(
    private readonly deps: {
      events: Emitter<StudioEvent>;
      bus: MessageBus;
      agents: AgentRegistry;
      sessions: AgentSessions;
      clock: Clock;
      logger: Logger;
      /** High-resolution time for latency only; defaults to performance.now(). */
      now?: () => number;
      cooldownMs?: number;
    },
  ) {
    this.store.add(
      deps.sessions.onDidChangeState((e) => {
        if (e.state === 'starting') {
          this.lastWakeAt.delete(e.agentId);
          deps.bus.requeueWoken(e.agentId);
        } else if (e.state === 'idle') {
          // From the terminal itself, the one source of idle for agents the studio can wake.
          this.consider(e.agentId);
        }
      }),
    );
    this.store.add(
      deps.events.on((e) => {
        if (e.type === 'message.sent') {
          if (e.recipients.some((r) => deps.sessions.isRunning(r.id)))
            this.sentAt.set(e.message.id, this.hrNow());
          for (const r of e.recipients) this.consider(r.id);
        }
      }),
    );
  }

  private hrNow(): number {
    return this.deps.now ? this.deps.now() : performance.now();
  }

  onDidWake(listener: (r: WakeRecord) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  private later(agentId: number, ms: number): void {
    if (this.timers.has(agentId)) return;
    this.timers.set(
      agentId,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(agentId);
        this.consider(agentId);
      }, ms),
    );
  }

  /** Why a wake cannot be typed now, or undefined when it can. A kick skips only the cooldown. */
  holdReason(
    agentId: number,
    options: { ignoreCooldown?: boolean } = {},
  ): { wait?: number; reason: string } | undefined {
    const live = this.deps.sessions.get(agentId);
    if (!live?.pty.running) return { reason: 'no terminal' };
    const state: AgentState = live.tracker.state;
    if (state !== 'idle') return { reason: state };
    const now = this.deps.clock.now();
    const typed = now - live.lastPersonInputAt;
    if (typed < PERSON_TYPING_GRACE_MS)
      return { wait: PERSON_TYPING_GRACE_MS - typed, reason: 'person typing' };
    if (live.tracker.screen.input) return { wait: RECHECK_MS, reason: 'input box not empty' };
    if (options.ignoreCooldown) return undefined;
    const since = now - (this.lastWakeAt.get(agentId) ?? -Infinity);
    const cooldown = this.deps.cooldownMs ?? WAKE_COOLDOWN_MS;
    if (since < cooldown) return { wait: cooldown - since, reason: 'cooldown' };
    return undefined;
  }

  /** Looks at one agent and types a wake if it has unannounced mail and may be woken now. */
  consider(agentId: number): void {
    if (this.inFlight.has(agentId)) return;
    const hold = this.holdReason(agentId);
    if (hold) {
      if (hold.wait !== undefined) this.later(agentId, hold.wait);
      return;
    }
    const queued = this.deps.bus.queuedFor(agentId);
    if (!queued.length) return;
    const prompt = composeWakePrompt(queued);
    const ids = queued.map((q) => q.id);
    const newest = Math.max(...ids.map((id) => this.sentAt.get(id) ?? -1));
    this.inFlight.add(agentId);
    this.lastWakeAt.set(agentId, this.deps.clock.now());
    // Marked before typing: if the studio dies mid-type, the mail is still unread (never lost),
    // and the same prompt is never typed a second time.
    this.deps.bus.markWoken(agentId, ids);
    const typing = this.deps.sessions.type(agentId, prompt);
    const latencyMs = newest >= 0 ? this.hrNow() - newest : undefined;
    for (const id of ids) this.sentAt.delete(id);
    typing
      .then(
        (result) =>
          this.record({
            agentId,
            prompt: result.text,
            messageIds: ids,
            latencyMs,
            submitted: result.submitted,
          }),
        (err: unknown) => {
          this.deps.logger.warn('wake failed', { agentId, err: String(err) });
          this.record({ agentId, prompt, messageIds: ids, latencyMs, submitted: false });
        },
      )
      .finally(() => {
        this.inFlight.delete(agentId);
        // More may have arrived while typing; the cooldown decides when.
        this.consider(agentId);
      });
  }

  /** A wake now, whatever the cooldown (the kick tool): announces queued mail, or nudges. */
  kick(agentId: number): Promise<WakeRecord> {
    if (this.inFlight.has(agentId))
      return Promise.reject(
        new StudioError('conflict', 'A wake is being typed into that terminal right now.'),
      );
    const hold = this.holdReason(agentId, { ignoreCooldown: true });
    if (hold) return Promise.reject(new StudioError('conflict', `Not waking it now: ${hold.reason}.`));
    this.lastWakeAt.delete(agentId);
    const queued = this.deps.bus.queuedFor(agentId);
    const unread = this.deps.bus.unreadCount(agentId);
    const prompt = queued.length
      ? composeWakePrompt(queued)
      : `[studio] Nudge: you have ${unread} unread message(s); call check_inbox, then carry on with your tasks (my_tasks).`;
    const ids = queued.map((q) => q.id);
    this.deps.bus.markWoken(agentId, ids);
    this.inFlight.add(agentId);
    this.lastWakeAt.set(agentId, this.deps.clock.now());
    return this.deps.sessions
      .type(agentId, prompt)
      .then((r) =>
        this.record({
          agentId,
          prompt: r.text,
          messageIds: ids,
          latencyMs: undefined,
          submitted: r.submitted,
        }),
      )
      .finally(() => {
        this.inFlight.delete(agentId);
        this.consider(agentId);
      });
  }

  private record(r: WakeRecord): WakeRecord {
    this.history.push(r);
    if (this.history.length > 200) this.history.shift();
    for (const l of this.listeners) l(r);
    return r;
  }

  dispose(): void {
    this.store.dispose();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
