// What follows an exit nobody asked for: recorded on the agent (its code, last lines and what to
// try), restarted by the RestartSupervisor's rules, or, where the link to its place dropped,
// reconnected with backoff while its mail waits.
import type { Agent, AgentState } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { AgentPlace } from './agentPlace.js';
import { adviseExit, EXIT_READ_LINES, exitLines, exitTail } from './exitAdvice.js';
import type { LiveSession, Size, StartOutcome } from './liveSession.js';
import type { ExitStatus } from './ptySession.js';
import type { RestartSupervisor } from './restartSupervisor.js';
import { classifyScreen, type ScreenReading } from './screenClassifier.js';

/** A start of the studio's own: see AgentSessions.startPrepared. */
export interface OwnStart {
  quiet?: boolean;
  auto?: boolean;
}

export interface ExitHandlerDeps {
  agents: AgentRegistry;
  clock: Clock;
  logger: Logger;
  supervisor: RestartSupervisor;
  /** The agent's current process, if any: an exit of an older one is history. */
  current(agentId: number): LiveSession | undefined;
  closing(): boolean;
  placeFor(agent: Agent): AgentPlace;
  fireState(e: { agentId: number; state: AgentState; reading: ScreenReading }): void;
  /** Opens its terminal at once (its place needs no preparing); throws why not. */
  startNow(name: string, size: Size): void;
  /** Prepares a start at its place, then opens its terminal. */
  startPrepared(agent: Agent, size: Size, how: OwnStart): Promise<StartOutcome>;
}

export class ExitHandler {
  constructor(private readonly deps: ExitHandlerDeps) {}

  /** Its process ended: a stop asked for, an exit to record (and maybe restart), or a dropped link. */
  handle(live: LiveSession, status: ExitStatus): void {
    live.settled?.cancel();
    const agent = this.deps.agents.getById(live.agentId);
    this.deps.logger.info('agent exited', {
      agent: agent?.name ?? `#${live.agentId}`,
      code: status.code,
      signal: status.signal,
      expected: live.stopping,
    });
    if (!agent || live.stopping) {
      live.tracker.exited();
      return;
    }
    // Its last lines are still being drawn into the mirror: record the exit once they are on
    // it, then say it exited (so whoever waits for "exited" finds the record there).
    void live.pty.mirror.settled().then(async () => {
      if (this.deps.current(live.agentId) !== live) return;
      try {
        const lost = live.stopping ? undefined : await live.place.linkLost(agent, status);
        if (this.deps.current(live.agentId) !== live) return;
        if (lost && !live.stopping) {
          live.tracker.dispose();
          this.reconnectLater(agent.id, live.pty.size, lost, { live, status });
          return;
        }
        if (!live.stopping) this.recordExit(agent, live, status);
        live.tracker.exited();
      } catch (err) {
        // The studio closed meanwhile: nothing is left to tell.
        this.deps.logger.debug('exit not recorded', { err: String(err) });
      }
    });
  }

  /**
   * An exit nobody asked for: kept on the agent (code, last lines, what to try) and followed by
   * the restart the RestartSupervisor decides on, if any.
   */
  private recordExit(agent: Agent, live: LiveSession, status: ExitStatus): void {
    const now = this.deps.clock.now();
    const ranMs = Math.max(0, now - live.startedAt);
    const verdict = this.deps.supervisor.judge(agent.id, ranMs, status);
    const lines = exitLines(live.pty.mirror.recentLines(EXIT_READ_LINES));
    const advice = adviseExit({
      code: status.code,
      signal: status.signal,
      ranMs,
      lines,
      claude: live.flavor === 'claude',
      command: live.command,
      cwd: agent.cwd,
    });
    const wait = verdict.restartInMs;
    this.deps.agents.setExit(agent.id, {
      code: status.code,
      signal: status.signal,
      at: now,
      ranMs,
      tail: exitTail(lines),
      // The cause first; why the studio stopped restarting it after.
      advice: verdict.because ? `${advice} ${verdict.because}` : advice,
      quickExits: verdict.quickExits,
      gaveUp: verdict.gaveUp,
      ...(wait !== undefined ? { restartAt: now + wait } : {}),
    });
    if (wait !== undefined)
      this.deps.supervisor.schedule(agent.id, wait, () => this.restartByItself(agent.id, live.pty.size));
  }

