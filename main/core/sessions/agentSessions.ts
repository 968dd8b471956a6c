import type { Disposable } from '../../contract/events.js';
import { StudioError } from '../../contract/errors.js';
import type { HookPayload } from '../../contract/hooks.js';
import type { Agent, AgentState, AgentUsage } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { Emitter } from '../util/emitter.js';
import type { AgentStateTracker } from './agentStateTracker.js';
import { QUICK_EXIT_MS } from '../../contract/exits.js';
import type { OutputConsumer, SpawnPty } from './ptySession.js';
import { isTerminalReport } from './terminalReports.js';
import type { ScreenReading } from './screenClassifier.js';
import { tailAnswer } from './screenMirror.js';
import type { TerminalWriter, TypeResult } from './terminalWriter.js';
import type { AgentPlace, AgentPlaces, PlacedLaunch } from './agentPlace.js';
import { HookTokens } from './hookTokens.js';
import { RestartSupervisor } from './restartSupervisor.js';
import { atPrompt, settleStart } from './startSettle.js';
export { START_SETTLE_MS } from './startSettle.js';
import { ExitHandler, type OwnStart } from './exitHandler.js';
import {
  createLiveSession,
  promptScreenOf,
  type LiveSession,
  type PromptScreen,
  type SessionOutput,
  type SessionSnapshot,
  type Size,
  type StartOutcome,
} from './liveSession.js';

export interface AgentSessionsOptions {
  agents: AgentRegistry;
  clock: Clock;
  logger: Logger;
  spawnPty: SpawnPty;
  writer: TerminalWriter;
  /** Where each agent's process runs (this machine, a host over SSH), and how it is launched there. */
  places: AgentPlaces;
  /**
   * What a start the person asked for waits for before its launch is built: a worktree agent's
   * branches moved into its folder of branches, which a sandboxed agent's git guard lets it write.
   */
  beforeStart?: (agent: Agent) => Promise<void>;
}

/** A start found its agent's terminal running when it was ready to open one. */
class StartedMeanwhile extends Error {}

/**
 * The studio's terminals: one PTY per agent, its screen mirror and its state. Where the process
 * runs (and how it is launched there) is its AgentPlace's business; this class opens the terminal
 * on what the place prepared, restarts it by the RestartSupervisor's rules and tells its state.
 */
export class AgentSessions {
  private readonly live = new Map<number, LiveSession>();
  private readonly hookTokens = new HookTokens();
  private readonly supervisor: RestartSupervisor;
  private readonly exits: ExitHandler;
  private generations = 0;
  /** Shut down: a start that was waiting (its CLI's version asked) must not open a terminal now. */
  private closing = false;
  /** Starts being prepared: a second start waits for the first. */
  private readonly preparing = new Map<number, Promise<StartOutcome>>();
  /** Stops the person asked for, per agent: a start prepared across one does not go on. */
  private readonly stops = new Map<number, number>();
  private readonly outputEmitter = new Emitter<SessionOutput>();
  private readonly usageEmitter = new Emitter<{ agentId: number; usage: AgentUsage }>();
  /** An agent's token use, after each turn it ends. */
  readonly onDidUsage = (l: (e: { agentId: number; usage: AgentUsage }) => void): Disposable =>
    this.usageEmitter.on(l);
  private readonly stateEmitter = new Emitter<{
    agentId: number;
    state: AgentState;
    reading: ScreenReading;
  }>();
  private readonly toolsEmitter = new Emitter<{ agentId: number }>();
  /** A running agent's program has just listed the studio's MCP tools (see toolsListed). */
  readonly onDidListTools = (l: (e: { agentId: number }) => void): Disposable => this.toolsEmitter.on(l);
  readonly onDidOutput = (l: (e: SessionOutput) => void): Disposable => this.outputEmitter.on(l);
  readonly onDidChangeState = (
    l: (e: { agentId: number; state: AgentState; reading: ScreenReading }) => void,
  ): Disposable => this.stateEmitter.on(l);

