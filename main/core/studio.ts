import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudioEvent } from '../contract/events.js';
import type { StudioUrls } from '../contract/urls.js';
import type { Agent, StudioStatus } from '../contract/model.js';
import type { StudioService, TerminalOutput } from '../contract/service.js';
import type { AgentSide } from './agentSide.js';
import { AgentRegistry } from './agents/agentRegistry.js';
import { TerminalViewer } from './pipe/terminalViewer.js';
import { AgentSessions } from './sessions/agentSessions.js';
import { SshLinks } from './remote/sshLink.js';
import { remoteKey, sshControlDir } from './remote/sshPlaces.js';
import { defaultHome } from './sessions/claudeLaunch.js';
import { claudeConfigFile } from './sessions/claudeTrust.js';
import type { SpawnPty } from './sessions/ptySession.js';
import { TerminalWriter } from './sessions/terminalWriter.js';
import { WakeEngine } from './wake/wakeEngine.js';
import { WakeGuard, type PingPongLimits } from './wake/wakeGuard.js';
import { answerHook } from './wake/hookAnswer.js';
import type { HookAnswer, HookPayload } from '../contract/hooks.js';
import { AttentionWatch } from './attention/attentionWatch.js';
import { WebhookNotifier, type PostJson } from './attention/webhook.js';
import { Settings } from './store/settings.js';
import { TabSessions } from './tabs/tabSessions.js';
import { TaskBoard } from './board/taskBoard.js';
import { MessageBus } from './bus/messageBus.js';
import { MessageExpiry } from './bus/messageExpiry.js';
import { DEFAULT_WRITE_BUDGETS, type WriteBudgets } from './bus/writeBudget.js';
import { startCheckpointer } from './store/checkpointer.js';
import { openDatabase, type Db } from './store/database.js';
import { DATABASE_FILE, securePrivateTree } from './store/dataDir.js';
import { acquireStudioLock, type StudioLock } from './store/studioLock.js';
import { systemClock, type Clock } from './util/clock.js';
import { Emitter } from './util/emitter.js';
import { silentLogger, type Logger } from './util/logger.js';
import { realOrSelf, studioOwnFolders } from './ownFolders.js';
import { inside } from './team.js';
import { systemGit, type Git } from './workspaces/git.js';
import { TaskDispatch } from './workspaces/taskDispatch.js';
import { watchTree, type WatchTree } from './workspaces/treeWatcher.js';
import { localPlace, type RepoPlace } from './workspaces/repoPlace.js';
import { systemGh, workspaceService } from './workspaces/workspaceService.js';
import { remotePlace } from './remote/remoteGit.js';
import { Workspaces } from './workspaces/workspaces.js';
import { studioStatus } from './person/studioStatus.js';
import { TeamFolders } from './person/teamFolders.js';
import { AgentAdder } from './person/agentAdder.js';
import { TeamSetup } from './person/teamSetup.js';
import { PersonService } from './person/personService.js';
import { keepStudioParts } from './studioParts.js';

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
  answerHook(agent: Agent, payload: HookPayload): HookAnswer;
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

