import { StudioError } from '../../contract/errors.js';
import type { Disposable, StudioEvent } from '../../contract/events.js';
import type { DeskItem } from '../../contract/desk.js';
import type { Agent, AgentState, SleepSettings } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Settings } from '../store/settings.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';

/** Where the studio keeps its sleep settings (see Settings). */
export const SLEEP_SETTINGS_KEY = 'sleep';
/**
 * An idle agent sleeps after this long by default: an idle Claude Code holds 110 to 700 MB, and a
 * quarter of an hour is longer than the pauses of a crew at work.
 */
export const DEFAULT_IDLE_MINUTES = 15;
export const DEFAULT_SLEEP_SETTINGS: SleepSettings = {
  idleMinutes: DEFAULT_IDLE_MINUTES,
  awakeCap: null,
  commander: false,
};

/** What the keeper needs of the agents' terminals (AgentSessions). */
export interface SleepTerminals {
  /** A running terminal's state and input, or undefined when it has none. */
  wakeState(agentId: number): { state: AgentState; inputPending: boolean; personTypedAt: number } | undefined;
  /** Ends the agent's CLI to sleep: its session kept, its start with the studio left as it was. */
  sleep(name: string): Promise<void>;
  /** Starts it (its Claude Code session resumed) and waits to see it run. */
  startSettled(name: string): Promise<{ agent: Agent }>;
  onDidChangeState(listener: (e: { agentId: number; state: AgentState }) => void): Disposable;
}

/** What the sleep keeper is built over. */
export interface SleepKeeperDeps {
  agents: AgentRegistry;
  terminals: SleepTerminals;
  /** Mail announced to nobody yet: an agent with some stays awake to take it. */
  queuedCount(agentId: number): number;
  /** What waits for the person: an agent's own items are never hidden by its sleep. */
  desk: { items(): ReadonlyArray<Pick<DeskItem, 'agent' | 'kind'>> };
  settings: Settings;
  events: Emitter<StudioEvent>;
  clock: Clock;
  logger: Logger;
}

/**
 * Puts idle agents to sleep and wakes them: a sleeping agent's Claude Code has ended, its session
 * id is kept, and mail, a task, a kick or the person wakes it by resuming that session. One rule
 * says when an agent may sleep (whyAwake); the idle timer, the cap on agents awake and the
 * person's command all go through it. Nothing of its work is touched: worktree, branch, tasks and
 * unread mail stay as they were.
 */
export class SleepKeeper {
  private readonly store = new DisposableStore();
  private readonly timers = new Map<number, { cancel(): void }>();
  /** When each running agent last came to its prompt: the cap sends the one idle longest first. */
  private readonly idleSince = new Map<number, number>();
  /** Wakes under way, so that mail arriving meanwhile starts no second one. */
  private readonly waking = new Map<number, Promise<Agent>>();

  constructor(private readonly deps: SleepKeeperDeps) {
    this.store.add(deps.terminals.onDidChangeState((e) => this.stateChanged(e.agentId, e.state)));
    this.store.add(
      deps.events.on((e) => {
        if (e.type !== 'message.sent') return;
        for (const r of e.recipients) if (this.isAsleep(r.id)) void this.wakeQuietly(r.id, 'mail arrived');
      }),
    );
  }

  settings(): SleepSettings {
    return {
      ...DEFAULT_SLEEP_SETTINGS,
      ...this.deps.settings.get<Partial<SleepSettings>>(SLEEP_SETTINGS_KEY),
    };
  }

  setSettings(patch: Partial<SleepSettings>): SleepSettings {
    const next = { ...this.settings(), ...patch };
    if (!Number.isInteger(next.idleMinutes) || next.idleMinutes < 1)
      throw new StudioError('invalid', 'Sleep after a whole number of minutes, 1 or more.');
    if (next.awakeCap !== null && (!Number.isInteger(next.awakeCap) || next.awakeCap < 1))
      throw new StudioError('invalid', 'The cap on agents awake is a whole number, 1 or more (or none).');
    this.deps.settings.set(SLEEP_SETTINGS_KEY, next);
    return next;
  }