  /** The restart recordExit announced: at once where its place allows, else prepared first. */
  private restartByItself(agentId: number, size: Size): void {
    const current = this.deps.agents.getById(agentId);
    if (!current?.autostart || this.deps.current(agentId)?.pty.running) return;
    const failed = (err: Error) => {
      this.deps.logger.warn('automatic restart failed', { agent: current.name, err: err.message });
      // The start took the announced restart off the record before it failed.
      const exit = this.deps.agents.getById(agentId)?.lastExit;
      if (exit) {
        this.deps.agents.setExit(agentId, {
          ...exit,
          gaveUp: true,
          advice: `The studio could not start it again: ${err.message}`,
        });
      }
    };
    if (!this.deps.placeFor(current).launchNow) {
      this.deps.startPrepared(current, size, { auto: true }).catch((err: Error) => failed(err));
      return;
    }
    try {
      this.deps.startNow(current.name, size);
    } catch (err) {
      failed(err as Error);
    }
  }

  /**
   * An agent whose link dropped (or whose host was away when the studio started it by itself):
   * shown as reconnecting, its mail left queued, and started again (its Claude Code session
   * resumed) once it answers, trying with backoff until it does or the person stops it. What only
   * the person can mend (a refused login, an untrusted host key, no Claude Code there) is not retried.
   */
  reconnectLater(
    agentId: number,
    size: Size,
    why: string,
    ended?: { live: LiveSession; status: ExitStatus },
  ): void {
    const agent = this.deps.agents.getById(agentId);
    // Stopped by the person meanwhile (or never meant to run): nothing is scheduled.
    if (!agent?.autostart || this.deps.closing()) return;
    const { attempt, waitMs } = this.deps.supervisor.nextReconnect(agentId);
    const now = this.deps.clock.now();
    this.deps.agents.setExit(agentId, {
      code: ended ? ended.status.code : null,
      signal: ended ? ended.status.signal : null,
      at: now,
      ranMs: ended ? Math.max(0, now - ended.live.startedAt) : 0,
      tail: ended
        ? exitTail(exitLines(ended.live.pty.mirror.recentLines(EXIT_READ_LINES)))
        : (agent.lastExit?.tail ?? []),
      advice: `${why} The studio is reconnecting (try ${attempt + 1}); its mail waits.`,
      quickExits: 0,
      gaveUp: false,
      restartAt: now + waitMs,
    });
    this.deps.agents.update(agentId, { state: 'reconnecting' });
    this.deps.fireState({
      agentId,
      state: 'reconnecting',
      reading: ended?.live.tracker.screen ?? classifyScreen(''),
    });
    this.deps.supervisor.schedule(agentId, waitMs, () => void this.reconnect(agentId, size, attempt));
  }

  private async reconnect(agentId: number, size: Size, attempt: number): Promise<void> {
    const agent = this.deps.agents.getById(agentId);
    if (!agent?.autostart || this.deps.closing() || this.deps.current(agentId)?.pty.running) return;
    try {
      await this.deps.startPrepared(agent, size, { quiet: true, auto: true });
      const now = this.deps.agents.getById(agentId);
      // Back, and still up: the drop is history (its terminal shows where it came back).
      if (now && now.state !== 'reconnecting' && this.deps.current(agentId)?.pty.running) {
        this.deps.logger.info('agent reconnected', { agent: agent.name, tries: attempt + 1 });
        this.deps.agents.setExit(agentId, null);
      }
    } catch (err) {
      // Final failures are on the tile already (see startPrepared); a drop right after the start
      // has scheduled its own try.
      const place = this.deps.placeFor(agent);
      if (!place.passing(err) || this.deps.supervisor.isWaiting(agentId) || this.deps.closing()) return;
      this.reconnectLater(agentId, size, (err as Error).message);
    }
  }

  /** A start that failed before its terminal opened: the tile says why. */
  failedStart(agent: Agent, err: Error): void {
    if (!this.deps.agents.getById(agent.id)) return;
    const now = this.deps.clock.now();
    this.deps.agents.setExit(agent.id, {
      code: null,
      signal: null,
      at: now,
      ranMs: 0,
      tail: [],
      advice: err.message,
      quickExits: 0,
      gaveUp: true,
    });
    this.deps.agents.update(agent.id, { state: 'exited' });
  }
}
