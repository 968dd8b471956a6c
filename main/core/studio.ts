import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudioEvent } from '../contract/events.js';
import type { Agent, StudioStatus } from '../contract/model.js';
import { AgentSide } from './agentSide.js';
import { AgentRegistry } from './agents/agentRegistry.js';
import { TerminalViewer } from './pipe/terminalViewer.js';
import { AgentSessions, type AgentSessionsOptions } from './sessions/agentSessions.js';
import { SshLinks } from './remote/sshLink.js';
import { LocalPlace } from './sessions/localPlace.js';
import { SshPlace } from './sessions/sshPlace.js';
import { agentPlaces } from './sessions/places.js';
import { readRemoteMemory } from './remote/remoteMemory.js';
import { remoteKey, sshControlDir } from './remote/sshPlaces.js';
import { defaultHome } from './claude/claudeLaunch.js';
import { claudeConfigFile } from './claude/claudeTrust.js';
import { TerminalWriter } from './sessions/terminalWriter.js';
import { WakeEngine } from './wake/wakeEngine.js';
import { WakeGuard } from './wake/wakeGuard.js';
import { answerHook } from './wake/hookAnswer.js';
import { MailWaiters } from './wake/mailWaiters.js';
import { SleepKeeper, type SleepKeeperDeps } from './sleep/sleepKeeper.js';
import { ResourceWatch } from './resources/resourceWatch.js';
import { studioDesk } from './desk/studioDesk.js';
import { branchSource, ReviewComments } from './workspaces/reviewComments.js';
import { checkRepoKey, studioChecks } from './checks/studioChecks.js';
import type { TaskChecks } from './checks/taskChecks.js';
import { AttentionWatch } from './attention/attentionWatch.js';
import { WebhookNotifier } from './attention/webhook.js';
import { Settings } from './store/settings.js';
import { TabSessions } from './tabs/tabSessions.js';
import { TaskBoard } from './board/taskBoard.js';
import { MessageBus } from './bus/messageBus.js';
import { MessageExpiry } from './bus/messageExpiry.js';
import { DEFAULT_WRITE_BUDGETS } from './bus/writeBudget.js';
import { startCheckpointer } from './store/checkpointer.js';
import { openDatabase, type Db } from './store/database.js';
import { DATABASE_FILE, securePrivateTree } from './store/dataDir.js';
import { acquireStudioLock, type StudioLock } from './store/studioLock.js';
import { systemClock, type Clock } from './util/clock.js';
import { Emitter } from './util/emitter.js';
import { silentLogger, type Logger } from './util/logger.js';
import { realOrSelf, studioOwnFolders } from './person/ownFolders.js';
import { inside } from './person/team.js';
import { systemGit } from './workspaces/git.js';
import { TaskDispatch } from './workspaces/taskDispatch.js';
import { watchTree } from './workspaces/treeWatcher.js';
import { localPlace, type RepoPlace } from './workspaces/repoPlace.js';
import { systemGh } from './workspaces/pullRequest.js';
import { workspaceService } from './workspaces/workspaceService.js';
import { remotePlace } from './remote/remoteGit.js';
import { Workspaces, type WorkspacesDeps } from './workspaces/workspaces.js';
import { studioStatus } from './person/studioStatus.js';
import { TeamFolders } from './person/teamFolders.js';
import { AgentAdder } from './person/agentAdder.js';
import { TeamSetup } from './person/teamSetup.js';
import { PersonService } from './person/personService.js';
import { keepStudioParts, type StudioParts } from './studioParts.js';
import type { Studio, StudioOptions } from './studioTypes.js';

export type { Studio, StudioOptions, TerminalOptions, UiTabs } from './studioTypes.js';

/**
 * The one composition root: builds every core service, hands each its dependencies, and returns
 * the handle. It holds no rules: those live in the services it wires (the person's in person/).
 */