  constructor(private readonly options: AgentSessionsOptions) {
    this.supervisor = new RestartSupervisor(options.clock);
    this.exits = new ExitHandler({
      agents: options.agents,
      clock: options.clock,
      logger: options.logger,
      supervisor: this.supervisor,
      current: (agentId) => this.live.get(agentId),
      closing: () => this.closing,
      placeFor: (agent) => options.places.placeFor(agent),
      fireState: (e) => this.stateEmitter.fire(e),
      startNow: (name, size) => this.start(name, size, true),
      startPrepared: (agent, size, how) => this.startPrepared(agent, size, how),
    });
    // No terminal survives the studio: whatever a local agent's last state was, it is not running now.
    for (const agent of options.agents.list()) {
      if (agent.kind === 'agent' && !agent.remote && agent.state !== 'exited' && agent.state !== 'unknown') {
        options.agents.update(agent.id, { state: 'exited' });
      }
      // Nor does a restart the last studio had waiting (it was killed before it came).
      this.clearRestartAt(agent);
    }
  }

  private require(name: string): Agent {
    const agent = this.options.agents.require(name);
    if (agent.kind !== 'agent' || agent.remote) {
      throw new StudioError('invalid', `${agent.name} runs elsewhere; the studio has no terminal for it.`);
    }
    return agent;
  }

  private session(name: string): LiveSession {
    // An agent that runs elsewhere first: starting it would not give it a terminal here.
    const agent = this.require(name);
    const s = this.live.get(agent.id);
    if (!s) throw new StudioError('unavailable', `${agent.name} has no terminal running; start it first.`);
    return s;
  }

  get(agentId: number): LiveSession | undefined {
    return this.live.get(agentId);
  }

  /** It has a terminal, running or exited (read_peer and peer_state can look at it). */
  hasTerminal(agentId: number): boolean {
    return this.live.has(agentId);
  }

  isRunning(agentId: number): boolean {
    return this.live.get(agentId)?.pty.running ?? false;
  }

  /**
   * What the wake engine may know of a running terminal: the shape its WakeTargets asks for, which
   * studio.ts checks where it hands this class to the engine (sessions sit below wake/).
   */
  wakeState(agentId: number) {
    const live = this.live.get(agentId);
    if (!live?.pty.running) return undefined;
    const profile = this.options.agents.getById(agentId)?.profile;
    return {
      state: live.tracker.state,
      inputPending: !!live.tracker.screen.input,
      personTypedAt: live.lastPersonInputAt,
      takesPrompts: profile?.kind !== 'command' || profile.takesPrompts === true,
      hasStudioTools: live.flavor !== 'claude' || live.toolsListed,
      waits: live.waits,
    };
  }

  /**
   * The agent's MCP session listed the studio's tools. Its token is made anew for each start, so
   * this is the running process: from now on it can call check_inbox when woken.
   */
  toolsListed(agentId: number): void {
    const live = this.live.get(agentId);
    if (!live?.pty.running || live.toolsListed) return;
    live.toolsListed = true;
    this.toolsEmitter.fire({ agentId });
  }

  /** The agent whose running Claude Code holds this hook credential; nothing else accepts it. */
  agentForHookToken(token: string): Agent | undefined {
    const id = this.hookTokens.agentIdFor(token);
    return id === undefined ? undefined : this.options.agents.getById(id);
  }

  /**
   * The person answered an agent's folder-trust question and it started. Agents still on the same
   * question in a folder Claude Code now trusts (the same repository: its worktrees count as the
   * repository) are started again, and come up without asking. Nothing is answered for them: the
   * question was Claude Code's, and so is the trust it now reads.
   */
  private trustGiven(agentId: number): void {
    for (const other of this.live.values()) {
      if (other.agentId === agentId || other.stopping || other.tracker.state !== 'waiting_trust') continue;
      const agent = this.options.agents.getById(other.agentId);
      if (!agent || !other.place.trustedNow(agent)) continue;
      this.options.logger.info('starting again an agent whose folder is trusted now', { agent: agent.name });
      this.restart(agent.name).catch((err: Error) =>
        this.options.logger.warn('could not start again an agent trusted now', {
          agent: agent.name,
          err: err.message,
        }),
      );
    }
  }

