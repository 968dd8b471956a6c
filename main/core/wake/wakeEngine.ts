import { StudioError } from '../../contract/errors.js';
import type { Disposable } from '../../contract/events.js';
import type { StudioEvent } from '../../contract/events.js';
import type { AgentState, DeliveryVia } from '../../contract/model.js';
import type { MessageBus, QueuedMail } from '../bus/messageBus.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { ScreenReading } from '../sessions/screenClassifier.js';
import type { TypeResult } from '../sessions/terminalWriter.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import { composeUrgentNotice, composeWakePrompt } from './wakePrompt.js';

/** After a wake, give the agent this long to pick it up before another can be typed. */
export const WAKE_COOLDOWN_MS = 3000;
/** The person typed into this terminal within this window: the studio keeps its hands off. */
export const PERSON_TYPING_GRACE_MS = 5000;
/** How soon to look again when something (a half-typed line, a cooldown) holds a wake back. */
export const RECHECK_MS = 1000;
/**
 * An agent's kick waits this long after the target's last wake: kicks exist to nudge a peer that
 * sits idle, and an agent calling kick in a loop must not turn into prompts typed every cooldown.
 */
export const AGENT_KICK_COOLDOWN_MS = 30_000;
/**
 * Stop-hook blocks in a row (no turn the person or a typed wake started in between) after which
 * the studio lets the turn end: Claude Code stops a chain of blocks itself after a few, and a
 * studio that kept blocking would keep an agent's turn open forever on a stream of mail.
 */
export const MAX_TURN_END_BLOCKS = 3;
/**
 * A session woken through its waiter shows it took the notice (its screen leaves the prompt, or a
 * hook comes) within this long, or the notice is taken as lost and the mail is announced again.
 */
export const REWAKE_CONFIRM_MS = 10_000;
/**
 * How long an idle agent whose CLI leaves a waiter hook is given for that waiter to come (a Node
 * process to start, on a loaded machine) before its mail is typed after all: a turn interrupted
 * with Esc ends with no Stop hook, so no waiter.
 */
export const WAITER_GRACE_MS = 3000;

/** Who asked for a kick: the person's skips the cooldown; an agent's obeys a longer one. */
export type KickBy = 'person' | 'agent';

export interface WakeRecord {
  agentId: number;
  prompt: string;
  messageIds: number[];
  /** performance.now() (or the engine's `now`) when the first byte was written. */
  typedAt: number;
  submitted: boolean;
  /** Typed into an idle terminal, or handed to a busy one by its Stop or PostToolUse hook. */
  via: DeliveryVia;
}

/** A notice a hook may answer with, and the mail it announces; nothing is taken until `take()`. */
export interface Handover {
  readonly notice: string;
  /** Marks the mail announced and records the wake; returns the notice. Once only. */
  take(): string;
}

/** What may hold an agent's wakes back beyond its terminal's state (see WakeGuard). */
export interface WakeHolds {
  /** Why this agent's wakes are held (a spent budget, a ping-pong loop), or undefined. */
  heldReason(agentId: number): string | undefined;
  /** A wake announced this mail to the agent: counted for the ping-pong guard. */
  noteWake(agentId: number, mail: readonly QueuedMail[]): void;
}

/** What the wake engine needs of an agent's terminal, and no more. */
export interface WakeTargetState {
  state: AgentState;
  /** Something sits in its input box (a half-typed line). */
  inputPending: boolean;
  /** When the person last typed into it (ms, the studio's clock). */
  personTypedAt: number;
  /** Its program takes typed prompts (Claude Code; a command profile that says so). */
  takesPrompts: boolean;
  /** Its program has the studio's tools: a Claude Code once it listed them; any other program. */
  hasStudioTools: boolean;
  /** Its CLI leaves a waiter hook when idle (see WakeWaiters): typing waits a moment for it. */
  waits?: boolean;
}

/** The waiter hooks of idle agents' CLIs, which wake them with nothing typed (see MailWaiters). */
export interface WakeWaiters {
  isArmed(agentId: number): boolean;
  /** The waiter waiting was left by a start that resumed the session. */
  armedAtResume(agentId: number): boolean;
  /** Hands the notice to the agent's waiter; false when none waits. */
  wake(agentId: number, notice: string): boolean;
  /** Ends the agent's waiter: its CLI exited or a new one starts. */
  end(agentId: number, why: string): void;
  onDidArm(listener: (e: { agentId: number }) => void): Disposable;
}

