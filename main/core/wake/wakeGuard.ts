import type { StudioEvent } from '../../contract/events.js';
import { PERSON_NAME } from '../../contract/limits.js';
import type { AgentHold } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { QueuedMail } from '../bus/messageBus.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import type { WakeHolds } from './wakeEngine.js';
import { USAGE_WINDOW_MS } from '../claude/transcriptUsage.js';

/**
 * Agents waking each other more than this many times within PING_PONG_WINDOW_MS, with no word
 * from the person and no task moving, are in a loop: two polite models can thank each other forever.
 */
export const PING_PONG_WAKES = 12;
export const PING_PONG_WINDOW_MS = 10 * 60_000;

export interface PingPongLimits {
  wakes: number;
  windowMs: number;
}

/**
 * Holds an agent's wakes (typed, and at its turn's end) when it has spent its budget or is caught
 * in a loop of agents waking each other, and says so on its record (`hold`), where the tile's
 * banner shows it until the person releases it. Its mail stays queued meanwhile; nothing is lost.
 */
export class WakeGuard implements WakeHolds {
  private readonly store = new DisposableStore();
  /** Per agent: when agents' mail woke it lately, inside the window. */
  private readonly agentWakes = new Map<number, number[]>();
  private readonly limits: PingPongLimits;
  /** What an agent had spent in the hour when the person released its budget hold. */
  private readonly budgetBase = new Map<number, { tokens: number; turns: number; at: number }>();

  constructor(
    private readonly deps: {
      agents: AgentRegistry;
      events: Emitter<StudioEvent>;
      clock: Clock;
      logger: Logger;
      /** When the person last typed into the agent's terminal (0: never). */
      personTypedAt(agentId: number): number;
      pingPong?: Partial<PingPongLimits>;
    },
  ) {
    this.limits = {
      wakes: deps.pingPong?.wakes ?? PING_PONG_WAKES,
      windowMs: deps.pingPong?.windowMs ?? PING_PONG_WINDOW_MS,
    };
    this.store.add(
      deps.events.on((e) => {
        // The person took part, or work moved: whatever the agents were doing is not an idle loop.
        if (e.type === 'message.sent' && e.message.from === PERSON_NAME)
          for (const r of e.recipients) this.agentWakes.delete(r.id);
        // Work moved: a task created, or one whose status changed (a note alone is not progress).
        if (
          e.type === 'task.created' ||
          (e.type === 'task.updated' && e.event.fromStatus !== e.event.toStatus)
        ) {
          for (const name of [e.task.assignee, e.task.dispatcher]) {
            const id = name ? deps.agents.get(name)?.id : undefined;
            if (id !== undefined) this.agentWakes.delete(id);
          }
        }
        if (e.type === 'agent.removed') this.agentWakes.delete(e.agentId);
      }),
    );
  }

  heldReason(agentId: number): string | undefined {
    const hold = this.deps.agents.getById(agentId)?.hold;
    return hold ? `its wakes are held: ${hold.detail}` : undefined;
  }

  noteWake(agentId: number, mail: readonly QueuedMail[]): void {
    // Only mail from agents alone counts: the person's, and the board's task mail, are work.
    if (mail.some((m) => m.from === PERSON_NAME || m.taskId !== null)) {
      this.agentWakes.delete(agentId);
      return;
    }
    const now = this.deps.clock.now();
    const since = Math.max(now - this.limits.windowMs, this.deps.personTypedAt(agentId));
    const times = (this.agentWakes.get(agentId) ?? []).filter((t) => t > since);
    times.push(now);
    this.agentWakes.set(agentId, times);
    if (times.length <= this.limits.wakes) return;
    const senders = [...new Set(mail.map((m) => m.from))].join(', ');
    const minutes = Math.max(1, Math.round(this.limits.windowMs / 60_000));
    this.hold(agentId, {
      reason: 'ping_pong',
      since: now,
      detail:
        `other agents (lately ${senders}) woke it ${times.length} times in ${minutes} min with no word from you ` +
        'and no task moving; release it to let their mail through.',
    });
  }

  /** The agent spent its budget (checked after each turn's token use is read). */
  checkBudget(agentId: number): void {
    const agent = this.deps.agents.getById(agentId);
    const { budget, usage } = agent ?? {};
    if (!agent || !budget || !usage || agent.hold) return;
    // After a release, a budget counts again from what was spent then.
    // Once the hour after the release has passed, what was spent before it is out of the window.
    const released = this.budgetBase.get(agentId);
    const base =
      released && this.deps.clock.now() - released.at < USAGE_WINDOW_MS ? released : { tokens: 0, turns: 0 };
    const tokens = Math.max(0, usage.tokensLastHour - base.tokens);
    const turns = Math.max(0, usage.turnsLastHour - base.turns);
    const over =
      budget.tokensPerHour !== undefined && tokens >= budget.tokensPerHour
        ? `${tokens} tokens in the last hour (budget ${budget.tokensPerHour})`
        : budget.turnsPerHour !== undefined && turns >= budget.turnsPerHour
          ? `${turns} turns in the last hour (budget ${budget.turnsPerHour})`
          : undefined;
    if (over)
      this.hold(agentId, {
        reason: 'budget',
        since: this.deps.clock.now(),
        detail: `it spent its budget: ${over}; release it to let its mail through.`,
      });
  }

  private hold(agentId: number, hold: AgentHold): void {
    const agent = this.deps.agents.getById(agentId);
    if (!agent || agent.hold) return;
    this.deps.logger.warn('wakes held', { agent: agent.name, reason: hold.reason });
    this.deps.agents.setRuntime(agentId, { hold });
  }

  /** The person's release: wakes flow again, and the loop count starts afresh. */
  release(agentId: number): void {
    this.agentWakes.delete(agentId);
    const agent = this.deps.agents.getById(agentId);
    if (agent?.hold?.reason === 'budget' && agent.usage)
      this.budgetBase.set(agentId, {
        tokens: agent.usage.tokensLastHour,
        turns: agent.usage.turnsLastHour,
        at: this.deps.clock.now(),
      });
    this.deps.agents.setRuntime(agentId, { hold: null });
  }

  dispose(): void {
    this.store.dispose();
  }
}