  /**
   * Opens the agent's terminal at once, where its place needs no round trip first (an automatic
   * restart; tests). Throws a StudioError that says what is missing. A start asked for by the
   * person (not an automatic restart) gives an agent that kept exiting its tries back.
   */
  start(name: string, size: Size = {}, auto = false): Agent {
    if (this.closing)
      throw new StudioError('unavailable', 'The studio is shutting down; it starts no terminal now.');
    const agent = this.require(name);
    if (this.live.get(agent.id)?.pty.running) return agent;
    const place = this.options.places.placeFor(agent);
    if (!place.launchNow)
      throw new StudioError('invalid', `${agent.name} runs on another machine; start it with startSettled.`);
    // This start is the attempt: no record may go on saying a restart is coming, even if it fails.
    this.beginStart(agent, auto);
    return this.open(agent, place, place.launchNow(agent, this.hookTokens.issue()), size, auto);
  }

  /**
   * Starts the agent and waits (up to START_SETTLE_MS) to see what became of it: ready, still
   * starting, or gone, in which case the error says how it ended and what to try.
   */
  async startSettled(name: string, size: Size = {}): Promise<StartOutcome> {
    const before = this.live.get(this.require(name).id);
    // Being stopped (a restart, a stop just before): start anew once it is gone.
    if (before?.stopping && before.pty.running) await before.pty.waitForExit();
    if (before && !before.stopping && before.pty.running) {
      const state = before.tracker.state;
      return { agent: this.require(name), ready: atPrompt(state) };
    }
    await this.options.beforeStart?.(this.require(name));
    // Read again: moving its branches can have moved its worktree.
    return this.startPrepared(this.require(name), size);
  }

  /** Prepares the start at its place (one at a time per agent), then opens its terminal. */
  private startPrepared(agent: Agent, size: Size, how: OwnStart = {}): Promise<StartOutcome> {
    const pending = this.preparing.get(agent.id);
    if (pending) return pending;
    const stopsBefore = this.stops.get(agent.id) ?? 0;
    const goOn = () => {
      const why = this.calledOff(agent, stopsBefore);
      if (why) throw why;
    };
    const started = (async () => {
      const place = this.options.places.placeFor(agent);
      let placed: PlacedLaunch;
      try {
        placed = await place.prepare(agent, this.hookTokens.issue(), goOn);
        goOn();
      } catch (err) {
        const why = err instanceof StartedMeanwhile ? err : this.calledOff(agent, stopsBefore);
        if (why instanceof StartedMeanwhile) return this.outcomeOfRunning(agent);
        if (why) throw why;
        if (!how.quiet || !place.passing(err)) this.exits.failedStart(agent, err as Error);
        throw err;
      }
      const opened = this.open(agent, place, placed, size, !!how.auto);
      // The studio's own restart does not wait to see it settle: an exit now is recorded (and
      // capped) by handleExit like any other, not a failure to start.
      return how.auto ? { agent: opened, ready: false } : this.settle(opened);
    })().finally(() => this.preparing.delete(agent.id));
    this.preparing.set(agent.id, started);
    return started;
  }

  /**
   * Why a start being prepared goes no further: the studio shutting down, the person stopping it,
   * or a terminal opened meanwhile (the studio's own restart), which this start must not replace:
   * its launch would take a new token from the running process.
   */
  private calledOff(agent: Agent, stopsBefore: number): Error | undefined {
    if (this.closing)
      return new StudioError('unavailable', 'The studio is shutting down; it starts no terminal now.');
    if ((this.stops.get(agent.id) ?? 0) !== stopsBefore)
      return new StudioError('unavailable', `${agent.name} was stopped while its start was prepared.`);
    if (this.live.get(agent.id)?.pty.running) return new StartedMeanwhile();
    return undefined;
  }

