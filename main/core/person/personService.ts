// The person's side of the studio (UI and CLI): StudioService over the core's services, with the
// rules the person meets. Adding agents, the team and its folders, the studio's status and the
// feed each have a module of their own here; this one holds the rest (the order of a removal,
// budgets and holds, warnings for mail nobody will be woken by) and hands every call on.
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import { PERSON_NAME } from '../../contract/limits.js';
import type { Agent, StudioStatus } from '../../contract/model.js';
import type { Delivered, StudioService } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { WebhookNotifier } from '../attention/webhook.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import type { TaskChecks } from '../checks/taskChecks.js';
import type { Desk } from '../desk/desk.js';
import type { ReviewComments } from '../workspaces/reviewComments.js';
import type { TabSessions } from '../tabs/tabSessions.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import type { WakeEngine } from '../wake/wakeEngine.js';
import type { SleepKeeper } from '../sleep/sleepKeeper.js';
import type { ResourceWatch } from '../resources/resourceWatch.js';
import type { WakeGuard } from '../wake/wakeGuard.js';
import type { TaskDispatch } from '../workspaces/taskDispatch.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import type { AgentAdder } from './agentAdder.js';
import { feedHistory, type FeedSources } from './feedHistory.js';
import type { TeamFolders } from './teamFolders.js';
import type { TeamSetup } from './teamSetup.js';

/** The person's side of worktrees: changes, diffs, merges, pull requests (workspaceService.ts). */
export type ReviewMethods = Pick<
  StudioService,
  'agentChanges' | 'allChanges' | 'workDiff' | 'merge' | 'previewMerge' | 'sendBack' | 'openPullRequest'
>;

export interface PersonServiceDeps {
  agents: Pick<AgentRegistry, 'person' | 'list' | 'get' | 'require' | 'remove' | 'setRuntime'>;
  bus: Pick<MessageBus, 'send' | 'broadcast' | 'history' | 'inbox'> & FeedSources['bus'];
  board: Pick<TaskBoard, 'list' | 'detail' | 'get' | 'releaseAssignee'> & FeedSources['board'];
  /** Creating and changing tasks: a worktree agent's task gets its branch first. */
  tasks: Pick<TaskDispatch, 'create' | 'update'>;
  /** Local agents' terminals. */
  terminals: Pick<AgentSessions, 'startSettled' | 'stop' | 'restart' | 'screen' | 'keys' | 'remove'>;
  wake: Pick<WakeEngine, 'kick' | 'consider' | 'deliveryWarning'>;
  /** What each agent costs (memory, tokens). */
  resources: Pick<ResourceWatch, 'report'>;
  /** Agents asleep: put to sleep, woken, pinned awake. */
  sleep: Pick<
    SleepKeeper,
    'sleep' | 'wake' | 'pin' | 'setIdleMinutes' | 'settings' | 'setSettings' | 'isAsleep' | 'stopped'
  >;
  /** Holds on an agent's wakes (a spent budget, a ping-pong loop). */
  holds: Pick<WakeGuard, 'release' | 'checkBudget'>;
  webhook: Pick<WebhookNotifier, 'status' | 'configure' | 'test'>;
  tabs: Pick<TabSessions, 'list' | 'end'>;
  worktrees: Pick<Workspaces, 'checkRemovable' | 'remove'>;
  review: ReviewMethods;
  adder: Pick<AgentAdder, 'add'>;
  team: Pick<TeamSetup, 'start'>;
  folders: Pick<TeamFolders, 'choices' | 'check'>;
  events: Pick<Emitter<StudioEvent>, 'on'>;
  /** What waits for the person, and the answers it takes. */
  desk: Pick<Desk, 'items' | 'answer'>;
  /** Checks before merge. */
  checks: Pick<TaskChecks, 'repos' | 'runs' | 'setCommand' | 'status' | 'runNow'>;
  /** The repository a folder the person names is in (its root), as checks key it. */
  repoKey(folder: string): Promise<string>;
  /** Line comments on tasks' diffs. */
  comments: Pick<ReviewComments, 'add' | 'list'>;
  clock: Clock;
  status(): StudioStatus;
}

/**
 * Every method is async, so every pipe (IPC, WebSocket, HTTP) sees one shape even where the work
 * underneath is synchronous (a throw is a rejection). They are own properties, not prototype
 * methods: hosts wrap the service by spreading it (the desktop's folder picker).
 */
export class PersonService implements StudioService {
  constructor(private readonly deps: PersonServiceDeps) {}

  private get person(): Agent {
    return this.deps.agents.person;
  }