/** The terminals the engine wakes (AgentSessions; a stand-in in tests on the fake clock). */
export interface WakeTargets {
  /** The running terminal's state, or undefined when the agent has none. */
  wakeState(agentId: number): WakeTargetState | undefined;
  /** Types a prompt on the studio's behalf (sanitized, verified). */
  type(agentId: number, text: string): Promise<TypeResult>;
  onDidChangeState(
    listener: (e: { agentId: number; state: AgentState; reading: ScreenReading }) => void,
  ): Disposable;
  /** A terminal's program has just listed the studio's tools. */
  onDidListTools(listener: (e: { agentId: number }) => void): Disposable;
}

/** How many wake records recentWakes() keeps: enough for status and tests, bounded for a long run. */
const RECENT_WAKES = 200;

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
  private readonly recent: WakeRecord[] = [];
  /** Stop-hook blocks in a row per agent (see MAX_TURN_END_BLOCKS). */
  private readonly turnEndBlocks = new Map<number, number>();
  /**
   * Mail handed over at a turn's end that the CLI has not yet shown it took: the turn going on
   * (a chained Stop, a tool call) says it did; the agent going idle first says the block was lost.
   */
  private readonly unconfirmed = new Map<number, number[]>();
  /** Mail handed to a waiter, until the session shows it woke (see REWAKE_CONFIRM_MS). */
  private readonly rewaking = new Map<number, { ids: number[]; timer: { cancel(): void } }>();
  /** When each agent last came to its prompt (see WAITER_GRACE_MS). */
  private readonly idleAt = new Map<number, number>();
  private readonly wakeEmitter = new Emitter<WakeRecord>();
  /** Each wake once its prompt was typed and checked (or failed). */
  readonly onDidWake = (listener: (r: WakeRecord) => void): Disposable => this.wakeEmitter.on(listener);

  constructor(
    private readonly deps: {
      events: Emitter<StudioEvent>;
      bus: MessageBus;
      agents: AgentRegistry;
      sessions: WakeTargets;
      clock: Clock;
      logger: Logger;
      holds?: WakeHolds;
      /** Idle agents' waiter hooks: used before typing wherever one waits. */
      waiters?: WakeWaiters;
      /**
       * A studio opened only for its files (a command while no studio runs): no terminal runs
       * here, so nothing is woken until a studio does.
       */
      offline?: boolean;
      /** High-resolution time stamped on records; defaults to performance.now(). */
      now?: () => number;
      cooldownMs?: number;
    },
  ) {
    this.store.add(
      deps.sessions.onDidChangeState((e) => {
        if (e.state !== 'idle' && e.state !== 'waiting_shell') {
          this.rewoke(e.agentId);
          this.idleAt.delete(e.agentId);
        } else if (!this.idleAt.has(e.agentId)) this.idleAt.set(e.agentId, deps.clock.now());
        if (e.state === 'starting' || e.state === 'exited')
          deps.waiters?.end(e.agentId, `its Claude Code ${e.state === 'exited' ? 'exited' : 'restarts'}`);
        if (e.state === 'starting') {
          this.lastWakeAt.delete(e.agentId);
          this.turnEndBlocks.delete(e.agentId);
          this.unconfirmed.delete(e.agentId);
          deps.bus.requeueWoken(e.agentId);
        } else if (e.state === 'idle' || e.state === 'waiting_shell') {
          // A turn-end notice the CLI never acted on: announced again, typed this time.
          const lost = this.unconfirmed.get(e.agentId);
          if (lost) {
            this.unconfirmed.delete(e.agentId);
            const again = deps.bus.requeueWoken(e.agentId, lost);
            if (again.length)
              deps.logger.warn('turn-end notice not taken; typing it', { agentId: e.agentId });
          }
          // From the terminal itself, the one source of idle for agents the studio can wake.
          this.consider(e.agentId);
        }
      }),
    );
    this.store.add(deps.sessions.onDidListTools((e) => this.consider(e.agentId)));
    if (deps.waiters) this.store.add(deps.waiters.onDidArm((e) => this.consider(e.agentId)));
    this.store.add(
      deps.events.on((e) => {
        if (e.type === 'message.sent') for (const r of e.recipients) this.consider(r.id);
      }),
    );
  }

  private hrNow(): number {
    return this.deps.now ? this.deps.now() : performance.now();
  }

  /** The last wakes, oldest first. */
  recentWakes(): readonly WakeRecord[] {
    return [...this.recent];
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

  /**
   * Why a wake cannot be typed now, or undefined when it can: the one rule for wakes and kicks.
   * `cooldownMs` is the gap since the agent's last wake (0 for the person's kick).
   */
  holdReason(
    agentId: number,
    cooldownMs: number = this.deps.cooldownMs ?? WAKE_COOLDOWN_MS,
  ): { wait?: number; reason: string } | undefined {
    const target = this.deps.sessions.wakeState(agentId);
    if (!target) return { reason: 'it has no running terminal' };
    if (!target.takesPrompts)
      return {
        reason:
          'it runs a plain command, and the studio types wake prompts only into programs that take prompts',
      };
    const held = this.deps.holds?.heldReason(agentId);
    if (held) return { reason: held };
    const state: AgentState = target.state;
    // At its prompt with a background shell running, it still takes a prompt.
    if (state === 'waiting_trust') return { reason: 'its Claude Code asks whether you trust its folder' };
    if (state === 'waiting_login') return { reason: 'its Claude Code is not logged in' };
    if (state !== 'idle' && state !== 'waiting_shell') return { reason: `it is ${state.replace(/_/g, ' ')}` };
    // Claude Code draws its prompt before its MCP servers connect (seconds on a loaded machine): a
    // wake typed then asks for check_inbox, which it does not have yet, and the mail stays unread.
    // It is considered again when it lists the tools.
    if (!target.hasStudioTools)
      return { reason: "its Claude Code has not connected to the studio's tools yet" };
    if (this.inFlight.has(agentId)) return { reason: 'a wake is being typed into it right now' };
    if (this.rewaking.has(agentId)) return { reason: 'its waiter hook has just woken it' };
    // Its waiter wakes it with nothing typed: the person's draft and a cooldown are no matter.
    if (this.deps.waiters?.isArmed(agentId)) return undefined;
    const now = this.deps.clock.now();
    const idleFor = now - (this.idleAt.get(agentId) ?? now);
    if (target.waits && idleFor < WAITER_GRACE_MS)
      return { wait: WAITER_GRACE_MS - idleFor, reason: 'its waiter hook has not come yet' };
    const typed = now - target.personTypedAt;
    if (typed < PERSON_TYPING_GRACE_MS)
      return { wait: PERSON_TYPING_GRACE_MS - typed, reason: 'the person is typing there' };
    if (target.inputPending) return { wait: RECHECK_MS, reason: 'its input box is not empty' };
    const since = now - (this.lastWakeAt.get(agentId) ?? -Infinity);
    if (since < cooldownMs)
      return { wait: cooldownMs - since, reason: `it was woken ${Math.round(since / 1000)} s ago` };
    return undefined;
  }

  /**
   * Why mail or a task for this agent will not wake it, to warn whoever sent it; undefined when
   * the studio will wake it (now, or once it is idle).
   */
  deliveryWarning(agentId: number): string | undefined {
    const agent = this.deps.agents.getById(agentId);
    if (!agent || agent.kind !== 'agent') return undefined;
    if (agent.remote)
      return `${agent.name} runs elsewhere, so the studio cannot wake it: it sees this when it next checks its inbox.`;
    // Asleep: the mail itself wakes it (core/sleep), and it is told once its session is resumed.
    if (agent.sleep.asleepSince && !this.deps.offline) return undefined;
    const target = this.deps.sessions.wakeState(agentId);
    // Said as it is, with no command in it: each caller (the CLI, the page, an agent) knows
    // what its reader can do about it.
    if (!target) {
      if (this.deps.offline)
        return `No studio is running, so ${agent.name} is not running either: it is told once it runs in a studio again.`;
      if (agent.lastExit?.restartAt)
        return `${agent.name} exited and the studio is restarting it: it is told once it is back.`;
      return `${agent.name} is not running, so nobody will wake it until it runs.`;
    }
    if (!target.takesPrompts)
      return `${agent.name} runs a plain command, so the studio does not type wake prompts into it: it sees this only if its program checks its inbox.`;
    if (target.state === 'waiting_trust')
      return `${agent.name}'s Claude Code asks whether you trust its folder, and starts once you answer in its terminal: it is told then.`;
    if (target.state === 'waiting_login')
      return `${agent.name}'s Claude Code is not logged in, so nothing reaches it until it is: it is told once it is logged in.`;
    return undefined;
  }

  /** Looks at one agent and types a wake if it has unannounced mail and may be woken now. */
  consider(agentId: number): void {
    const hold = this.holdReason(agentId);
    if (hold) {
      if (hold.wait !== undefined) this.later(agentId, hold.wait);
      return;
    }
    const queued = this.deps.bus.queuedFor(agentId);
    if (!queued.length) return;
    const prompt = composeWakePrompt(queued);
    if (this.rewake(agentId, prompt, queued)) return;
    void this.wake(agentId, prompt, queued).catch(() => undefined);
  }

  /**
   * Wakes an idle agent through its CLI's waiter hook (asyncRewake), nothing typed: the record, or
   * undefined when no waiter waits. The mail counts as announced at once; if the session does not
   * show within REWAKE_CONFIRM_MS that it woke, it is announced again.
   */
  private rewake(agentId: number, notice: string, queued: QueuedMail[]): WakeRecord | undefined {
    const ids = queued.map((q) => q.id);
    const via = this.deps.waiters?.armedAtResume(agentId) ? 'resume' : 'rewake';
    const handover = this.handover(agentId, notice, queued, via, () => {
      // A new turn, as a typed prompt starts one: the Stop-hook blocks before it are history.
      this.turnEndBlocks.delete(agentId);
      const timer = this.deps.clock.setTimeout(() => this.rewakeLost(agentId), REWAKE_CONFIRM_MS);
      this.rewaking.set(agentId, { ids, timer });
    });
    if (!this.deps.waiters?.wake(agentId, notice)) return undefined;
    handover.take();
    return this.recent.at(-1);
  }

  /** The session took its waiter's notice: it left its prompt, or a hook came from it. */
  private rewoke(agentId: number): void {
    this.rewaking.get(agentId)?.timer.cancel();
    this.rewaking.delete(agentId);
  }

  private rewakeLost(agentId: number): void {
    const lost = this.rewaking.get(agentId);
    if (!lost) return;
    this.rewaking.delete(agentId);
    const again = this.deps.bus.requeueWoken(agentId, lost.ids);
    if (again.length) this.deps.logger.warn('waiter notice not taken; announcing again', { agentId });
    this.consider(agentId);
  }

  /**
   * The agent's turn is ending (its Stop hook): the notice for its queued mail, which the hook
   * answers with as a block so the agent goes on into check_inbox with nothing typed; undefined
   * lets the turn end (nothing queued, held, or MAX_TURN_END_BLOCKS reached, after which mail
   * waits for the agent to be idle and is typed). `chained` is Claude Code's stop_hook_active:
   * this turn already went on because a Stop hook blocked. Nothing is taken until `take()`.
   */
  atTurnEnd(agentId: number, chained: boolean): Handover | undefined {
    this.heard(agentId);
    const blocks = chained ? (this.turnEndBlocks.get(agentId) ?? 0) : 0;
    this.turnEndBlocks.set(agentId, blocks);
    if (blocks >= MAX_TURN_END_BLOCKS) return undefined;
    if (this.deps.holds?.heldReason(agentId)) return undefined;
    const queued = this.deps.bus.queuedFor(agentId);
    if (!queued.length) return undefined;
    return this.handover(agentId, composeWakePrompt(queued), queued, 'turn_end', () => {
      this.turnEndBlocks.set(agentId, blocks + 1);
      this.unconfirmed.set(
        agentId,
        queued.map((q) => q.id),
      );
    });
  }

  /** A hook came from the agent's CLI: its turn went on, so a turn-end notice before it was taken. */
  heard(agentId: number): void {
    this.unconfirmed.delete(agentId);
    this.rewoke(agentId);
  }

  /**
   * A busy agent finished a tool call (its PostToolUse hook): the notice for its queued urgent
   * mail, added to its context before the next model request; other mail waits for the turn's end.
   * Nothing is taken until `take()`.
   */
  midTurn(agentId: number): Handover | undefined {
    this.heard(agentId);
    if (this.deps.holds?.heldReason(agentId)) return undefined;
    const urgent = this.deps.bus.queuedFor(agentId).filter((q) => q.urgent);
    if (!urgent.length) return undefined;
    return this.handover(agentId, composeUrgentNotice(urgent), urgent, 'mid_turn');
  }

  /**
   * A notice a hook may answer with. `take()` marks its mail announced, counts and records it as
   * the wake it is: called last, once nothing else can fail, so a hook answered with an error has
   * taken no mail (it stays queued for the next hook or a typed wake).
   */
  private handover(
    agentId: number,
    notice: string,
    mail: QueuedMail[],
    via: DeliveryVia,
    taken?: () => void,
  ): Handover {
    const ids = mail.map((m) => m.id);
    let done = false;
    return {
      notice,
      take: () => {
        if (done) return notice;
        done = true;
        // The guard may write the agent's hold; the mail is marked after it, in one transaction,
        // and nothing after that can throw (maps, and a record whose listeners are isolated).
        this.deps.holds?.noteWake(agentId, mail);
        this.deps.bus.markWoken(agentId, ids, via);
        this.lastWakeAt.set(agentId, this.deps.clock.now());
        taken?.();
        this.record({
          agentId,
          prompt: notice,
          messageIds: ids,
          typedAt: this.hrNow(),
          submitted: true,
          via,
        });
        return notice;
      },
    };
  }

  /**
   * A wake now (the kick tool, the person's kick button): announces queued mail, or nudges.
   * Refused at once, with the reason, under the same rule as every wake; the person's kick skips
   * only the cooldown, an agent's waits AGENT_KICK_COOLDOWN_MS after the target's last wake.
   */
  kick(agentId: number, by: KickBy): Promise<WakeRecord> {
    const name = this.deps.agents.getById(agentId)?.name ?? `#${agentId}`;
    const hold = this.holdReason(agentId, by === 'person' ? 0 : AGENT_KICK_COOLDOWN_MS);
    if (hold) {
      const retry = hold.wait !== undefined ? ` Try again in ${Math.ceil(hold.wait / 1000)} s.` : '';
      throw new StudioError('conflict', `Not waking ${name}: ${hold.reason}.${retry}`);
    }
    const queued = this.deps.bus.queuedFor(agentId);
    const unread = this.deps.bus.unreadCount(agentId);
    const prompt = queued.length
      ? composeWakePrompt(queued)
      : `[studio] Nudge: you have ${unread} unread message(s); call check_inbox, then carry on with your tasks (my_tasks).`;
    const rewoken = this.rewake(agentId, prompt, queued);
    return rewoken ? Promise.resolve(rewoken) : this.wake(agentId, prompt, queued);
  }

  private wake(agentId: number, prompt: string, queued: QueuedMail[]): Promise<WakeRecord> {
    const ids = queued.map((q) => q.id);
    this.inFlight.add(agentId);
    this.lastWakeAt.set(agentId, this.deps.clock.now());
    // A typed prompt starts a new turn: the Stop-hook blocks before it are history.
    this.turnEndBlocks.delete(agentId);
    // Marked before typing: if the studio dies mid-type, the mail is still unread (never lost),
    // and the same prompt is never typed a second time.
    this.deps.bus.markWoken(agentId, ids, 'typed');
    if (queued.length) this.deps.holds?.noteWake(agentId, queued);
    const typing = this.deps.sessions.type(agentId, prompt);
    const typedAt = this.hrNow();
    return typing
      .then(
        (result) => {
          // Its Enter held back (the person typed there, or a dialog opened): the mail is
          // unannounced again, and announced once the input box is empty and the agent idle.
          if (result.held) this.deps.bus.requeueWoken(agentId, ids);
          return this.record({
            agentId,
            prompt: result.text,
            messageIds: ids,
            typedAt,
            submitted: result.submitted,
            via: 'typed',
          });
        },
        (err: unknown) => {
          this.deps.logger.warn('wake failed', { agentId, err: String(err) });
          this.record({ agentId, prompt, messageIds: ids, typedAt, submitted: false, via: 'typed' });
          throw err;
        },
      )
      .finally(() => {
        this.inFlight.delete(agentId);
        // More may have arrived while typing; the cooldown decides when.
        this.consider(agentId);
      });
  }

  private record(r: WakeRecord): WakeRecord {
    this.recent.push(r);
    if (this.recent.length > RECENT_WAKES) this.recent.shift();
    this.wakeEmitter.fire(r);
    return r;
  }

  dispose(): void {
    this.store.dispose();
    this.wakeEmitter.dispose();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    for (const r of this.rewaking.values()) r.timer.cancel();
    this.rewaking.clear();
  }
}
