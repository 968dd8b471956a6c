import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../../contract/events.js';
import { StudioError } from '../../contract/errors.js';
import type { HookPayload } from '../../contract/hooks.js';
import type { Agent, AgentState, AgentUsage } from '../../contract/model.js';
import type { StudioUrls } from '../../contract/urls.js';
import { hashToken, type AgentRegistry } from '../agents/agentRegistry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { DisposableStore, Emitter } from '../util/emitter.js';
import { AgentStateTracker, type SessionFlavor } from './agentStateTracker.js';
import {
  buildClaudeLaunch,
  childEnv,
  CLAUDE_MISSING,
  claudeProjectsDir,
  claudeTranscriptPath,
  defaultHome,
  findExecutable,
  writeMcpConfig,
  type Launch,
} from '../claude/claudeLaunch.js';
import { guardLaunch, sandboxPlan } from './sandboxPolicy.js';
import { claudeVersionOf, probeClaudeVersion, unsupportedReason } from '../claude/claudeVersion.js';
import {
  claudeConfigFile,
  claudeTrusts,
  readsWorktreeTrust,
  recordWorktreeTrust,
  type TrustRecord,
} from '../claude/claudeTrust.js';
import { TranscriptUsage } from '../claude/transcriptUsage.js';
import { describeExit, MAX_QUICK_EXITS, QUICK_EXIT_MS } from '../../contract/exits.js';
import {
  adviseExit,
  CRASH_WINDOW_MS,
  EXIT_READ_LINES,
  exitLines,
  exitTail,
  MAX_RESTARTS_PER_WINDOW,
  RESTART_BACKOFF_MS,
} from './exitAdvice.js';
import {
  PtySession,
  type ExitStatus,
  type OutputConsumer,
  type SeqSnapshot,
  type SpawnPty,
} from './ptySession.js';
import { classifyScreen, type ScreenReading } from './screenClassifier.js';
import { fitBytes } from '../util/fitBytes.js';
import { MAX_ANSWER_BYTES } from '../../contract/limits.js';
import type { TerminalWriter, TypeResult } from './terminalWriter.js';
import { sshHostLabel } from '../../contract/ssh.js';
import { isFinal, prepareRemoteLaunch, type RemoteLaunch } from '../remote/remoteLaunch.js';
import { remoteAgentDir, removeScript } from '../remote/remoteSetup.js';
import type { SshLinks } from '../remote/sshLink.js';

/** A hook token is as random as an agent's token; the prefix tells it apart in logs. */
const HOOK_TOKEN_BYTES = 24;
const HOOK_TOKEN_PREFIX = 'ccsh_';

/** A tile's first size before the UI reports its own; wide enough that Claude Code does not wrap. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 36;
/**
 * How long a start waits to say what happened: a program that is still running then (or showed
 * its prompt sooner) has started; one that exited has not, and the caller hears why.
 */
export const START_SETTLE_MS = 2000;

export interface AgentSessionsOptions {
  agents: AgentRegistry;
  clock: Clock;
  logger: Logger;
  spawnPty: SpawnPty;
  writer: TerminalWriter;
  dataDir: string;
  /**
   * Folders a sandboxed agent may not read or write: the studio's data folder (tokens, the
   * database) and the folder of every agent's launch files.
   */
  privateDirs: string[];
  /** Where agents reach the studio; known once the MCP server listens. */
  /** Where agents reach the studio (MCP and hooks); undefined in a studio that is not listening. */
  urls: StudioUrls | undefined;
  /** Shell command Claude Code runs for each hook (the studio's hook reporter). */
  hookCommand: string;
  /** `claude` unless told otherwise (a path, or a wrapper). */
  claudeCommand?: string;
  baseEnv?: NodeJS.ProcessEnv;
  /** The studio's SSH connections, for agents on other machines (absent: none can start). */
  sshLinks?: SshLinks;
  /** This studio's folder name on other machines (see remoteAgentDir). */
  studioKey?: string;
  /**
   * What a start the person asked for waits for before its launch is built: a worktree agent's
   * branches moved into its folder of branches, which a sandboxed agent's git guard lets it write.
   */
  beforeStart?: (agent: Agent) => Promise<void>;
}

/** After a turn's end, its transcript is read again this much later (see hook). */
export const USAGE_REREAD_MS = 2_000;
/** Waits between tries to reach an agent's host again after its SSH link dropped; the last repeats. */
export const RECONNECT_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** ssh exits 255 for its own failures (a dropped link among them), anything else is the remote program's. */
const SSH_FAILED = 255;
/** How often, and how far apart, a start tries to take Claude Code's lock on its config file. */
const TRUST_LOCK_TRIES = 20;
const TRUST_LOCK_WAIT_MS = 100;
/** Lines of an exit a failed start's error quotes: enough for Claude Code's service check. */
const SETTLE_TAIL_LINES = 8;
/** Room kept in a screen answer for the line saying rows were left out. */
const TAIL_NOTE_BYTES = 100;

/** A start of an agent on another machine, prepared (connected, files written) before its terminal opens. */
interface PreparedRemote extends RemoteLaunch {
  hookTokenHash: string;
}