  /** The mail or task, with a warning when its recipient will not be woken by it. */
  private delivered<T extends object>(value: T, to: string | null | undefined): Delivered<T> {
    const agent = to ? this.deps.agents.get(to) : undefined;
    const warning = agent ? this.deps.wake.deliveryWarning(agent.id) : undefined;
    return warning ? { ...value, warning } : value;
  }

  readonly status: StudioService['status'] = async () => this.deps.status();
  readonly listAgents: StudioService['listAgents'] = async () => this.deps.agents.list();
  readonly addAgent: StudioService['addAgent'] = (input) => this.deps.adder.add(input);
  readonly startAgent: StudioService['startAgent'] = async (name) =>
    this.asleep(name) ? this.deps.sleep.wake(name) : (await this.deps.terminals.startSettled(name)).agent;
  readonly stopAgent: StudioService['stopAgent'] = async (name) => {
    this.deps.sleep.stopped(name);
    await this.deps.terminals.stop(name);
  };
  readonly sleepAgent: StudioService['sleepAgent'] = (name) => this.deps.sleep.sleep(name);
  readonly wakeAgent: StudioService['wakeAgent'] = (name) => this.deps.sleep.wake(name);
  readonly pinAgent: StudioService['pinAgent'] = async (name, pinned) => this.deps.sleep.pin(name, pinned);
  readonly setSleepAfter: StudioService['setSleepAfter'] = async (name, minutes) =>
    this.deps.sleep.setIdleMinutes(name, minutes);
  readonly sleepSettings: StudioService['sleepSettings'] = async () => this.deps.sleep.settings();
  readonly resources: StudioService['resources'] = async () => this.deps.resources.report();
  readonly setSleepSettings: StudioService['setSleepSettings'] = async (patch) =>
    this.deps.sleep.setSettings(patch);

  private asleep(name: string): boolean {
    return this.deps.sleep.isAsleep(this.deps.agents.require(name).id);
  }
  readonly restartAgent: StudioService['restartAgent'] = async (name) =>
    (await this.deps.terminals.restart(name)).agent;
  readonly readScreen: StudioService['readScreen'] = async (name) => this.deps.terminals.screen(name);
  readonly kickAgent: StudioService['kickAgent'] = async (name) => {
    // Asleep: waking it is the kick (its mail is delivered once it is at its prompt).
    if (this.asleep(name)) await this.deps.sleep.wake(name);
    else await this.deps.wake.kick(this.deps.agents.require(name).id, 'person');
  };
  readonly sendKeys: StudioService['sendKeys'] = async (name, keys) => this.deps.terminals.keys(name, keys);

  /**
   * An agent gone: with its worktree, if asked, checked while it runs (a refusal changes
   * nothing), then stopped so nothing writes into it while it is checked again and removed. Gone
   * from the registry (tokens, cache) before its terminal stops: nothing can be assigned to it
   * while the terminal takes its time.
   */
  readonly removeAgent: StudioService['removeAgent'] = async (name, options) => {
    const { agents, terminals, worktrees } = this.deps;
    const agent = agents.require(name);
    if (agent.name === PERSON_NAME) throw new StudioError('forbidden', 'The person cannot be removed.');
    if (options?.removeWorktree) {
      if (!agent.workspace)
        throw new StudioError('invalid', `${agent.name} has no worktree of its own to remove.`);
      await worktrees.checkRemovable(agent);
      await terminals.stop(agent.name).catch(() => undefined);
      await worktrees.remove(agent);
    }
    this.deps.board.releaseAssignee(agent.id, this.person);
    agents.remove(name);
    await terminals.remove(agent);
  };

  readonly sendMessage: StudioService['sendMessage'] = async (input) =>
    this.delivered(
      this.deps.bus.send(this.person, input.to, input.body, {
        ...(input.type ? { type: input.type } : {}),
        ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
        ...(input.urgent ? { urgent: true } : {}),
      }),
      input.to,
    );
  readonly notifyStatus: StudioService['notifyStatus'] = async () => this.deps.webhook.status();
  readonly setNotify: StudioService['setNotify'] = async (input) => this.deps.webhook.configure(input);
  readonly testNotify: StudioService['testNotify'] = async () =>
    this.deps.webhook.test({
      kind: 'review',
      title: 'Claude Code Studio: test notice',
      body: 'Notices reach this webhook when an agent waits for you or a task reaches review or done.',
      at: this.deps.clock.now(),
    });

