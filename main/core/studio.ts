import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { StudioEvent } from '../contract/events.js';
import type { StudioUrls } from '../contract/urls.js';
import { PERSON_NAME } from '../contract/limits.js';
import type { Agent, StudioStatus, Workspace } from '../contract/model.js';
import type {
  AddAgentInput,
  AddedAgent,
  Delivered,
  FolderCheck,
  StudioService,
  TerminalOutput,
} from '../contract/service.js';
import { StudioError } from '../contract/errors.js';
import { AgentSide } from './agentSide.js';
import { AgentRegistry, validateAgentName, validateSsh } from './agents/agentRegistry.js';
import { TerminalViewer } from './pipe/terminalViewer.js';
import { AgentSessions } from './sessions/agentSessions.js';
import { SshLinks } from './remote/sshLink.js';
import { remoteKey, sshControlDir } from './remote/sshPlaces.js';
import { defaultHome } from './sessions/claudeLaunch.js';
import { claudeConfigFile, claudeTrusts } from './sessions/claudeTrust.js';
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
import {
  checkFolder,
  ensureTeam,
  inside,
  recentFolders,
  suggestFolder,
  TEAM_FOLDER_SETTING,
  teamNames,
} from './team.js';
import { systemGit, type Git } from './workspaces/git.js';
import { defaultWorktreeParent } from './workspaces/gitWorkspace.js';
import { TaskDispatch } from './workspaces/taskDispatch.js';
import { watchTree, type WatchTree } from './workspaces/treeWatcher.js';
import { localPlace, type RepoPlace } from './workspaces/repoPlace.js';
import { systemGh, workspaceService } from './workspaces/workspaceService.js';
import { remotePlace } from './remote/remoteGit.js';
import { Workspaces } from './workspaces/workspaces.js';

/** Feed lines loaded when a window opens, when it does not ask for a number. */
const FEED_HISTORY_LINES = 200;
/** How many feed lines studio_status returns: enough context for one glance, small for the model. */
const STATUS_ACTIVITY_LINES = 15;
/** Deliveries `status` lists: enough to see how mail has been reaching agents lately. */
const STATUS_DELIVERIES = 8;
const STATUS_OPEN_TASKS = 25;

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

export interface Studio {
  readonly db: Db;
  readonly events: Emitter<StudioEvent>;
  readonly agents: AgentRegistry;
  readonly bus: MessageBus;
  readonly board: TaskBoard;
  /** Terminals of local agents (empty when the host gave no TerminalOptions). */
  readonly sessions: AgentSessions;
  readonly wake: WakeEngine;
  readonly guard: WakeGuard;
  readonly workspaces: Workspaces;
  /** Browser tabs let into the UI, each with a session of its own. */
  readonly tabs: TabSessions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The studio as the person sees it (UI, CLI). */
  readonly service: StudioService;
  /** The studio as an agent's tools see it (MCP). */
  readonly agentSide: AgentSide;
  status(): StudioStatus;
  /** The answer to a hook of an agent the studio runs, its body checked (see answerHook). */
  answerHook(agent: Agent, payload: HookPayload): HookAnswer;
  /**
   * Makes sure the commander and agent-1..N exist in a folder (serve --agents, --first-team); in
   * a git repository new engineers get worktrees of their own when `worktrees` is not false.
   */
  ensureTeam(count: number, cwd: string, worktrees?: boolean): Promise<string[]>;
  /** Terminals as one UI connection sees them (see servePipe). */
  openTerminalViewer(send: (output: TerminalOutput) => void): TerminalViewer;
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
    beforeStart: async (agent) => {
      if (!agent.workspace) return;
      try {
        await tasks.rehome(agents.person, await workspaces.moveToAgentSpace(agent));
      } catch (err) {
        // Only a sandboxed agent needs its branches there to commit (its git guard); others start anyway.
        if (agent.profile.kind === 'claude' && agent.profile.sandbox) throw err;
        logger.warn("could not move an agent's branches into its folder", {
          agent: agent.name,
          err: String(err),
        });
      }
    },
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

  const status = (): StudioStatus => {
    const unread = bus.unreadCounts();
    const open = board.openCounts();
    const activity = [
      ...bus.recentActivity(STATUS_ACTIVITY_LINES),
      ...board.recentActivity(STATUS_ACTIVITY_LINES),
    ]
      .sort((a, b) => b.at - a.at)
      .slice(0, STATUS_ACTIVITY_LINES);
    return {
      agents: agents
        .list()
        .map((a) => ({ ...a, unread: unread.get(a.id) ?? 0, openTasks: open.get(a.id) ?? 0 })),
      taskCounts: board.counts(),
      openTasks: board.list({ open: true, limit: STATUS_OPEN_TASKS }),
      activity,
      deliveries: bus.recentDeliveries(STATUS_DELIVERIES),
    };
  };