  private outcomeOfRunning(agent: Agent): StartOutcome {
    const state = this.live.get(agent.id)?.tracker.state ?? 'unknown';
    return { agent: this.options.agents.getById(agent.id) ?? agent, ready: atPrompt(state) };
  }

  private beginStart(agent: Agent, auto: boolean): void {
    this.supervisor.cancel(agent.id);
    this.clearRestartAt(agent);
    if (!auto) this.supervisor.freshStart(agent.id);
  }

  /** Opens the terminal on a prepared launch, in place of the agent's last process. */
  private open(agent: Agent, place: AgentPlace, placed: PlacedLaunch, size: Size, auto: boolean): Agent {
    if (this.live.get(agent.id)?.pty.running) return agent;
    this.beginStart(agent, auto);
    this.drop(this.live.get(agent.id));
    const live = createLiveSession(
      agent,
      { place, placed, size, generation: ++this.generations },
      {
        spawnPty: this.options.spawnPty,
        clock: this.options.clock,
        logger: this.options.logger,
        onState: (tracker, state, reading) => this.stateChanged(agent.id, tracker, state, reading),
        onOutput: (data, seq) =>
          this.outputEmitter.fire({ agentId: agent.id, data, seq, generation: live.generation }),
        onExit: (ended, status) => {
          // Its hooks' credential dies with it: nothing may report for a process that is gone.
          this.hookTokens.forget(ended.hookTokenHash);
          this.exits.handle(ended, status);
        },
        onUsage: (ended, usage) => {
          if (this.live.get(agent.id) !== ended || !this.options.agents.getById(agent.id)) return;
          this.options.agents.setRuntime(agent.id, { usage });
          this.usageEmitter.fire({ agentId: agent.id, usage });
        },
      },
    );
    this.live.set(agent.id, live);
    if (live.hookTokenHash) this.hookTokens.bind(live.hookTokenHash, agent.id);
    try {
      live.pty.start();
    } catch (err) {
      this.drop(live);
      throw new StudioError('unavailable', `Could not start ${agent.name}: ${(err as Error).message}`);
    }
    live.tracker.started();
    // Once it has run a while, its earlier exits are history: the tile stops showing them.
    live.settled = this.options.clock.setTimeout(() => {
      if (!live.pty.running) return;
      this.supervisor.settled(agent.id);
      if (this.options.agents.getById(agent.id)) this.options.agents.setExit(agent.id, null);
    }, QUICK_EXIT_MS);
    live.store.add({ dispose: () => live.settled?.cancel() });
    this.options.agents.setLaunch(agent.id, { autostart: true });
    this.options.logger.info('agent started', {
      agent: agent.name,
      pid: live.pty.pid,
      command: live.command,
      ...(placed.host ? { host: placed.host } : {}),
    });
    return this.options.agents.getById(agent.id)!;
  }

  private stateChanged(
    agentId: number,
    tracker: AgentStateTracker,
    state: AgentState,
    reading: ScreenReading,
  ): void {
    // Only this process's tracker speaks for the agent (not one whose link dropped).
    const live = this.live.get(agentId);
    if (live?.tracker !== tracker) return;
    if (this.options.agents.getById(agentId)) this.options.agents.update(agentId, { state });
    this.stateEmitter.fire({ agentId, state, reading });
    if (state === 'waiting_trust') live.askedTrust = true;
    else if (live.askedTrust && (state === 'idle' || state === 'busy')) {
      live.askedTrust = false;
      this.trustGiven(agentId);
    }
  }

  /** Ends a process the studio means to end: its exit is no crash, and nothing restarts it. */
  private async end(live: LiveSession): Promise<void> {
    live.stopping = true;
    await live.pty.stop();
  }

  /** Forgets a process: its wiring, its terminal and its hook credential. */
  private drop(live: LiveSession | undefined): void {
    if (!live) return;
    live.store.dispose();
    live.pty.dispose();
    this.hookTokens.forget(live.hookTokenHash);
    if (this.live.get(live.agentId) === live) this.live.delete(live.agentId);
  }