export function createStudio(options: StudioOptions = {}): Studio {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const store = openStore(options, logger);
  const { db } = store;
  const { events, settings, agents, bus, board, expiry } = wireRecords(options, db, clock, logger);
  const launch = launchFolders(options);
  const sshLinks = sshLinksFor(options, launch, logger);
  const sessions = wireSessions(options, launch, {
    agents,
    clock,
    logger,
    settings,
    sshLinks,
    beforeStart: (agent) => tasks.beforeStart(agents.person, agent),
  });
  const { guard, attention, webhook, wake, waiters } = wireWakes(options, {
    promptDetail: (agentId) => desk.promptDetail(agentId),
    events,
    bus,
    agents,
    sessions,
    settings,
    clock,
    logger,
  });
  const tabs = new TabSessions({ db, clock, events, logger });
  const workspaces = wireWorkspaces(options, sshLinks, { events, agents, clock, logger });
  const tasks = new TaskDispatch(board, agents, workspaces, logger);
  const checks = wireChecks(options, launch, sshLinks, {
    db,
    board,
    agents,
    workspaces,
    events,
    clock,
    logger,
  });
  // Memory as last read (the watch is built below, and read only once a call comes).
  const status = (): StudioStatus =>
    studioStatus({ agents, bus, board, memory: (agentId) => resources.memoryOf(agentId) });
  const counts = (agent: Agent, branch: string) => workspaces.branchCounts(agent, branch);
  const desk = studioDesk({
    agents,
    board,
    bus,
    sessions,
    guard,
    wake,
    events,
    clock,
    checks,
    settings,
    logger,
    counts,
  });
  const { sleep, resources } = wireIdleAgents(options, {
    agents,
    bus,
    sessions,
    sshLinks,
    desk,
    settings,
    events,
    clock,
    logger,
  });
  const parts: StudioParts = {
    db,
    events,
    agents,
    bus,
    board,
    sessions,
    wake,
    waiters,
    sleep,
    resources,
    guard,
    workspaces,
    tabs,
    desk,
    clock,
    logger,
    status,
  };
  const { service, team } = wirePersonSide(options, launch, { ...parts, tasks, webhook, settings, checks });
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

  const close = closer(
    [checks, desk, sleep, resources, wake, waiters, guard, expiry, attention, webhook, tabs],
    { workspaces, sessions, events, store, launch },
  );
  const studio = studioHandle({ ...parts, service, agentSide, team, close });
  keepStudioParts(studio, parts);
  return studio;
}

/** The handle hosts hold: each of its calls handed to the part that answers it. */
function studioHandle(
  p: StudioParts & {
    service: Studio['service'];
    agentSide: AgentSide;
    team: { ensure: Studio['ensureTeam'] };
    close(): Promise<void>;
  },
): Studio {
  const { agents, sessions, wake, waiters, desk, sleep } = p;
  return {
    service: p.service,
    agentSide: p.agentSide,
    agentByToken: (token) => agents.byToken(token),
    agentForHookToken: (token) => sessions.agentForHookToken(token),
    answerHook: (agent, payload, signal) =>
      answerHook({ wake, sessions, permissions: desk }, agent, payload, signal),
    waitForMail: (agent, request, signal) => waiters.wait(agent.id, request, signal),
    tabs: p.tabs,
    openTerminalViewer: (send) =>
      new TerminalViewer(
        sessions,
        (name) => agents.require(name),
        send,
        (name) => void sleep.wake(name).catch(() => undefined),
      ),
    ensureTeam: (count, cwd, worktrees) => p.team.ensure(count, cwd, worktrees),
    startSavedAgents: async () => {
      const started = await sessions.startSaved();
      sleep.wakeThoseWithMail();
      return started;
    },
    logger: p.logger,
    close: p.close,
  };
}

/** Undoes what createStudio built: background work first, then the terminals, the database last. */
function closer(
  parts: Array<{ dispose(): void }>,
  rest: {
    workspaces: Workspaces;
    sessions: AgentSessions;
    events: Emitter<StudioEvent>;
    store: { close(): Promise<void> };
    launch: LaunchFolders;
  },
): () => Promise<void> {
  return async () => {
    for (const part of parts) part.dispose();
    await rest.workspaces.dispose();
    await rest.sessions.shutdown();
    rest.events.dispose();
    await rest.store.close();
    if (rest.launch.scratch) rmSync(rest.launch.scratch, { recursive: true, force: true });
  };
}