  const person = () => agents.person;
  // The home folder agents run with (their environment's HOME), which `~` means to the person.
  const home = defaultHome(terminals?.baseEnv ?? process.env);
  const teamCwd = options.teamCwd ?? home;
  const privateDirs = [options.dataDir ?? '', launchDir].filter(Boolean);
  const ownDirs = (options.ownFolders ?? studioOwnFolders()).map(realOrSelf);
  /** The folder the person chose for the team, kept across restarts. */
  const chosenFolder = () => settings.get<string>(TEAM_FOLDER_SETTING);
  const suggested = () => suggestFolder({ chosen: chosenFolder(), startedIn: teamCwd, ownDirs });
  const claudeConfig = claudeConfigFile(terminals?.baseEnv ?? process.env);
  const folderCheck = async (path: string): Promise<FolderCheck> => {
    const check = await checkFolder(path, { base: teamCwd, privateDirs, home, ownDirs });
    if (!check.ok) return check;
    if (!check.git) return { ...check, claudeTrusted: claudeTrusts(claudeConfig, check.path) };
    // For the worktree choice: the branch to start from, and where the worktree would go.
    const info = await workspaces.repoInfo(check.path).catch(() => undefined);
    const claudeTrusted = claudeTrusts(claudeConfig, check.path, info?.root);
    if (!info) return { ...check, claudeTrusted };
    return {
      ...check,
      claudeTrusted,
      repo: {
        root: info.root,
        branch: info.current,
        branches: info.branches,
        worktreeParent: defaultWorktreeParent(info.root),
      },
    };
  };
  /** The mail or task, with a warning when its recipient will not be woken by it. */
  const delivered = <T extends object>(value: T, to: string | null | undefined): Delivered<T> => {
    const agent = to ? agents.get(to) : undefined;
    const warning = agent ? wake.deliveryWarning(agent.id) : undefined;
    return warning ? { ...value, warning } : value;
  };
  /**
   * The commander and agent-1..N in a folder (those missing are added); in a git repository each
   * new engineer gets a worktree of its own unless `worktrees` is false.
   */
  const makeTeam = async (count: number, cwd: string, worktrees?: boolean): Promise<string[]> => {
    const check = await folderCheck(cwd);
    if (!check.ok) throw new StudioError('invalid', check.problem ?? 'That folder cannot be used.');
    if (worktrees && !check.repo)
      throw new StudioError(
        'invalid',
        `${check.path} is not in a git repository, so there are no worktrees to give.`,
      );
    const made = new Map<string, Workspace>();
    if (worktrees ?? !!check.repo)
      for (const name of teamNames(count).slice(1))
        if (!agents.get(name))
          made.set(name, (await workspaces.create({ folder: check.path, agentName: name })).workspace);
    const added = ensureTeam(agents, count, check.path, made);
    // The person's choice: from now on where new agents (and a later first team) go by default.
    settings.set(TEAM_FOLDER_SETTING, check.path);
    return added;
  };

  const adding = new Set<string>();
  /** A worktree agent: its worktree made (or taken up), then the agent added with it. */
  const addWorktreeAgent = async (
    input: AddAgentInput,
    rest: Omit<AddAgentInput, 'worktree'>,
    worktree: NonNullable<AddAgentInput['worktree']>,
  ): Promise<AddedAgent> => {
    const dest = input.ssh?.dest;
    if (input.ssh) {
      // Checked before anything is made there (the registry checks them again on adding): a
      // destination ssh is never run with, and an agent the registry would refuse.
      validateSsh(input);
      if (!input.cwd)
        throw new StudioError(
          'invalid',
          `Give the folder of the repository on ${dest} (--cwd): the worktree is made from it.`,
        );
      if (worktree.parent !== undefined && !isAbsolute(worktree.parent) && !worktree.parent.startsWith('~/'))
        throw new StudioError(
          'invalid',
          `Where ${input.name}'s worktree goes on ${dest}: give a full path there (or one starting with ~/), not ${worktree.parent}.`,
        );
    }
    const parent = !dest && worktree.parent ? await folderCheck(worktree.parent) : undefined;
    // A folder that does not exist yet is made; one that exists must be usable. Neither may be
    // inside the studio's own data.
    if (parent && !parent.ok && (existsSync(parent.path) || privateDirs.some((d) => inside(d, parent.path))))
      throw new StudioError('invalid', `Where ${input.name}'s worktree goes: ${parent.problem}`);
    // No folder given and none chosen: where the studio was started, never the studio's own.
    const folder = input.cwd || (dest ? teamCwd : suggested().suggested);
    if (!folder)
      throw new StudioError(
        'invalid',
        `Give the folder of the repository ${input.name}'s worktree is made from (--cwd DIR): ${suggested().note ?? ''}`.trim(),
      );
    const { workspace, created } = await workspaces.create(
      {
        folder,
        agentName: input.name,
        ...(worktree.base ? { base: worktree.base } : {}),
        ...(parent ? { parent: parent.path } : dest && worktree.parent ? { parent: worktree.parent } : {}),
      },
      dest,
    );
    try {
      const { agent, token } = agents.add({ ...rest, cwd: workspace.path, workspace });
      return { agent, token, mcpUrl: urls?.mcp ?? '' };
    } catch (err) {
      // The agent could not be added after all: a worktree made just now goes again; one taken
      // up from an earlier agent of that name stays (it may be in use, or kept on purpose).
      if (created)
        await workspaces.removeUnused(workspace, dest).catch((e: Error) =>
          logger.warn('could not take back the worktree of an agent not added', {
            path: workspace.path,
            err: e.message,
          }),
        );
      throw err;
    }
  };