  /** Waits (up to START_SETTLE_MS) to see what became of a start; see startSettled. */
  private async settle(agent: Agent): Promise<StartOutcome> {
    const live = this.live.get(agent.id);
    if (!live) return { agent, ready: false };
    const { agents, clock } = this.options;
    return settleStart({ agents, clock, onState: (l) => this.stateEmitter.on(l) }, agent, live);
  }

  /** The exit stays on record; the restart it announced is not coming. */
  private clearRestartAt(agent: Agent): void {
    if (!agent.lastExit?.restartAt) return;
    const { restartAt: _, ...exit } = agent.lastExit;
    this.options.agents.setExit(agent.id, exit);
  }

  /** Stops the terminal and keeps the agent from starting with the studio next time. */
  async stop(name: string): Promise<void> {
    const agent = this.options.agents.require(name);
    const live = this.live.get(agent.id);
    this.options.agents.setLaunch(agent.id, { autostart: false });
    this.supervisor.stopped(agent.id);
    // A start still being prepared opens no terminal after this.
    this.stops.set(agent.id, (this.stops.get(agent.id) ?? 0) + 1);
    if (agent.lastExit?.restartAt) this.options.agents.setExit(agent.id, null);
    if (agent.state === 'reconnecting') this.options.agents.update(agent.id, { state: 'exited' });
    if (live) await this.end(live);
  }

  /**
   * Ends the agent's CLI to sleep (see core/sleep): as a stop does, but it keeps its start with the
   * studio and its Claude Code session, which its wake resumes.
   */
  async sleep(name: string): Promise<void> {
    const agent = this.options.agents.require(name);
    const live = this.live.get(agent.id);
    this.supervisor.cancel(agent.id);
    if (live?.pty.running) await this.end(live);
  }

  async restart(name: string): Promise<StartOutcome> {
    const agent = this.options.agents.require(name);
    const live = this.live.get(agent.id);
    const size = live?.pty.size;
    this.supervisor.cancel(agent.id);
    if (live?.pty.running) await this.end(live);
    return this.startSettled(name, size ?? {});
  }

  /** Keys the person typed into the agent's terminal, passed through as they are. */
  input(name: string, data: string): void {
    const live = this.session(name);
    if (!live.pty.running) throw new StudioError('unavailable', `${name}'s terminal has exited; restart it.`);
    // The tile's own answers to the program (focus, device attributes) are not the person typing.
    if (!isTerminalReport(data)) live.lastPersonInputAt = this.options.clock.now();
    live.pty.write(data);
  }

  resize(name: string, cols: number, rows: number): void {
    try {
      this.session(name).pty.resize(cols, rows);
    } catch (err) {
      if (err instanceof StudioError) throw err;
      throw new StudioError('invalid', (err as Error).message);
    }
  }

  screen(name: string): string {
    return this.session(name).pty.mirror.text();
  }

  /** The last `lines` rows of its screen with text, as one answer (see tailAnswer). */
  screenTail(name: string, lines: number): string {
    return tailAnswer(this.session(name).pty.mirror.tail(lines));
  }

  reading(name: string): { state: AgentState; reading: ScreenReading } {
    const live = this.session(name);
    return { state: live.tracker.state, reading: live.tracker.screen };
  }

  /** Its screen as the person's queue reads it (see promptScreenOf). */
  promptScreen(agentId: number, now = false): PromptScreen | undefined {
    const live = this.live.get(agentId);
    return live?.pty.running ? promptScreenOf(live, now) : undefined;
  }

  /**
   * Screen and scrollback for a viewer that attaches now, with the stream position it covers:
   * live output from onDidOutput continues from `seq` of the same `generation`.
   */
  async snapshot(name: string): Promise<SessionSnapshot> {
    const live = this.session(name);
    const snap = await live.pty.snapshot();
    return { ...snap, agentId: live.agentId, generation: live.generation, running: live.pty.running };
  }