/** Checks before merge: run here in a scratch folder of the studio's, or on an agent's host. */
function wireChecks(
  options: StudioOptions,
  launch: LaunchFolders,
  sshLinks: SshLinks | undefined,
  deps: Omit<Parameters<typeof studioChecks>[0], 'sshLink' | 'scratchDir' | 'env'>,
): ReturnType<typeof studioChecks> {
  return studioChecks({
    ...deps,
    ...(sshLinks ? { sshLink: (dest: string) => sshLinks.forHost(dest) } : {}),
    scratchDir: join(launch.launchDir || tmpdir(), launch.launchDir ? 'checks' : 'ccstudio-checks'),
    env: options.terminals?.baseEnv ?? process.env,
  });
}

/** What the studio keeps: agents, mail and the board over one database, and the events they fire. */
function wireRecords(options: StudioOptions, db: Db, clock: Clock, logger: Logger) {
  const events = new Emitter<StudioEvent>(logger);
  const settings = new Settings(db);
  const agents = new AgentRegistry(db, events, clock);
  const quotas = { ...DEFAULT_WRITE_BUDGETS, ...options.quotas };
  const bus = new MessageBus(db, agents, events, clock, quotas.messages);
  const board = new TaskBoard(db, agents, bus, events, clock, quotas.tasks);
  const expiry = new MessageExpiry({ db, events, clock, logger });
  return { events, settings, agents, bus, board, expiry };
}

/**
 * Who is woken and who is told: the wake guard, the person's notices and their webhook, the wake
 * engine. Built in this order, which is the order their listeners hear each event in.
 */
function wireWakes(
  options: StudioOptions,
  deps: {
    events: Emitter<StudioEvent>;
    bus: MessageBus;
    agents: AgentRegistry;
    sessions: AgentSessions;
    settings: Settings;
    clock: Clock;
    logger: Logger;
    /** What an agent's open prompt asks (the desk's reading), for its notice. */
    promptDetail(agentId: number): string | undefined;
  },
) {
  const { events, agents, sessions, clock, logger } = deps;
  const guard = new WakeGuard({
    agents,
    events,
    clock,
    logger,
    personTypedAt: (id) => sessions.get(id)?.lastPersonInputAt ?? 0,
    ...(options.pingPong ? { pingPong: options.pingPong } : {}),
  });
  sessions.onDidUsage(({ agentId }) => guard.checkBudget(agentId));
  const attention = new AttentionWatch({
    events,
    clock,
    agents: agents.list(),
    promptDetail: deps.promptDetail,
  });
  const webhook = new WebhookNotifier({
    events,
    settings: deps.settings,
    clock,
    logger,
    ...(options.urls ? { pageUrl: options.urls.base } : {}),
    ...(options.postWebhook ? { post: options.postWebhook } : {}),
  });
  const waiters = new MailWaiters();
  const wake = new WakeEngine({
    events,
    bus: deps.bus,
    agents,
    sessions,
    clock,
    logger,
    holds: guard,
    waiters,
    ...(options.terminals ? {} : { offline: true }),
    ...(options.terminals?.wakeCooldownMs !== undefined
      ? { cooldownMs: options.terminals.wakeCooldownMs }
      : {}),
  });
  return { guard, attention, webhook, wake, waiters };
}

/** Idle agents put to sleep and woken, and what each agent costs (read only where terminals run). */
function wireIdleAgents(
  options: StudioOptions,
  deps: {
    agents: AgentRegistry;
    bus: MessageBus;
    sessions: AgentSessions;
    sshLinks: SshLinks | undefined;
    desk: SleepKeeperDeps['desk'];
    settings: Settings;
    events: Emitter<StudioEvent>;
    clock: Clock;
    logger: Logger;
  },
): { sleep: SleepKeeper; resources: ResourceWatch } {
  const { agents, bus, sessions, sshLinks, clock, logger } = deps;
  const sleep = new SleepKeeper({
    ...deps,
    terminals: sessions,
    queuedCount: (agentId) => bus.queuedFor(agentId).length,
  });
  const resources = new ResourceWatch({
    agents,
    pidOf: (agentId) => {
      const live = sessions.get(agentId);
      // Over SSH the process here is ssh: its memory is not the agent's.
      return live?.pty.running && !agents.getById(agentId)?.ssh ? live.pty.pid : undefined;
    },
    ...(sshLinks
      ? {
          remote: {
            running: (agentId: number) => !!sessions.get(agentId)?.pty.running,
            read: (there: readonly Agent[]) =>
              readRemoteMemory(
                sshLinks,
                remoteKey(deps.settings),
                there.map((a) => ({ id: a.id, name: a.name, dest: a.ssh!.dest })),
              ),
          },
        }
      : {}),
    ...(options.resourceTiming ? { timing: options.resourceTiming } : {}),
    clock,
    logger,
  });
  if (options.terminals) resources.start();
  return { sleep, resources };
}

