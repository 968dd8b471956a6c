// The studio as its hosts build and hold it: what createStudio (studio.ts) is given, and the
// handle it returns. Types only; the wiring is studio.ts's.
import type { HookAnswer, HookPayload, MailWaitAnswer, MailWaitRequest } from '../contract/hooks.js';
import type { Agent } from '../contract/model.js';
import type { StudioService, TerminalOutput } from '../contract/service.js';
import type { StudioUrls } from '../contract/urls.js';
import type { AgentSide } from './agentSide.js';
import type { PostJson } from './attention/webhook.js';
import type { WriteBudgets } from './bus/writeBudget.js';
import type { TerminalViewer } from './pipe/terminalViewer.js';
import type { ResourceTiming } from './resources/resourceWatch.js';
import type { SpawnPty } from './sessions/ptySession.js';
import type { StudioLock } from './store/studioLock.js';
import type { TabSessions } from './tabs/tabSessions.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/logger.js';
import type { PingPongLimits } from './wake/wakeGuard.js';
import type { Git } from './workspaces/git.js';
import type { WatchTree } from './workspaces/treeWatcher.js';

export interface StudioOptions {
  /**
   * Folder for studio.db; ignored when `databaseFile` is given. The studio keeps it private
   * (0700, files 0600) and holds its lock for as long as it runs: one studio per data folder.
   */
  dataDir?: string;
  /** The data folder's lock, when the host already took it (the CLI, to decide how to run). */
  lock?: StudioLock;
  /** Keep the rolling backup fresh (a long-running host; not each CLI command). */
  backup?: boolean;
  /** ':memory:' for tests. */
  databaseFile?: string;
  nativeBinding?: string;
  clock?: Clock;
  logger?: Logger;
  /**
   * Where agents reach the studio (its listener is bound before the studio is built): handed to
   * remote agents and written into local agents' launch files. Without it, none is handed out.
   */
  urls?: StudioUrls;
  /** How agents' terminals are run; without it the studio can still serve remote agents. */
  terminals?: TerminalOptions;
  /**
   * The folder a new team works in unless the person picks another (`serve --cwd`, or where the
   * studio was started); relative folders the person types are read from here. Default: home.
   */
  teamCwd?: string;
  /**
   * The studio's own folders (its checkout or install, the app): never suggested as a team's
   * folder, and cautioned when typed. Default: where this process's studio code runs from.
   */
  ownFolders?: string[];
  /** The git runner for worktrees (default: the system's git). */
  git?: Git;
  /** How worktrees are watched for file changes; null: not at all (refreshed at turn ends and on request). */
  watchTree?: WatchTree | null;
  /** Runs the GitHub CLI for pull requests (default: `gh` from PATH). */
  gh?: (cwd: string, args: string[]) => Promise<string>;
  /** The ping-pong guard's limits (default PING_PONG_WAKES in PING_PONG_WINDOW_MS). */
  pingPong?: Partial<PingPongLimits>;
  /** What each agent may store an hour (default DEFAULT_WRITE_BUDGETS, from limits.ts); the bench lifts it. */
  quotas?: Partial<WriteBudgets>;
  /**
   * How often each agent's cost is read and charted (default: every 15 s, a point a minute); a
   * picture of a few minutes' work shortens both.
   */
  resourceTiming?: ResourceTiming;
  /** How the webhook posts (default: fetch). */
  postWebhook?: PostJson;
}

export interface TerminalOptions {
  spawnPty: SpawnPty;
  /** Shell command Claude Code runs for each hook: the studio's hook reporter. */
  hookCommand: string;
  claudeCommand?: string;
  /** `ssh` unless told otherwise (a path, or a wrapper that adds options): agents on other machines. */
  sshCommand?: string;
  baseEnv?: NodeJS.ProcessEnv;
  /** Folder for per-agent launch files; defaults to the data folder. */
  dataDir?: string;
  enterDelayMs?: number;
  verifyDelayMs?: number;
  wakeCooldownMs?: number;
}

/** Browser tabs let into the UI, as the UI's endpoints and the host use them. */
export type UiTabs = Pick<
  TabSessions,
  'issueCode' | 'redeemCode' | 'open' | 'verify' | 'attach' | 'onDidEnd' | 'endAll'
>;

/**
 * A studio as its hosts hold it (the CLI, the desktop app, the HTTP server): each side as its
 * callers see it, and what hosting it takes. Nothing here hands out the database or the session
 * manager; tests that must look behind it use studioParts (studioParts.ts).
 */
export interface Studio {
  /** The studio as the person sees it (UI, CLI). */
  readonly service: StudioService;
  /** The studio as an agent's tools see it (MCP). */
  readonly agentSide: AgentSide;
  /** The agent an MCP token belongs to. */
  agentByToken(token: string): Agent | undefined;
  /** The agent whose running process was launched with this hook credential. */
  agentForHookToken(token: string): Agent | undefined;
  /** The answer to a hook of an agent the studio runs, its body checked (see answerHook). */
  answerHook(agent: Agent, payload: HookPayload, signal?: AbortSignal): HookAnswer | Promise<HookAnswer>;
  /**
   * An idle agent's waiter hook waits for its mail (see MailWaiters): answered with the notice to
   * wake it with, or the end of its wait. `signal` is its connection going.
   */
  waitForMail(agent: Agent, request: MailWaitRequest, signal?: AbortSignal): Promise<MailWaitAnswer>;
  /** Browser tabs let into the UI, each with a session of its own. */
  readonly tabs: UiTabs;
  /** Terminals as one UI connection sees them (see servePipe). */
  openTerminalViewer(send: (output: TerminalOutput) => void): TerminalViewer;
  /**
   * Makes sure the commander and agent-1..N exist in a folder (serve --agents, --first-team); in
   * a git repository new engineers get worktrees of their own when `worktrees` is not false.
   */
  ensureTeam(count: number, cwd: string, worktrees?: boolean): Promise<string[]>;
  /** Starts the agents saved to start with the studio; what became of each, once settled. */
  startSavedAgents(): Promise<Array<{ name: string; ready?: boolean; error?: string }>>;
  /** The logger the studio was built with, for what serves it. */
  readonly logger: Logger;
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}