  isAsleep(agentId: number): boolean {
    return !!this.deps.agents.getById(agentId)?.sleep.asleepSince;
  }

  /** Why this agent may not sleep now, in the person's words; undefined when it may. */
  whyAwake(agent: Agent): string | undefined {
    if (agent.sleep.asleepSince) return 'it is asleep already';
    if (agent.kind !== 'agent' || agent.remote) return 'the studio does not run it';
    if (agent.profile.kind !== 'claude') return 'only a Claude Code session can be resumed after sleep';
    if (agent.sleep.pinned) return 'it is pinned awake';
    if (agent.commander && !this.settings().commander)
      return 'it is the commander (the sleep settings keep it awake)';
    const term = this.deps.terminals.wakeState(agent.id);
    if (!term) return 'it is not running';
    if (term.state === 'busy') return 'it is in a turn';
    if (term.state === 'waiting_shell') return 'a background shell runs in it';
    if (term.state !== 'idle') return `it is ${term.state.replace(/_/g, ' ')}`;
    if (term.inputPending) return 'something is typed in its input box';
    if (this.deps.queuedCount(agent.id)) return 'mail waits for it';
    // A review is the task's, not the agent's: it is merged or sent back with the agent asleep.
    if (this.deps.desk.items().some((i) => i.agent === agent.name && i.kind !== 'review'))
      return 'something of it waits for you in the queue';
    return undefined;
  }