  /** A viewer's flow control on the agent's current process, if it has one. */
  addConsumer(agentId: number, onStall?: () => void): OutputConsumer | undefined {
    return this.live.get(agentId)?.pty.addConsumer(onStall);
  }

  /** Types a prompt on someone else's behalf (sanitized, verified; see TerminalWriter). */
  type(agentId: number, text: string): Promise<TypeResult> {
    const live = this.live.get(agentId);
    if (!live?.pty.running)
      return Promise.reject(new StudioError('unavailable', 'That agent has no running terminal.'));
    return this.options.writer.type(live.pty, text, { personTypedAt: () => live.lastPersonInputAt });
  }

  keys(name: string, keys: string[]): void {
    const live = this.session(name);
    if (!live.pty.running) {
      const agent = this.options.agents.getById(live.agentId)?.name ?? name;
      throw new StudioError('unavailable', `${agent}'s terminal is not running; start it again.`);
    }
    try {
      this.options.writer.keys(live.pty, keys);
    } catch (err) {
      throw new StudioError('invalid', (err as Error).message);
    }
  }

  /**
   * A hook from the agent's Claude Code: its state first of all (`continues`: the studio answered
   * a Stop with a block, so the turn goes on), and its token use after each turn. For
   * SessionStart after /clear or compaction, returns the role prompt to bring back into the context.
   */
  hook(agent: Agent, payload: HookPayload, continues = false): string | undefined {
    const live = this.live.get(agent.id);
    live?.tracker.hook(payload, continues);
    if (payload.hook_event_name === 'Stop') live?.usage?.turnEnded(payload.transcript_path);
    if (
      payload.hook_event_name === 'SessionStart' &&
      (payload.source === 'clear' || payload.source === 'compact')
    ) {
      const current = this.options.agents.getById(agent.id);
      if (current?.rolePrompt)
        return `Claude Code Studio: you are ${current.name}. Your role: ${current.rolePrompt}`;
    }
    return undefined;
  }

  /**
   * Starts every agent that was running when the studio last stopped, and says what became of
   * each (see startSettled): started, ready, or why not. One whose host is away now (asleep, off
   * the network) is tried again until it answers.
   */
  async startSaved(): Promise<Array<{ name: string; ready?: boolean; error?: string }>> {
    // One asleep when the studio stopped sleeps on: its mail wakes it.
    const saved = this.options.agents
      .list()
      .filter((a) => a.kind === 'agent' && !a.remote && a.autostart && !a.sleep.asleepSince);
    return Promise.all(
      saved.map(async (agent) => {
        try {
          await this.options.beforeStart?.(agent);
          const { ready } = await this.startPrepared(this.require(agent.name), {}, { quiet: true });
          return { name: agent.name, ready };
        } catch (err) {
          const place = this.options.places.placeFor(agent);
          if (place.passing(err) && !this.supervisor.isWaiting(agent.id))
            this.exits.reconnectLater(agent.id, {}, (err as Error).message);
          return { name: agent.name, error: (err as Error).message };
        }
      }),
    );
  }

  /** Stops every terminal but leaves autostart as it was, so the team comes back next time. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const id of this.supervisor.cancelAll()) {
      const agent = this.options.agents.getById(id);
      if (agent) this.clearRestartAt(agent);
    }
    const all = [...this.live.values()];
    for (const l of all) l.stopping = true;
    await Promise.allSettled(all.map((l) => l.pty.stop()));
    for (const l of all) this.drop(l);
    this.hookTokens.clear();
    await this.options.places.close();
    this.outputEmitter.dispose();
    this.stateEmitter.dispose();
    this.toolsEmitter.dispose();
    this.usageEmitter.dispose();
  }

  /** Forgets a removed agent's terminal, and what its place kept for it. */
  async remove(agent: Agent): Promise<void> {
    this.supervisor.forget(agent.id);
    const live = this.live.get(agent.id);
    if (live) {
      await this.end(live);
      this.drop(live);
    }
    if (!this.closing) await this.options.places.placeFor(agent).forget(agent);
  }
}