  /** An agent added as given (its local folder checked already): with a worktree made, if asked. */
  const addAgent = async (input: AddAgentInput): Promise<AddedAgent> => {
    const { worktree, ...rest } = input;
    if (!worktree) {
      const { agent, token } = agents.add(rest);
      return { agent, token, mcpUrl: urls?.mcp ?? '' };
    }
    if (input.remote)
      throw new StudioError(
        'invalid',
        'A worktree is for an agent the studio runs: one that connects by itself with a token makes its own.',
      );
    validateAgentName(input.name);
    const key = input.name.toLowerCase();
    if (agents.get(input.name) || adding.has(key))
      throw new StudioError('conflict', `There is already an agent called ${input.name}.`);
    // Held from the worktree's making to the agent's adding: a second add of the name meanwhile
    // is refused, so a failed add never takes back a worktree another add is using.
    adding.add(key);
    try {
      return await addWorktreeAgent(input, rest, worktree);
    } finally {
      adding.delete(key);
    }
  };

  // Methods are sync underneath; async here so every pipe (IPC, WebSocket, HTTP) sees one shape.
  const service: StudioService = {
    status: async () => status(),
    listAgents: async () => agents.list(),
    addAgent: async (input: AddAgentInput): Promise<AddedAgent> => {
      if (input.remote || input.ssh) return addAgent(input);
      // No folder given: the team's, once the person chose one (else its home, as always).
      const chosen = chosenFolder();
      const cwd = input.cwd || chosen;
      if (!cwd) return addAgent(input);
      // A folder that cannot be used is refused now, not at its first start. One on another
      // machine is looked at there, when the agent starts.
      const check = await folderCheck(cwd);
      if (!check.ok)
        throw new StudioError(
          'invalid',
          `${input.name}'s folder: ${check.problem}${input.cwd ? '' : " It is the team's folder, where agents go when no folder is given: give one (--cwd DIR)."}`,
        );
      const added = await addAgent({ ...input, cwd: check.path });
      // The first agent's folder, when no team was started: the team's folder from now on.
      if (!chosen) settings.set(TEAM_FOLDER_SETTING, check.path);
      return added;
    },
    startAgent: async (name) => (await sessions.startSettled(name)).agent,
    stopAgent: async (name) => sessions.stop(name),
    restartAgent: async (name) => (await sessions.restart(name)).agent,
    readScreen: async (name) => sessions.screen(name),
    kickAgent: async (name) => {
      await wake.kick(agents.require(name).id, 'person');
    },
    sendKeys: async (name, keys) => sessions.keys(name, keys),
    removeAgent: async (name, options) => {
      const agent = agents.require(name);
      if (agent.name === PERSON_NAME) throw new StudioError('forbidden', 'The person cannot be removed.');
      if (options?.removeWorktree) {
        if (!agent.workspace)
          throw new StudioError('invalid', `${agent.name} has no worktree of its own to remove.`);
        // Checked while it runs (a refusal changes nothing), then stopped, so nothing writes into
        // the worktree while it is checked again and removed.
        await workspaces.checkRemovable(agent);
        await sessions.stop(agent.name).catch(() => undefined);
        await workspaces.remove(agent);
      }
      // Gone from the registry first (tokens, cache): nothing can be assigned to it while its
      // terminal takes its time to stop.
      board.releaseAssignee(agent.id, person());
      agents.remove(name);
      await sessions.remove(agent);
    },
    sendMessage: async (input) =>
      delivered(
        bus.send(person(), input.to, input.body, {
          ...(input.type ? { type: input.type } : {}),
          ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
          ...(input.urgent ? { urgent: true } : {}),
        }),
        input.to,
      ),
    notifyStatus: async () => webhook.status(),
    setNotify: async (input) => webhook.configure(input),
    testNotify: async () =>
      webhook.test({
        kind: 'review',
        title: 'Claude Code Studio: test notice',
        body: 'Notices reach this webhook when an agent waits for you or a task reaches review or done.',
        at: clock.now(),
      }),
    releaseAgent: async (name) => {
      const agent = agents.require(name);
      guard.release(agent.id);
      // Its queued mail goes now if it is idle, or at its turn's end.
      wake.consider(agent.id);
      return agents.require(name);
    },
    setBudget: async (name, budget) => {
      const agent = agents.require(name);
      if (agent.kind !== 'agent') throw new StudioError('invalid', 'Only an agent has a budget.');
      agents.setRuntime(agent.id, { budget: budget ?? null });
      if (!budget && agent.hold?.reason === 'budget') {
        guard.release(agent.id);
        wake.consider(agent.id);
      }
      guard.checkBudget(agent.id);
      return agents.require(name);
    },
    broadcast: async (body) => bus.broadcast(person(), body).message,
    history: async (query) => bus.history(null, query),
    personInbox: async () => bus.inbox(person()).items,
    listTasks: async (query) => board.list(query),
    getTask: async (id) => board.detail(id),
    createTask: async (input) => {
      const task = await tasks.create(person(), input);
      return delivered(task, task.assignee);
    },
    updateTask: async (input) => {
      const before = board.get(input.id);
      const task = await tasks.update(person(), input);
      // Warned when the task newly reaches someone who will not be woken by it.
      return task.assignee && task.assignee !== before?.assignee ? delivered(task, task.assignee) : task;
    },
    feedHistory: async (query) => {
      const limit = query.limit ?? FEED_HISTORY_LINES;
      const messages = bus.history(null, { limit });
      const taskEvents = board.recentEvents(limit);
      // A page of one kind that stops short of its history (full, or cut to MAX_ANSWER_BYTES)
      // reaches back less far than the other may: cut both there, so the feed never shows a
      // stretch of time with one kind missing.
      const lastMessage = messages.at(-1);
      const moreMessages =
        !!lastMessage && bus.history(null, { limit: 1, beforeId: lastMessage.id }).length > 0;
      const lastEvent = taskEvents.at(-1);
      const cutoff = Math.max(
        moreMessages ? lastMessage.createdAt : -Infinity,
        lastEvent && taskEvents.length >= limit ? lastEvent.event.createdAt : -Infinity,
      );
      const shown = messages.filter((m) => m.createdAt >= cutoff);
      const deliveries = bus.deliveriesOf(shown.map((m) => m.id));
      return {
        messages: shown.map((m) => ({ ...m, deliveries: deliveries.get(m.id) ?? [] })),
        taskEvents: taskEvents.filter((e) => e.event.createdAt >= cutoff),
      };
    },
    folderChoices: async () => ({ ...suggested(), recent: recentFolders(agents, [teamCwd], ownDirs) }),
    checkFolder: (path) => folderCheck(path),
    pickFolder: async () => {
      throw new StudioError('unavailable', 'No folder picker here: type the folder instead.');
    },
    startTeam: async ({ cwd, agents: count, worktrees }) => {
      if (agents.list().some((a) => a.kind === 'agent' && !a.remote))
        throw new StudioError('conflict', 'This studio has a team already: add agents one by one instead.');
      await makeTeam(count, cwd, worktrees);
      // Each starts on its own; one that cannot start says why, and the others run regardless.
      const errors = await Promise.all(
        teamNames(count).map((n) =>
          sessions.startSettled(n).then(
            () => undefined,
            (err: Error) => err.message,
          ),
        ),
      );
      return teamNames(count).map((n, i) => ({
        agent: agents.require(n),
        ...(errors[i] ? { error: errors[i] } : {}),
      }));
    },
    ...workspaceService({
      agents,
      board,
      bus,
      workspaces,
      person,
    }),
    listTabs: async () => tabs.list(),
    endTab: async (id) => {
      if (!tabs.end(id))
        throw new StudioError('not_found', `There is no tab #${id}; the list of tabs shows the live ones.`);
    },
    onDidEvent: (listener) => events.on(listener),
  };

  const agentSide = new AgentSide({
    agents,
    bus,
    board,
    tasks,
    terminals: sessions,
    wake,
    clock,
    logger,
    status,
  });

  const studio: Studio = {
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
    service,
    agentSide,
    status,
    answerHook: (agent, payload) => answerHook({ wake, sessions }, agent, payload),
    ensureTeam: makeTeam,
    openTerminalViewer: (send) => new TerminalViewer(sessions, (name) => agents.require(name), send),
    close: async () => {
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
    },
  };
  return studio;
}