  /** An agent's wakes let go of; its queued mail goes now if it is idle, or at its turn's end. */
  readonly releaseAgent: StudioService['releaseAgent'] = async (name) => {
    const agent = this.deps.agents.require(name);
    this.deps.holds.release(agent.id);
    this.deps.wake.consider(agent.id);
    return this.deps.agents.require(name);
  };

  /** A budget set or cleared; cleared, a hold it put on the agent goes with it. Checked at once. */
  readonly setBudget: StudioService['setBudget'] = async (name, budget) => {
    const { agents, holds, wake } = this.deps;
    const agent = agents.require(name);
    if (agent.kind !== 'agent') throw new StudioError('invalid', 'Only an agent has a budget.');
    agents.setRuntime(agent.id, { budget: budget ?? null });
    if (!budget && agent.hold?.reason === 'budget') {
      holds.release(agent.id);
      wake.consider(agent.id);
    }
    holds.checkBudget(agent.id);
    return agents.require(name);
  };

  readonly broadcast: StudioService['broadcast'] = async (body) =>
    this.deps.bus.broadcast(this.person, body).message;
  readonly history: StudioService['history'] = async (query) => this.deps.bus.history(null, query);
  readonly personInbox: StudioService['personInbox'] = async () => this.deps.bus.inbox(this.person).items;
  readonly listTasks: StudioService['listTasks'] = async (query) => this.deps.board.list(query);
  readonly getTask: StudioService['getTask'] = async (id) => this.deps.board.detail(id);
  readonly createTask: StudioService['createTask'] = async (input) => {
    const task = await this.deps.tasks.create(this.person, input);
    return this.delivered(task, task.assignee);
  };
  /** Warned when the task newly reaches someone who will not be woken by it. */
  readonly updateTask: StudioService['updateTask'] = async (input) => {
    const before = this.deps.board.get(input.id);
    const task = await this.deps.tasks.update(this.person, input);
    return task.assignee && task.assignee !== before?.assignee ? this.delivered(task, task.assignee) : task;
  };
  readonly feedHistory: StudioService['feedHistory'] = async (query) => feedHistory(this.deps, query.limit);

  readonly folderChoices: StudioService['folderChoices'] = async () => this.deps.folders.choices();
  readonly checkFolder: StudioService['checkFolder'] = (path) => this.deps.folders.check(path);
  /** The desktop app has a picker (it wraps this service); other hosts have none. */
  readonly pickFolder: StudioService['pickFolder'] = async () => {
    throw new StudioError('unavailable', 'No folder picker here: type the folder instead.');
  };
  readonly startTeam: StudioService['startTeam'] = (input) => this.deps.team.start(input);

  readonly agentChanges: StudioService['agentChanges'] = (name) => this.deps.review.agentChanges(name);
  readonly allChanges: StudioService['allChanges'] = () => this.deps.review.allChanges();
  readonly workDiff: StudioService['workDiff'] = (target) => this.deps.review.workDiff(target);
  readonly merge: StudioService['merge'] = (input) => this.deps.review.merge(input);
  readonly previewMerge: StudioService['previewMerge'] = (input) => this.deps.review.previewMerge(input);
  readonly sendBack: StudioService['sendBack'] = (input) => this.deps.review.sendBack(input);
  readonly openPullRequest: StudioService['openPullRequest'] = (target) =>
    this.deps.review.openPullRequest(target);

  readonly queue: StudioService['queue'] = async () => this.deps.desk.items();
  readonly answer: StudioService['answer'] = (input) => this.deps.desk.answer(input);

  readonly checks: StudioService['checks'] = async () => ({
    repos: this.deps.checks.repos(),
    runs: this.deps.checks.runs(),
  });
  readonly setCheck: StudioService['setCheck'] = async (input) =>
    this.deps.checks.setCommand(await this.deps.repoKey(input.repo), input.command);
  readonly taskChecks: StudioService['taskChecks'] = (input) =>
    input.run ? this.deps.checks.runNow(input.taskId) : this.deps.checks.status(input.taskId);

  readonly addComment: StudioService['addComment'] = (input) => this.deps.comments.add(input);
  readonly taskComments: StudioService['taskComments'] = (taskId) => this.deps.comments.list(taskId);

  readonly listTabs: StudioService['listTabs'] = async () => this.deps.tabs.list();
  readonly endTab: StudioService['endTab'] = async (id) => {
    if (!this.deps.tabs.end(id))
      throw new StudioError('not_found', `There is no tab #${id}; the list of tabs shows the live ones.`);
  };
  readonly onDidEvent: StudioService['onDidEvent'] = (listener) => this.deps.events.on(listener);
}