  /** Puts it to sleep now; refused, with the reason, when it may not sleep. */
  async sleep(name: string): Promise<Agent> {
    const agent = this.deps.agents.require(name);
    const why = this.whyAwake(agent);
    if (why) throw new StudioError('conflict', `Not putting ${agent.name} to sleep: ${why}.`);
    this.cancelTimer(agent.id);
    this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, asleepSince: this.deps.clock.now() } });
    try {
      await this.deps.terminals.sleep(agent.name);
    } catch (err) {
      this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, asleepSince: null } });
      throw err;
    }
    this.deps.logger.info('agent asleep', { agent: agent.name });
    return this.markAsleep(agent.id);
  }

  /** Wakes it: its session resumed, its mail delivered once it is at its prompt. */
  wake(name: string): Promise<Agent> {
    const agent = this.deps.agents.require(name);
    const under = this.waking.get(agent.id);
    if (under) return under;
    if (!agent.sleep.asleepSince) return Promise.resolve(agent);
    const waking = this.resume(agent).finally(() => this.waking.delete(agent.id));
    this.waking.set(agent.id, waking);
    return waking;
  }

  /** Wakes every sleeping agent with mail waiting (sent while no studio ran). */
  wakeThoseWithMail(): void {
    for (const a of this.deps.agents.list())
      if (a.sleep.asleepSince && this.deps.queuedCount(a.id)) void this.wakeQuietly(a.id, 'mail waited');
  }

  /** The person stopped it: it is not asleep any more (a stopped agent starts only when told). */
  stopped(name: string): void {
    const agent = this.deps.agents.require(name);
    if (!agent.sleep.asleepSince) return;
    this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, asleepSince: null } });
    this.deps.agents.update(agent.id, { state: 'exited' });
  }

  /** Keeps it awake (or lets it sleep again when idle). */
  pin(name: string, pinned: boolean): Agent {
    const agent = this.deps.agents.require(name);
    const next = this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, pinned } });
    if (pinned) this.cancelTimer(agent.id);
    else this.stateChanged(agent.id, agent.state);
    return next;
  }

  /** Its own minutes idle before sleep (null: the studio's setting). */
  setIdleMinutes(name: string, minutes: number | null): Agent {
    if (minutes !== null && (!Number.isInteger(minutes) || minutes < 1))
      throw new StudioError('invalid', 'Sleep after a whole number of minutes, 1 or more.');
    const agent = this.deps.agents.require(name);
    const next = this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, idleMinutes: minutes } });
    this.cancelTimer(agent.id);
    this.stateChanged(agent.id, next.state);
    return next;
  }

  private async resume(agent: Agent): Promise<Agent> {
    await this.makeRoom(agent.id);
    this.deps.agents.setRuntime(agent.id, { sleep: { ...agent.sleep, asleepSince: null } });
    this.deps.logger.info('agent waking', { agent: agent.name });
    try {
      return (await this.deps.terminals.startSettled(agent.name)).agent;
    } catch (err) {
      // Left awake in name: its start failed, and the tile says why (not a sleep that hides it).
      this.deps.logger.warn('wake from sleep failed', { agent: agent.name, err: String(err) });
      throw err;
    }
  }

  private wakeQuietly(agentId: number, why: string): Promise<Agent | undefined> {
    const agent = this.deps.agents.getById(agentId);
    if (!agent) return Promise.resolve(undefined);
    this.deps.logger.debug('waking from sleep', { agent: agent.name, why });
    return this.wake(agent.name).catch(() => undefined);
  }

  /**
   * Under the cap on agents awake, one more may wake: else the one idle longest that may sleep goes
   * to sleep first. None may: this one wakes all the same (mail never waits on the cap longer than
   * one sleep and one resume, and never for ever).
   */
  private async makeRoom(waking: number): Promise<void> {
    const cap = this.settings().awakeCap;
    if (cap === null) return;
    const awake = this.deps.agents
      .list()
      .filter((a) => a.id !== waking && this.deps.terminals.wakeState(a.id));
    if (awake.length < cap) return;
    const sleepy = awake
      .filter((a) => !this.whyAwake(a))
      .sort((a, b) => (this.idleSince.get(a.id) ?? 0) - (this.idleSince.get(b.id) ?? 0))[0];
    if (!sleepy) {
      this.deps.logger.info('over the cap on agents awake: none may sleep', { cap });
      return;
    }
    await this.sleep(sleepy.name).catch((err: Error) =>
      this.deps.logger.warn('could not make room under the cap', { agent: sleepy.name, err: err.message }),
    );
  }

  /** A sleeping agent's CLI ended: it shows asleep, not exited. */
  private markAsleep(agentId: number): Agent {
    return this.deps.agents.update(agentId, { state: 'asleep' });
  }

  private stateChanged(agentId: number, state: AgentState): void {
    if (state === 'exited' && this.isAsleep(agentId)) {
      this.markAsleep(agentId);
      return;
    }
    if (state !== 'idle') {
      this.idleSince.delete(agentId);
      this.cancelTimer(agentId);
      return;
    }
    if (!this.idleSince.has(agentId)) this.idleSince.set(agentId, this.deps.clock.now());
    this.schedule(agentId);
  }

  private idleMs(agent: Agent): number {
    return (agent.sleep.idleMinutes ?? this.settings().idleMinutes) * 60_000;
  }

  /** Looks again once it has been idle its minutes: then it sleeps, unless something keeps it awake. */
  private schedule(agentId: number): void {
    const agent = this.deps.agents.getById(agentId);
    if (!agent || agent.sleep.pinned || this.timers.has(agentId)) return;
    const since = this.idleSince.get(agentId) ?? this.deps.clock.now();
    const due = Math.max(0, since + this.idleMs(agent) - this.deps.clock.now());
    this.timers.set(
      agentId,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(agentId);
        this.dozeOff(agentId);
      }, due),
    );
  }

  private dozeOff(agentId: number): void {
    const agent = this.deps.agents.getById(agentId);
    if (!agent) return;
    const term = this.deps.terminals.wakeState(agentId);
    // The person typed there lately: idle counts from then.
    const typedAgo = term ? this.deps.clock.now() - term.personTypedAt : Infinity;
    const why = typedAgo < this.idleMs(agent) ? 'the person typed there lately' : this.whyAwake(agent);
    if (!why) {
      void this.sleep(agent.name).catch((err: Error) =>
        this.deps.logger.warn('could not put an idle agent to sleep', {
          agent: agent.name,
          err: err.message,
        }),
      );
      return;
    }
    // Kept awake for now (mail, an item for the person): looked at again after as long.
    if (term?.state === 'idle') {
      this.idleSince.set(agentId, this.deps.clock.now());
      this.schedule(agentId);
    }
  }

  private cancelTimer(agentId: number): void {
    this.timers.get(agentId)?.cancel();
    this.timers.delete(agentId);
  }

  dispose(): void {
    this.store.dispose();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