/** A running agent's terminal and its state (for tests and diagnostics; product code uses the narrow accessors). */
export interface LiveSession {
  agentId: number;
  pty: PtySession;
  tracker: AgentStateTracker;
  flavor: SessionFlavor;
  /** The person typed into this terminal (not the studio): wakes hold off for a while. */
  lastPersonInputAt: number;
  store: DisposableStore;
  /** Tells one process of this agent from the next: a viewer seeing a new one starts afresh. */
  generation: number;
  /** Hash of the credential this process's hooks report with (Claude Code only). */
  hookTokenHash: string | undefined;
  startedAt: number;
  /**
   * This process listed the studio's MCP tools. Claude Code draws its prompt before its MCP
   * servers have connected: a prompt it sends the model before then finds no check_inbox.
   */
  toolsListed: boolean;
  /** The person or the studio is stopping it: its exit is expected, not a failure. */
  stopping: boolean;
  /** Clears the agent's record of quick exits once it has run for QUICK_EXIT_MS. */
  settled?: { cancel(): void };
  /** What it runs, for the advice after an exit. */
  command: string;
  /** Claude Code's token use, read from its transcript after each turn. */
  usage?: TranscriptUsage;
  /** On another machine: its host, and its folder there. */
  remote?: { dest: string; dir: string };
  /** The transcript's second read after a turn (see hook). */
  usageReread?: { cancel(): void };
  /** Its Claude Code asked whether the person trusts its folder (see trustGiven). */
  askedTrust?: boolean;
}

/** Waiting at its prompt, or on a question to the person: a start that got this far is ready. */
const atPrompt = (state: AgentState): boolean => state === 'idle' || state.startsWith('waiting_');

/** What a start came to after START_SETTLE_MS (or sooner). */
export interface StartOutcome {
  agent: Agent;
  /** It showed it is ready (idle) within the wait; otherwise it is still starting. */
  ready: boolean;
}

export interface SessionOutput {
  agentId: number;
  data: string;
  /** Where `data` starts in this process's output stream. */
  seq: number;
  generation: number;
}

export interface SessionSnapshot extends SeqSnapshot {
  agentId: number;
  generation: number;
  running: boolean;
}

/**
 * The studio's terminals: one PTY per local agent, its screen mirror and its state. Starting an
 * agent launches Claude Code wired to the studio (MCP config with the agent's token, hooks,
 * briefing, a fixed session id to resume later) or the agent's own command.
 */
export class AgentSessions {
  private readonly live = new Map<number, LiveSession>();
  /** Hook token hash -> agent id, for the processes running now. */
  private readonly hookTokens = new Map<string, number>();
  private generations = 0;
  /** Shut down: a start that was waiting (its CLI's version asked) must not open a terminal now. */
  private closing = false;
  /** Quick exits in a row per agent, and the automatic restarts waiting to happen. */
  private readonly quickExits = new Map<number, number>();
  private readonly restarts = new Map<number, { cancel(): void }>();
  /** When the studio restarted each agent by itself lately (the crash-loop cap). */
  private readonly restartTimes = new Map<number, number[]>();
  /** Starts of agents on other machines being prepared: a second start waits for the first. */
  private readonly preparing = new Map<number, Promise<StartOutcome>>();
  /** Tries in a row to reach a dropped agent's host again; cleared once it has stayed up a while. */
  private readonly reconnectTries = new Map<number, number>();
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
    // An agent on another machine first: starting it would not give it a terminal here.
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