/** The one composition root: builds every core service and hands each its dependencies. */
export function createStudio(options: StudioOptions = {}): Studio {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const file = options.databaseFile ?? (options.dataDir ? join(options.dataDir, DATABASE_FILE) : undefined);
  if (!file) throw new Error('createStudio needs dataDir or databaseFile');
  const ownsFolder = !options.databaseFile && !!options.dataDir;
  let lock: StudioLock | undefined = options.lock;
  let db: Db;
  try {
    if (ownsFolder) {
      securePrivateTree(options.dataDir!);
      lock ??= acquireStudioLock(options.dataDir!, {
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      });
    }
    db = openDatabase(file, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      backup: ownsFolder && !!options.backup,
      onBackupError: (err) => logger.warn('could not refresh the database backup', { err: String(err) }),
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const checkpointer = startCheckpointer(db, {
    logger,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const events = new Emitter<StudioEvent>(logger);
  const settings = new Settings(db);
  const agents = new AgentRegistry(db, events, clock);
  const quotas = { ...DEFAULT_WRITE_BUDGETS, ...options.quotas };
  const bus = new MessageBus(db, agents, events, clock, quotas.messages);
  const board = new TaskBoard(db, agents, bus, events, clock, quotas.tasks);
  const expiry = new MessageExpiry({ db, events, clock, logger });
  const urls = options.urls;
  const terminals = options.terminals;
  // Agents' launch files (their credentials among them) need a private folder; a studio with no
  // data folder (an in-memory one) gets a throwaway one rather than writing into the cwd.
  const scratch =
    terminals && !terminals.dataDir && !options.dataDir
      ? mkdtempSync(join(tmpdir(), 'ccstudio-launch-'))
      : undefined;
  const launchDir = terminals?.dataDir ?? options.dataDir ?? scratch ?? '';
  const writer = new TerminalWriter({
    clock,
    logger,
    ...(terminals?.enterDelayMs !== undefined ? { enterDelayMs: terminals.enterDelayMs } : {}),
    ...(terminals?.verifyDelayMs !== undefined ? { verifyDelayMs: terminals.verifyDelayMs } : {}),
  });
  const controlDir = sshControlDir(launchDir);
  const sshLinks =
    terminals && urls
      ? new SshLinks({
          controlDir,
          sshCommand: terminals.sshCommand ?? 'ssh',
          studioPort: Number(new URL(urls.base).port),
          env: terminals.baseEnv ?? process.env,
          logger,
        })
      : undefined;
  const sessions = new AgentSessions({
    agents,
    clock,
    logger,
    ...(sshLinks ? { sshLinks, studioKey: remoteKey(settings) } : {}),
    spawnPty:
      terminals?.spawnPty ??
      (() => {
        throw new Error('This studio was started without terminals.');
      }),
    writer,
    dataDir: launchDir,
    // The SSH control sockets too (a process that reaches one runs commands on that host), when
    // they are not in the data folder already.
    privateDirs: [options.dataDir ?? '', launchDir, inside(launchDir, controlDir) ? '' : controlDir].filter(
      Boolean,
    ),
    urls,
    hookCommand: terminals?.hookCommand ?? 'true',
    ...(terminals?.claudeCommand ? { claudeCommand: terminals.claudeCommand } : {}),
    ...(terminals?.baseEnv ? { baseEnv: terminals.baseEnv } : {}),
    beforeStart: (agent) => tasks.beforeStart(agents.person, agent),
  });
  const guard = new WakeGuard({
    agents,
    events,
    clock,
    logger,
    personTypedAt: (id) => sessions.get(id)?.lastPersonInputAt ?? 0,
    ...(options.pingPong ? { pingPong: options.pingPong } : {}),
  });
  sessions.onDidUsage(({ agentId }) => guard.checkBudget(agentId));
  const attention = new AttentionWatch({ events, clock, agents: agents.list() });
  const webhook = new WebhookNotifier({
    events,
    settings,
    clock,
    logger,
    ...(options.postWebhook ? { post: options.postWebhook } : {}),
  });
  const tabs = new TabSessions({ db, clock, events, logger });
  const wake = new WakeEngine({
    events,
    bus,
    agents,
    sessions,
    clock,
    logger,
    holds: guard,
    ...(terminals ? {} : { offline: true }),
    ...(terminals?.wakeCooldownMs !== undefined ? { cooldownMs: terminals.wakeCooldownMs } : {}),
  });

  const git = options.git ?? systemGit(terminals?.baseEnv ?? process.env);
  // One place per host, so each host's git is checked for its version once.
  const hosts = new Map<string, RepoPlace>();
  const workspaces = new Workspaces({
    local: localPlace(git, options.gh ?? systemGh),
    ...(sshLinks
      ? {
          remote: (dest: string) => {
            let place = hosts.get(dest);
            if (!place) hosts.set(dest, (place = remotePlace(sshLinks.forHost(dest))));
            return place;
          },
        }
      : {}),
    events,
    agents,
    clock,
    logger,
    ...(options.watchTree !== null ? { watchTree: options.watchTree ?? watchTree } : {}),
  });
  const tasks = new TaskDispatch(board, agents, workspaces, logger);

  const status = (): StudioStatus => studioStatus({ agents, bus, board });

  const person = () => agents.person;
  // The home folder agents run with (their environment's HOME), which `~` means to the person.
  const home = defaultHome(terminals?.baseEnv ?? process.env);
  const teamCwd = options.teamCwd ?? home;
  const privateDirs = [options.dataDir ?? '', launchDir].filter(Boolean);
  const ownDirs = (options.ownFolders ?? studioOwnFolders()).map(realOrSelf);
  const folders = new TeamFolders({
    startedIn: teamCwd,
    home,
    privateDirs,
    ownDirs,
    claudeConfig: claudeConfigFile(terminals?.baseEnv ?? process.env),
    settings,
    agents,
    repoInfo: (folder) => workspaces.repoInfo(folder),
  });
  const team = new TeamSetup({ agents, folders, worktrees: workspaces, terminals: sessions });
  const adder = new AgentAdder({ agents, worktrees: workspaces, folders, mcpUrl: urls?.mcp ?? '', logger });

  const service = new PersonService({
    agents,
    bus,
    board,
    tasks,
    terminals: sessions,
    wake,
    holds: guard,
    webhook,
    tabs,
    worktrees: workspaces,
    review: workspaceService({ agents, board, bus, workspaces, person }),
    adder,
    team,
    folders,
    events,
    clock,
    status,
  });

  const agentSide: AgentSide = {
    agents,
    bus,
    board,
    tasks,
    terminals: sessions,
    wake,
    clock,
    logger,
    status,
  };

  const close = async () => {
    wake.dispose();
    guard.dispose();
    expiry.dispose();
    attention.dispose();
    webhook.dispose();
    tabs.dispose();
    await workspaces.dispose();
    await sessions.shutdown();
    events.dispose();
    await checkpointer.stop();
    if (db.open) db.close();
    lock?.release();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  const studio: Studio = {
    service,
    agentSide,
    agentByToken: (token) => agents.byToken(token),
    agentForHookToken: (token) => sessions.agentForHookToken(token),
    answerHook: (agent, payload) => answerHook({ wake, sessions }, agent, payload),
    tabs,
    openTerminalViewer: (send) => new TerminalViewer(sessions, (name) => agents.require(name), send),
    ensureTeam: (count, cwd, worktrees) => team.ensure(count, cwd, worktrees),
    startSavedAgents: () => sessions.startSaved(),
    logger,
    close,
  };
  keepStudioParts(studio, {
    db,
    events,
    agents,
    bus,
    board,
    sessions,
    wake,
    guard,
    workspaces,
    tabs,
    clock,
    logger,
    status,
  });
  return studio;
}