/** The database, its lock (one studio per data folder) and its checkpointer; close undoes all three. */
function openStore(options: StudioOptions, logger: Logger): { db: Db; close(): Promise<void> } {
  const file = options.databaseFile ?? (options.dataDir ? join(options.dataDir, DATABASE_FILE) : undefined);
  if (!file) throw new Error('createStudio needs dataDir or databaseFile');
  const ownsFolder = !options.databaseFile && !!options.dataDir;
  const nativeBinding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  let lock: StudioLock | undefined = options.lock;
  let db: Db;
  try {
    if (ownsFolder) {
      securePrivateTree(options.dataDir!);
      lock ??= acquireStudioLock(options.dataDir!, nativeBinding);
    }
    db = openDatabase(file, {
      ...nativeBinding,
      backup: ownsFolder && !!options.backup,
      onBackupError: (err) => logger.warn('could not refresh the database backup', { err: String(err) }),
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const checkpointer = startCheckpointer(db, { logger, ...nativeBinding });
  return {
    db,
    close: async () => {
      await checkpointer.stop();
      if (db.open) db.close();
      lock?.release();
    },
  };
}

interface LaunchFolders {
  /** Where agents' launch files go (their credentials among them): private to the person. */
  launchDir: string;
  /** A throwaway launch folder, removed at close, for a studio with no data folder. */
  scratch: string | undefined;
  /** The SSH control sockets (a process that reaches one runs commands on that host). */
  controlDir: string;
}

/**
 * Agents' launch files (their credentials among them) need a private folder; a studio with no
 * data folder (an in-memory one) gets a throwaway one rather than writing into the cwd.
 */
function launchFolders(options: StudioOptions): LaunchFolders {
  const terminals = options.terminals;
  const scratch =
    terminals && !terminals.dataDir && !options.dataDir
      ? mkdtempSync(join(tmpdir(), 'ccstudio-launch-'))
      : undefined;
  const launchDir = terminals?.dataDir ?? options.dataDir ?? scratch ?? '';
  return { launchDir, scratch, controlDir: sshControlDir(launchDir) };
}

/** One connection per host, for agents on other machines: only with terminals and the studio's URLs. */
function sshLinksFor(options: StudioOptions, launch: LaunchFolders, logger: Logger): SshLinks | undefined {
  const { terminals, urls } = options;
  if (!terminals || !urls) return undefined;
  return new SshLinks({
    controlDir: launch.controlDir,
    sshCommand: terminals.sshCommand ?? 'ssh',
    studioPort: Number(new URL(urls.base).port),
    env: terminals.baseEnv ?? process.env,
    logger,
  });
}

/** Agents' terminals: this machine's PTYs (none without TerminalOptions) and hosts over SSH. */
function wireSessions(
  options: StudioOptions,
  launch: LaunchFolders,
  deps: Pick<AgentSessionsOptions, 'agents' | 'clock' | 'logger'> & {
    settings: Settings;
    sshLinks: SshLinks | undefined;
    beforeStart: NonNullable<AgentSessionsOptions['beforeStart']>;
  },
): AgentSessions {
  const { terminals, urls } = options;
  const { launchDir, controlDir } = launch;
  const writer = new TerminalWriter({
    clock: deps.clock,
    logger: deps.logger,
    ...(terminals?.enterDelayMs !== undefined ? { enterDelayMs: terminals.enterDelayMs } : {}),
    ...(terminals?.verifyDelayMs !== undefined ? { verifyDelayMs: terminals.verifyDelayMs } : {}),
  });
  const places = agentPlaces(
    new LocalPlace({
      agents: deps.agents,
      clock: deps.clock,
      logger: deps.logger,
      launchDir,
      // The SSH control sockets too, when they are not in the data folder already.
      privateDirs: [options.dataDir ?? '', launchDir, inside(launchDir, controlDir) ? '' : controlDir].filter(
        Boolean,
      ),
      urls,
      hookCommand: terminals?.hookCommand ?? 'true',
      ...(terminals?.claudeCommand ? { claudeCommand: terminals.claudeCommand } : {}),
      ...(terminals?.baseEnv ? { baseEnv: terminals.baseEnv } : {}),
    }),
    new SshPlace({
      agents: deps.agents,
      links: deps.sshLinks,
      studioKey: deps.sshLinks ? remoteKey(deps.settings) : '',
      ...(terminals?.baseEnv ? { baseEnv: terminals.baseEnv } : {}),
    }),
  );
  return new AgentSessions({
    agents: deps.agents,
    clock: deps.clock,
    logger: deps.logger,
    spawnPty:
      terminals?.spawnPty ??
      (() => {
        throw new Error('This studio was started without terminals.');
      }),
    writer,
    places,
    beforeStart: deps.beforeStart,
  });
}

/** Agents' git worktrees: this machine's repositories, and one place per host over SSH. */
function wireWorkspaces(
  options: StudioOptions,
  sshLinks: SshLinks | undefined,
  deps: Pick<WorkspacesDeps, 'events' | 'agents' | 'clock' | 'logger'>,
): Workspaces {
  const git = options.git ?? systemGit(options.terminals?.baseEnv ?? process.env);
  // One place per host, so each host's git is checked for its version once.
  const hosts = new Map<string, RepoPlace>();
  const remote = (links: SshLinks) => (dest: string) => {
    let place = hosts.get(dest);
    if (!place) hosts.set(dest, (place = remotePlace(links.forHost(dest))));
    return place;
  };
  return new Workspaces({
    local: localPlace(git, options.gh ?? systemGh),
    ...(sshLinks ? { remote: remote(sshLinks) } : {}),
    ...deps,
    ...(options.watchTree !== null ? { watchTree: options.watchTree ?? watchTree } : {}),
  });
}

/** The services the person's side is built over. */
interface PersonSideParts extends StudioParts {
  tasks: TaskDispatch;
  checks: TaskChecks;
  webhook: WebhookNotifier;
  settings: Settings;
}

/** The person's side: their team's folders, adding agents, the team, and the service over it all. */
function wirePersonSide(
  options: StudioOptions,
  launch: LaunchFolders,
  parts: PersonSideParts,
): { service: PersonService; team: TeamSetup } {
  const { agents, bus, board, sessions, workspaces } = parts;
  const env = options.terminals?.baseEnv ?? process.env;
  const comments = new ReviewComments({
    db: parts.db,
    board,
    source: branchSource(agents, workspaces),
    clock: parts.clock,
  });
  // The home folder agents run with (their environment's HOME), which `~` means to the person.
  const home = defaultHome(env);
  const folders = new TeamFolders({
    startedIn: options.teamCwd ?? home,
    home,
    privateDirs: [options.dataDir ?? '', launch.launchDir].filter(Boolean),
    ownDirs: (options.ownFolders ?? studioOwnFolders()).map(realOrSelf),
    claudeConfig: claudeConfigFile(env),
    settings: parts.settings,
    agents,
    repoInfo: (folder) => workspaces.repoInfo(folder),
  });
  const team = new TeamSetup({ agents, folders, worktrees: workspaces, terminals: sessions });
  const mcpUrl = options.urls?.mcp ?? '';
  const adder = new AgentAdder({ agents, worktrees: workspaces, folders, mcpUrl, logger: parts.logger });
  const service = new PersonService({
    agents,
    bus,
    board,
    tasks: parts.tasks,
    wake: parts.wake,
    sleep: parts.sleep,
    resources: parts.resources,
    webhook: parts.webhook,
    tabs: parts.tabs,
    events: parts.events,
    clock: parts.clock,
    status: parts.status,
    terminals: sessions,
    holds: parts.guard,
    worktrees: workspaces,
    review: workspaceService({
      agents,
      board,
      bus,
      workspaces,
      person: () => agents.person,
      checks: parts.checks,
      review: comments,
    }),
    comments,
    checks: parts.checks,
    repoKey: checkRepoKey((folder) => folders.check(folder)),
    adder,
    team,
    folders,
    desk: parts.desk,
  });
  return { service, team };
}