  private launchFor(
    agent: Agent,
    home: string,
  ): { launch: Launch; flavor: SessionFlavor; hookTokenHash?: string; transcript?: string } {
    const baseEnv = this.options.baseEnv ?? process.env;
    const cwd = agent.cwd || home;
    if (!existsSync(cwd))
      throw new StudioError('invalid', `${agent.name}'s working folder ${cwd} does not exist.`);
    const agentDir = join(this.options.dataDir, 'agents', agent.name);
    const urls = this.options.urls;
    if (agent.profile.kind === 'command') {
      const command = findExecutable(agent.profile.command, baseEnv);
      if (!command)
        throw new StudioError('unavailable', `Command "${agent.profile.command}" was not found on PATH.`);
      // A command agent that speaks MCP finds its credential in a private file, never in its
      // environment: everything it runs (a shell, say) would inherit that.
      const mcp = urls && {
        STUDIO_MCP_URL: urls.mcp,
        STUDIO_MCP_CONFIG: writeMcpConfig(agentDir, urls.mcp, this.options.agents.rotateToken(agent.name)),
      };
      const env = childEnv(baseEnv, { STUDIO_AGENT: agent.name, ...mcp });
      return { launch: { command, args: agent.profile.args, env }, flavor: 'plain' };
    }
    const claude = findExecutable(this.options.claudeCommand ?? 'claude', baseEnv);
    if (!claude) throw new StudioError('unavailable', CLAUDE_MISSING);
    const version = claudeVersionOf(claude);
    const unsupported = unsupportedReason(version);
    if (unsupported) throw new StudioError('unavailable', `${agent.name} was not started: ${unsupported}`);
    this.options.agents.setRuntime(agent.id, { cliVersion: version ?? '' });
    if (agent.workspace && !readsWorktreeTrust(version)) this.recordWorktreeTrust(agent, baseEnv);
    // Claude Code is wired to the studio (MCP, hooks): a studio that does not listen cannot run it.
    if (!urls)
      throw new StudioError('unavailable', 'This studio has no listener, so Claude Code could not reach it.');
    const { mcp: mcpUrl, hooks: hookUrl } = urls;
    const sandbox = agent.profile.sandbox
      ? sandboxPlan({ agent, cwd, env: baseEnv, privateDirs: this.options.privateDirs, version })
      : undefined;
    let sessionId = this.options.agents.sessionIdOf(agent.id);
    const resume = !!sessionId && existsSync(claudeTranscriptPath(defaultHome(baseEnv), cwd, sessionId));
    if (!sessionId) {
      sessionId = randomUUID();
      this.options.agents.setLaunch(agent.id, { sessionId });
    }
    const hookToken = HOOK_TOKEN_PREFIX + randomBytes(HOOK_TOKEN_BYTES).toString('base64url');
    const launch = buildClaudeLaunch({
      agentName: agent.name,
      agentDir,
      cwd,
      mcpUrl,
      hookUrl,
      token: this.options.agents.rotateToken(agent.name),
      hookToken,
      hookCommand: this.options.hookCommand,
      sessionId,
      resume,
      rolePrompt: agent.rolePrompt,
      claudeCommand: claude,
      ...(agent.profile.args ? { extraArgs: agent.profile.args } : {}),
      baseEnv,
      ...(sandbox ? { sandbox: sandbox.paths } : {}),
      ...(version ? { version } : {}),
    });
    return {
      launch: sandbox?.guard ? guardLaunch(launch, sandbox.guard.bwrap, sandbox.guard.layout) : launch,
      flavor: 'claude',
      hookTokenHash: hashToken(hookToken),
      transcript: claudeTranscriptPath(defaultHome(baseEnv), cwd, sessionId),
    };
  }

  /**
   * A worktree the studio made from a repository the person trusted in Claude Code is trusted too:
   * recorded for the versions that ask in each worktree (newer ones read the repository's trust
   * themselves). Otherwise its Claude Code asks, and its tile says so.
   */
  private recordWorktreeTrust(agent: Agent, env: NodeJS.ProcessEnv): TrustRecord {
    const ws = agent.workspace!;
    const file = claudeConfigFile(env);
    const outcome = recordWorktreeTrust(file, ws.repo, ws.path);
    if (outcome === 'recorded')
      this.options.logger.info("recorded a trusted repository's trust for its worktree", {
        agent: agent.name,
        repo: ws.repo,
        worktree: ws.path,
        file,
      });
    else if (outcome === 'skipped' || outcome === 'busy')
      this.options.logger.info("could not record a worktree's trust now; Claude Code will ask", {
        agent: agent.name,
        file,
        why: outcome === 'busy' ? 'Claude Code holds the lock on it' : 'unreadable',
      });
    return outcome;
  }

  /**
   * The same before a start the person (or a trust just given) asked for, waiting a moment while
   * another Claude Code holds the file's lock: one starting or answering its own trust question
   * writes the file just then.
   */
  private async recordWorktreeTrustSoon(agent: Agent, version: string | undefined): Promise<void> {
    if (!agent.workspace || agent.ssh || agent.profile.kind !== 'claude' || readsWorktreeTrust(version))
      return;
    const env = this.options.baseEnv ?? process.env;
    for (let tries = 0; tries < TRUST_LOCK_TRIES; tries++) {
      if (recordWorktreeTrust(claudeConfigFile(env), agent.workspace.repo, agent.workspace.path) !== 'busy')
        return;
      await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, TRUST_LOCK_WAIT_MS));
    }
  }

  /**
   * The person answered an agent's folder-trust question and it started. Agents still on the same
   * question in a folder Claude Code now trusts (the same repository: its worktrees count as the
   * repository) are started again, and come up without asking. Nothing is answered for them: the
   * question was Claude Code's, and so is the trust it now reads.
   */
  private trustGiven(agentId: number): void {
    const env = this.options.baseEnv ?? process.env;
    const file = claudeConfigFile(env);
    for (const other of this.live.values()) {
      if (other.agentId === agentId || other.stopping || other.tracker.state !== 'waiting_trust') continue;
      const agent = this.options.agents.getById(other.agentId);
      const folder = agent?.cwd || defaultHome(env);
      if (!agent || agent.ssh || !claudeTrusts(file, folder, agent.workspace?.repo)) continue;
      this.options.logger.info('starting again an agent whose folder is trusted now', { agent: agent.name });
      this.restart(agent.name).catch((err: Error) =>
        this.options.logger.warn('could not start again an agent trusted now', {
          agent: agent.name,
          err: err.message,
        }),
      );
    }
  }

  /** The agent whose running Claude Code holds this hook credential; nothing else accepts it. */
  agentForHookToken(token: string): Agent | undefined {
    const id = this.hookTokens.get(hashToken(token));
    return id === undefined ? undefined : this.options.agents.getById(id);
  }

  private forgetHookToken(live: LiveSession | undefined): void {
    if (live?.hookTokenHash) this.hookTokens.delete(live.hookTokenHash);
  }

  /**
   * Launches the agent's terminal; throws a StudioError that says what is missing. A start asked
   * for by the person (not an automatic restart) gives an agent that kept exiting its tries back.
   */
  start(
    name: string,
    size: { cols?: number; rows?: number } = {},
    auto = false,
    prepared?: PreparedRemote,
  ): Agent {
    if (this.closing)
      throw new StudioError('unavailable', 'The studio is shutting down; it starts no terminal now.');
    const agent = this.require(name);
    const existing = this.live.get(agent.id);
    if (existing?.pty.running) return agent;
    // Its host is reached (and its files written) first, which takes a round trip: see startSettled.
    if (agent.ssh && !prepared)
      throw new StudioError(
        'invalid',
        `${agent.name} runs on ${agent.ssh.dest}; start it with startSettled.`,
      );
    this.cancelRestart(agent.id);
    // This start is the attempt: no record may go on saying a restart is coming.
    this.clearRestartAt(agent);
    if (!auto) {
      this.quickExits.delete(agent.id);
      this.restartTimes.delete(agent.id);
    }
    existing?.store.dispose();
    existing?.pty.dispose();
    this.forgetHookToken(existing);
    this.live.delete(agent.id);
    const home = defaultHome(this.options.baseEnv ?? process.env);
    const { launch, flavor, hookTokenHash, transcript } = prepared
      ? {
          launch: prepared.launch,
          flavor: 'claude' as const,
          hookTokenHash: prepared.hookTokenHash,
          transcript: undefined,
        }
      : this.launchFor(agent, home);
    const store = new DisposableStore();
    const pty = new PtySession(
      {
        command: launch.command,
        args: launch.args,
        env: launch.env,
        // ssh runs here; its cwd is a folder on the other machine.
        cwd: agent.ssh ? home : agent.cwd || home,
        cols: size.cols ?? DEFAULT_COLS,
        rows: size.rows ?? DEFAULT_ROWS,
        ...(launch.wrapped ? { wrapper: true } : {}),
      },
      this.options.spawnPty,
      this.options.clock,
    );
    const tracker = new AgentStateTracker({
      mirror: pty.mirror,
      clock: this.options.clock,
      flavor,
      onChange: (state, reading) => {
        // Only this process's tracker speaks for the agent (not one whose link dropped).
        const live = this.live.get(agent.id);
        if (live?.tracker !== tracker) return;
        if (this.options.agents.getById(agent.id)) this.options.agents.update(agent.id, { state });
        this.stateEmitter.fire({ agentId: agent.id, state, reading });
        if (state === 'waiting_trust') live.askedTrust = true;
        else if (live.askedTrust && (state === 'idle' || state === 'busy')) {
          live.askedTrust = false;
          this.trustGiven(agent.id);
        }
      },
    });
    // On another machine, its transcript is read there, over the connection.
    const usage = prepared?.transcript.projects
      ? new TranscriptUsage(
          prepared.transcript.file,
          prepared.transcript.projects,
          () => Date.now(),
          prepared.transcript.source,
        )
      : transcript
        ? new TranscriptUsage(transcript, claudeProjectsDir(launch.env), () => Date.now())
        : undefined;
    const generation = ++this.generations;
    const live: LiveSession = {
      agentId: agent.id,
      pty,
      tracker,
      flavor,
      lastPersonInputAt: 0,
      store,
      generation,
      hookTokenHash,
      startedAt: this.options.clock.now(),
      toolsListed: false,
      stopping: false,
      command: launch.wrapped ?? launch.command,
      ...(usage ? { usage } : {}),
      ...(agent.ssh
        ? { remote: { dest: agent.ssh.dest, dir: remoteAgentDir(this.options.studioKey ?? '', agent.name) } }
        : {}),
    };
    store.add(pty.onDidRawOutput(() => tracker.output()));
    store.add(
      pty.onDidOutput(({ data, seq }) =>
        this.outputEmitter.fire({ agentId: agent.id, data, seq, generation }),
      ),
    );
    store.add(pty.onDidExit((status) => this.handleExit(live, status)));
    store.add({ dispose: () => tracker.dispose() });
    store.add({ dispose: () => live.usageReread?.cancel() });
    this.live.set(agent.id, live);
    if (hookTokenHash) this.hookTokens.set(hookTokenHash, agent.id);
    try {
      pty.start();
    } catch (err) {
      this.forgetHookToken(live);
      this.live.delete(agent.id);
      store.dispose();
      pty.dispose();
      throw new StudioError('unavailable', `Could not start ${agent.name}: ${(err as Error).message}`);
    }
    tracker.started();
    // Once it has run a while, its earlier exits are history: the tile stops showing them.
    live.settled = this.options.clock.setTimeout(() => {
      if (!live.pty.running) return;
      this.quickExits.delete(agent.id);
      this.reconnectTries.delete(agent.id);
      if (this.options.agents.getById(agent.id)) this.options.agents.setExit(agent.id, null);
    }, QUICK_EXIT_MS);
    store.add({ dispose: () => live.settled?.cancel() });
    this.options.agents.setLaunch(agent.id, { autostart: true });
    this.options.logger.info('agent started', {
      agent: agent.name,
      pid: pty.pid,
      command: launch.wrapped ?? launch.command,
      ...(agent.ssh ? { host: agent.ssh.dest } : {}),
    });
    return this.options.agents.getById(agent.id)!;
  }

  /**
   * Reaches an agent's host over SSH, writes its files there and builds its terminal's command
   * line; a failure (host unreachable, login refused, no Claude Code there) is kept on the agent
   * for its tile and thrown.
   */
  private async prepareRemote(agent: Agent): Promise<PreparedRemote> {
    const links = this.options.sshLinks;
    if (!links || !this.options.urls)
      throw new StudioError(
        'unavailable',
        'This studio has no listener, so an agent on another machine could not reach it.',
      );
    let sessionId = this.options.agents.sessionIdOf(agent.id);
    if (!sessionId) {
      sessionId = randomUUID();
      this.options.agents.setLaunch(agent.id, { sessionId });
    }
    const hookToken = HOOK_TOKEN_PREFIX + randomBytes(HOOK_TOKEN_BYTES).toString('base64url');
    const prepared = await prepareRemoteLaunch({
      agent,
      link: links.forAgent(agent.ssh!.dest, agent.id),
      studioKey: this.options.studioKey ?? '',
      token: this.options.agents.rotateToken(agent.name),
      hookToken,
      sessionId,
      baseEnv: this.options.baseEnv ?? process.env,
    });
    this.options.agents.setRuntime(agent.id, { cliVersion: prepared.version ?? '' });
    return { ...prepared, hookTokenHash: hashToken(hookToken) };
  }

  /**
   * Starts the agent and waits (up to START_SETTLE_MS) to see what became of it: ready, still
   * starting, or gone, in which case the error says how it ended and what to try.
   */
  async startSettled(name: string, size: { cols?: number; rows?: number } = {}): Promise<StartOutcome> {
    const before = this.live.get(this.require(name).id);
    // Being stopped (a restart, a stop just before): start anew once it is gone.
    if (before?.stopping && before.pty.running) await before.pty.waitForExit();
    if (before && !before.stopping && before.pty.running) {
      const state = before.tracker.state;
      return { agent: this.require(name), ready: atPrompt(state) };
    }
    const target = this.require(name);
    await this.options.beforeStart?.(target);
    if (target.ssh) return this.startRemote(target, size);
    // The CLI's version decides its hooks and whether it runs at all: asked off the event loop first.
    const profile = target.profile;
    if (profile.kind === 'claude') {
      const baseEnv = this.options.baseEnv ?? process.env;
      const claude = findExecutable(this.options.claudeCommand ?? 'claude', baseEnv);
      if (claude) await this.recordWorktreeTrustSoon(target, await probeClaudeVersion(claude, baseEnv));
    }
    return this.settle(this.start(name, size));
  }

  /** An agent on another machine: one start at a time (each writes a fresh token there). */
  private startRemote(
    agent: Agent,
    size: { cols?: number; rows?: number },
    /** A try of the studio's own (reconnecting): a failure worth another try is not the tile's to show. */
    quiet = false,
    /** A restart of the studio's own: the agent's quick exits so far still count (see start). */
    auto = false,
  ): Promise<StartOutcome> {
    const pending = this.preparing.get(agent.id);
    if (pending) return pending;
    const stopsBefore = this.stops.get(agent.id) ?? 0;
    const started = (async () => {
      let prepared: PreparedRemote;
      try {
        prepared = await this.prepareRemote(agent);
      } catch (err) {
        if (!quiet || isFinal(err)) this.noteRemoteFailure(agent, err as Error);
        throw err;
      }
      if (this.closing)
        throw new StudioError('unavailable', 'The studio is shutting down; it starts no terminal now.');
      if ((this.stops.get(agent.id) ?? 0) !== stopsBefore)
        throw new StudioError('unavailable', `${agent.name} was stopped while the studio reached its host.`);
      const started = this.start(agent.name, size, auto, prepared);
      // The studio's own restart does not wait to see it settle: an exit now is recorded (and
      // capped) by handleExit like any other, not a failure to start.
      return auto ? { agent: started, ready: false } : this.settle(started);
    })().finally(() => this.preparing.delete(agent.id));
    this.preparing.set(agent.id, started);
    return started;
  }

  /** A start on another machine that failed before its terminal opened: the tile says why. */
  private noteRemoteFailure(agent: Agent, err: Error): void {
    if (!this.options.agents.getById(agent.id)) return;
    const now = this.options.clock.now();
    this.options.agents.setExit(agent.id, {
      code: null,
      signal: null,
      at: now,
      ranMs: 0,
      tail: [],
      advice: err.message,
      quickExits: 0,
      gaveUp: true,
    });
    this.options.agents.update(agent.id, { state: 'exited' });
  }

  /** Waits (up to START_SETTLE_MS) to see what became of a start; see startSettled. */
  private async settle(agent: Agent): Promise<StartOutcome> {
    const live = this.live.get(agent.id);
    if (!live) return { agent, ready: false };
    const outcome = await new Promise<'ready' | 'running' | 'exited'>((resolve) => {
      const done = (o: 'ready' | 'running' | 'exited') => {
        timer.cancel();
        sub.dispose();
        resolve(o);
      };
      const timer = this.options.clock.setTimeout(() => done('running'), START_SETTLE_MS);
      const sub = this.stateEmitter.on((e) => {
        if (e.agentId !== agent.id) return;
        if (e.state === 'exited' || e.state === 'reconnecting') done('exited');
        // Waiting at its prompt (or on a question) is ready; output alone is not: a program
        // that prints an error and exits is busy for a moment first.
        else if (atPrompt(e.state)) done('ready');
      });
      // Gone already: once its exit is recorded (its last lines drawn first), which says exited.
      if (!live.pty.running && live.tracker.state === 'exited') done('exited');
    });
    const now = this.options.agents.getById(agent.id) ?? agent;
    if (outcome === 'exited' && !live.stopping) {
      const exit = now.lastExit;
      const how = exit ? describeExit(exit) : 'exited';
      // Why first; the lines it printed after, for the person to check.
      const lines = exit?.tail.length
        ? `\nIts last lines:\n  ${exit.tail.slice(-SETTLE_TAIL_LINES).join('\n  ')}`
        : '';
      throw new StudioError(
        'unavailable',
        `${now.name} ${how}. ${exit?.advice ?? ''}${exit?.restartAt ? ' The studio will try again.' : ''}${lines}`,
      );
    }
    return { agent: now, ready: outcome === 'ready' };
  }

  private handleExit(live: LiveSession, status: ExitStatus): void {
    // Its hooks' credential dies with it: nothing may report for a process that is gone.
    this.forgetHookToken(live);
    live.settled?.cancel();
    const agent = this.options.agents.getById(live.agentId);
    this.options.logger.info('agent exited', {
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
      if (this.live.get(live.agentId) !== live) return;
      try {
        const dropped =
          !live.stopping && !!live.remote && (await this.linkDropped(agent.id, live.remote.dest, status));
        if (this.live.get(live.agentId) !== live) return;
        if (dropped && !live.stopping && live.remote) {
          live.tracker.dispose();
          const attempt = this.reconnectTries.get(agent.id) ?? 0;
          const why = `The SSH link to ${sshHostLabel(live.remote.dest)} dropped.`;
          this.reconnectLater(agent.id, live.pty.size, attempt, why, live);
          return;
        }
        if (!live.stopping) this.recordExit(agent, live, status);
        live.tracker.exited();
      } catch (err) {
        // The studio closed meanwhile: nothing is left to tell.
        this.options.logger.debug('exit not recorded', { err: String(err) });
      }
    });
  }

  /**
   * An exit nobody asked for: kept on the agent (code, last lines, what to try) and, unless it
   * ended normally after a good run or keeps exiting at once, followed by a restart.
   */
  private recordExit(agent: Agent, live: LiveSession, status: ExitStatus): void {
    const now = this.options.clock.now();
    const ranMs = Math.max(0, now - live.startedAt);
    const quick = ranMs < QUICK_EXIT_MS;
    const quickExits = quick ? (this.quickExits.get(agent.id) ?? 0) + 1 : 0;
    this.quickExits.set(agent.id, quickExits);
    const endedNormally = !quick && status.code === 0 && !status.signal;
    // Quick exits in a row, or crashes after a while that keep coming: either way, stop.
    const recent = (this.restartTimes.get(agent.id) ?? []).filter((t) => now - t < CRASH_WINDOW_MS);
    this.restartTimes.set(agent.id, recent);
    const crashLoop = !endedNormally && recent.length >= MAX_RESTARTS_PER_WINDOW;
    const gaveUp = quickExits >= MAX_QUICK_EXITS || crashLoop;
    const lines = exitLines(live.pty.mirror.recentLines(EXIT_READ_LINES));
    const tail = exitTail(lines);
    const advice = adviseExit({
      code: status.code,
      signal: status.signal,
      ranMs,
      lines,
      claude: live.flavor === 'claude',
      command: live.command,
      cwd: agent.cwd,
    });
    const restart = !endedNormally && !gaveUp;
    const wait = RESTART_BACKOFF_MS[Math.min(Math.max(quickExits - 1, 0), RESTART_BACKOFF_MS.length - 1)]!;
    this.options.agents.setExit(agent.id, {
      code: status.code,
      signal: status.signal,
      at: now,
      ranMs,
      tail,
      // The cause first; why the studio stopped restarting it after.
      advice: !gaveUp
        ? advice
        : crashLoop && quickExits < MAX_QUICK_EXITS
          ? `${advice} It keeps crashing (${recent.length + 1} times in ${Math.round(CRASH_WINDOW_MS / 60_000)} minutes), so the studio stopped restarting it.`
          : `${advice} It keeps exiting (${quickExits} times in a row within seconds of starting), so the studio stopped restarting it.`,
      quickExits,
      gaveUp,
      ...(restart ? { restartAt: now + wait } : {}),
    });
    if (!restart) return;
    recent.push(now);
    this.restarts.set(
      agent.id,
      this.options.clock.setTimeout(() => {
        this.restarts.delete(agent.id);
        const current = this.options.agents.getById(agent.id);
        if (!current?.autostart || this.live.get(agent.id)?.pty.running) return;
        const failed = (err: Error) => {
          this.options.logger.warn('automatic restart failed', { agent: current.name, err: err.message });
          // start() took the announced restart off the record before it failed.
          const exit = this.options.agents.getById(agent.id)?.lastExit;
          if (exit) {
            this.options.agents.setExit(agent.id, {
              ...exit,
              gaveUp: true,
              advice: `The studio could not start it again: ${err.message}`,
            });
          }
        };
        if (current.ssh) {
          this.startRemote(current, live.pty.size, false, true).catch((err: Error) => failed(err));
          return;
        }
        try {
          this.start(current.name, live.pty.size, true);
        } catch (err) {
          failed(err as Error);
        }
      }, wait),
    );
  }

  /**
   * Its session ended with the link: the host's connection is gone. A 255 (ssh's own failure) over
   * a connection that still answers is the session's own (the host refused it, or the program
   * exited 255): an exit like any other, under the quick-exit cap.
   */
  private async linkDropped(agentId: number, dest: string, status: ExitStatus): Promise<boolean> {
    const link = this.options.sshLinks?.forAgent(dest, agentId);
    if (!link) return false;
    if (!link.up) return true;
    return status.code === SSH_FAILED && !(await link.alive());
  }

  /**
   * An agent whose host dropped (or was away when the studio started it by itself): shown as
   * reconnecting, its mail left queued, and started again (its Claude Code session resumed) once
   * the host answers, trying with backoff until it does or the person stops it. What only the
   * person can mend (a refused login, an untrusted host key, no Claude Code there) is not retried.
   */
  private reconnectLater(
    agentId: number,
    size: { cols?: number; rows?: number },
    attempt: number,
    why: string,
    ended?: LiveSession,
  ): void {
    const agent = this.options.agents.getById(agentId);
    // Stopped by the person meanwhile (or never meant to run): nothing is scheduled.
    if (!agent?.autostart || this.closing) return;
    this.cancelRestart(agentId);
    const wait = RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)]!;
    const now = this.options.clock.now();
    this.reconnectTries.set(agentId, attempt + 1);
    this.options.agents.setExit(agentId, {
      code: SSH_FAILED,
      signal: null,
      at: now,
      ranMs: ended ? Math.max(0, now - ended.startedAt) : 0,
      tail: ended
        ? exitTail(exitLines(ended.pty.mirror.recentLines(EXIT_READ_LINES)))
        : (agent.lastExit?.tail ?? []),
      advice: `${why} The studio is reconnecting (try ${attempt + 1}); its mail waits.`,
      quickExits: 0,
      gaveUp: false,
      restartAt: now + wait,
    });
    this.options.agents.update(agentId, { state: 'reconnecting' });
    this.stateEmitter.fire({
      agentId,
      state: 'reconnecting',
      reading: ended?.tracker.screen ?? classifyScreen(''),
    });
    this.restarts.set(
      agentId,
      this.options.clock.setTimeout(() => {
        this.restarts.delete(agentId);
        void this.reconnect(agentId, size, attempt);
      }, wait),
    );
  }

  private async reconnect(
    agentId: number,
    size: { cols?: number; rows?: number },
    attempt: number,
  ): Promise<void> {
    const agent = this.options.agents.getById(agentId);
    if (!agent?.autostart || this.closing || this.live.get(agentId)?.pty.running) return;
    try {
      await this.startRemote(agent, size, true, true);
      const now = this.options.agents.getById(agentId);
      // Back, and still up: the drop is history (its terminal shows where it came back).
      if (now && now.state !== 'reconnecting' && this.live.get(agentId)?.pty.running) {
        this.options.logger.info('agent reconnected', {
          agent: agent.name,
          host: agent.ssh?.dest,
          tries: attempt + 1,
        });
        this.options.agents.setExit(agentId, null);
      }
    } catch (err) {
      // Final failures are on the tile already (see startRemote); a drop right after the start
      // has scheduled its own try.
      if (isFinal(err) || this.restarts.has(agentId) || this.closing) return;
      this.reconnectLater(agentId, size, attempt + 1, (err as Error).message);
    }
  }

  private cancelRestart(agentId: number): void {
    this.restarts.get(agentId)?.cancel();
    this.restarts.delete(agentId);
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
    this.cancelRestart(agent.id);
    // A start on another machine still connecting opens no terminal after this.
    this.stops.set(agent.id, (this.stops.get(agent.id) ?? 0) + 1);
    this.reconnectTries.delete(agent.id);
    if (agent.lastExit?.restartAt) this.options.agents.setExit(agent.id, null);
    if (agent.state === 'reconnecting') this.options.agents.update(agent.id, { state: 'exited' });
    if (!live) return;
    live.stopping = true;
    await live.pty.stop();
  }

  async restart(name: string): Promise<StartOutcome> {
    const agent = this.options.agents.require(name);
    const live = this.live.get(agent.id);
    const size = live?.pty.size;
    this.cancelRestart(agent.id);
    if (live?.pty.running) {
      live.stopping = true;
      await live.pty.stop();
    }
    return this.startSettled(name, size ?? {});
  }

  /** Keys the person typed into the agent's terminal, passed through as they are. */
  input(name: string, data: string): void {
    const live = this.session(name);
    if (!live.pty.running) throw new StudioError('unavailable', `${name}'s terminal has exited; restart it.`);
    live.lastPersonInputAt = this.options.clock.now();
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

  /**
   * The last `lines` rows of its screen with text, as one answer within MAX_ANSWER_BYTES: the
   * oldest rows are left out first, and the answer says how many. (One row always fits: the
   * output filter keeps a cell to a few characters.)
   */
  screenTail(name: string, lines: number): string {
    const rows = this.session(name).pty.mirror.tail(lines).reverse();
    const kept = fitBytes(
      rows,
      (row) => Buffer.byteLength(row) + 1,
      MAX_ANSWER_BYTES - TAIL_NOTE_BYTES,
    ).reverse();
    const left = rows.length - kept.length;
    return (
      left ? [`(${left} earlier lines left out: they would not fit in one answer)`, ...kept] : kept
    ).join('\n');
  }

  reading(name: string): { state: AgentState; reading: ScreenReading } {
    const live = this.session(name);
    return { state: live.tracker.state, reading: live.tracker.screen };
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
    if (payload.hook_event_name === 'Stop' && live?.usage) {
      const usage = live.usage;
      usage.follow(payload.transcript_path);
      usage.noteTurn();
      // Read after answering: the hook's answer never waits on the transcript.
      const read = () =>
        void usage.read().then(
          (u) => {
            if (this.live.get(agent.id) !== live || !this.options.agents.getById(agent.id)) return;
            this.options.agents.setRuntime(agent.id, { usage: u });
            this.usageEmitter.fire({ agentId: agent.id, usage: u });
          },
          (err: unknown) => this.options.logger.debug('transcript not read', { err: String(err) }),
        );
      read();
      // A busy machine can still be writing the turn's last lines when its Stop hook comes: read
      // once more a little later (only what was added), so the turn's use is not left for the next.
      live.usageReread?.cancel();
      live.usageReread = this.options.clock.setTimeout(read, USAGE_REREAD_MS);
    }
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
   * Starts every local agent that was running when the studio last stopped, and says what became
   * of each (see startSettled): started, ready, or why not.
   */
  async startSaved(): Promise<Array<{ name: string; ready?: boolean; error?: string }>> {
    const saved = this.options.agents.list().filter((a) => a.kind === 'agent' && !a.remote && a.autostart);
    return Promise.all(
      saved.map(async (agent) => {
        try {
          if (agent.ssh) {
            const { ready } = await this.startRemote(agent, {}, true);
            return { name: agent.name, ready };
          }
          const { ready } = await this.startSettled(agent.name);
          return { name: agent.name, ready };
        } catch (err) {
          // A host that is away now (asleep, off the network) is tried again until it answers.
          if (agent.ssh && !isFinal(err) && !this.restarts.has(agent.id))
            this.reconnectLater(agent.id, {}, 0, (err as Error).message);
          return { name: agent.name, error: (err as Error).message };
        }
      }),
    );
  }

  /** Stops every terminal but leaves autostart as it was, so the team comes back next time. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const t of this.restarts.values()) t.cancel();
    for (const id of this.restarts.keys()) {
      const agent = this.options.agents.getById(id);
      if (agent) this.clearRestartAt(agent);
    }
    this.restarts.clear();
    for (const l of this.live.values()) l.stopping = true;
    await Promise.allSettled([...this.live.values()].map((l) => l.pty.stop()));
    for (const l of this.live.values()) {
      l.store.dispose();
      l.pty.dispose();
    }
    this.live.clear();
    this.hookTokens.clear();
    await this.options.sshLinks?.close();
    this.outputEmitter.dispose();
    this.stateEmitter.dispose();
    this.toolsEmitter.dispose();
    this.usageEmitter.dispose();
  }

  /** Forgets a removed agent's terminal, and its files on another machine. */
  async remove(agent: Pick<Agent, 'id' | 'name' | 'ssh'>): Promise<void> {
    const agentId = agent.id;
    this.cancelRestart(agentId);
    this.quickExits.delete(agentId);
    this.reconnectTries.delete(agentId);
    const live = this.live.get(agentId);
    if (live) {
      live.stopping = true;
      await live.pty.stop();
      live.store.dispose();
      live.pty.dispose();
      this.forgetHookToken(live);
      this.live.delete(agentId);
    }
    // Its files there held credentials that are dead now: they go too, if the host answers.
    const links = this.options.sshLinks;
    if (agent.ssh && links && !this.closing) {
      const link = links.forAgent(agent.ssh.dest, agentId);
      const dir = remoteAgentDir(this.options.studioKey ?? '', agent.name);
      if (link.up) await link.exec('sh -s', removeScript(dir)).catch(() => undefined);
      links.release(agentId);
    }
  }
}
