import type { CheckStatus, RepoCheck, SetCheckInput, TaskCheck, TaskChecksInput } from './checks.js';
import type { DeskAnswerInput, DeskAnswerResult, DeskItem } from './desk.js';
import type { AddCommentInput, ReviewComment } from './review.js';
import type { Disposable, StudioEvent } from './events.js';
import type {
  AddAgentInput,
  BudgetInput,
  NotifyInput,
  CreateTaskInput,
  FeedQuery,
  HistoryQuery,
  MergeInput,
  RemoveAgentOptions,
  SendBackInput,
  SendInput,
  StartTeamInput,
  TaskQuery,
  UpdateTaskInput,
  WorkTarget,
} from './inputs.js';
import type {
  Agent,
  InboxItem,
  MergePreview,
  MergeResult,
  Message,
  NotifyStatus,
  ResourceReport,
  SleepSettings,
  StudioStatus,
  TabSession,
  Task,
  TaskDetail,
  TaskEvent,
  WorkspaceChanges,
  WorkspaceDiff,
} from './model.js';

export type {
  MergeInput,
  RemoveAgentOptions,
  SendBackInput,
  WorkTarget,
  AddAgentInput,
  CreateTaskInput,
  FeedQuery,
  HistoryQuery,
  SendInput,
  StartTeamInput,
  TaskQuery,
  UpdateTaskInput,
};

/**
 * Mail or a task that was stored, with a warning when its recipient will not be woken by it
 * (not running, on another machine, a plain command): said to the sender, never silently.
 */
export type Delivered<T> = T & { warning?: string };

/** The feed's history: recent messages and task events, each newest first. */
export interface FeedHistory {
  messages: Message[];
  taskEvents: Array<{ task: Task; event: TaskEvent }>;
}

/** A folder the person typed for an agent or a team, as the studio sees it. */
export interface FolderCheck {
  /** Absolute, with ~ expanded. */
  path: string;
  ok: boolean;
  /** Why it cannot be used (ok false), or a caution (ok true). */
  problem?: string;
  /** It is inside a git repository. */
  git: boolean;
  /** For a git folder: its branches and the one checked out (a worktree's base), and where worktrees go by default. */
  repo?: { root: string; branch: string; branches: string[]; worktreeParent: string };
  /**
   * Claude Code trusts it already (the person said so at a start there, or in its repository,
   * whose worktrees count as the repository): agents start there without asking. False: each
   * agent's first start there asks "Do you trust this folder?" in its terminal.
   */
  claudeTrusted?: boolean;
}

/** Folders to offer: where new agents go by default, and where agents worked before. */
export interface FolderChoices {
  /** The team's folder once the person chose one; '' when nothing fits (see note). */
  suggested: string;
  /** Why nothing is suggested (the studio was started in its own folder). */
  note?: string;
  recent: string[];
}

export interface AddedAgent {
  agent: Agent;
  /** Shown once: the studio keeps only its hash. */
  token: string;
  mcpUrl: string;
}

/**
 * What the person (UI or CLI) can do with a studio. One interface, served over IPC, WebSocket,
 * HTTP and an in-memory pair; a new feature adds a method here, never a new channel.
 */
export interface StudioService {
  status(): Promise<StudioStatus>;
  listAgents(): Promise<Agent[]>;
  addAgent(input: AddAgentInput): Promise<AddedAgent>;
  /** Removes an agent; with removeWorktree, its worktree and merged branches too (refused if work would be lost). */
  removeAgent(name: string, options?: RemoveAgentOptions): Promise<void>;
  /** Sent as the person. */
  sendMessage(input: SendInput): Promise<Delivered<Message>>;
  broadcast(body: string): Promise<Message>;
  history(query: HistoryQuery): Promise<Message[]>;
  /** The person's own unread mail, marked read. */
  personInbox(): Promise<InboxItem[]>;
  listTasks(query: TaskQuery): Promise<Task[]>;
  getTask(id: number): Promise<TaskDetail>;
  createTask(input: CreateTaskInput): Promise<Delivered<Task>>;
  updateTask(input: UpdateTaskInput): Promise<Delivered<Task>>;
  /** Recent messages and task events for the feed (it survives a restart of the studio). */
  feedHistory(query: FeedQuery): Promise<FeedHistory>;
  /** Where new agents go by default, and the folders agents worked in before. */
  folderChoices(): Promise<FolderChoices>;
  /** Whether a folder can be an agent's working folder, checked as the person types it. */
  checkFolder(path: string): Promise<FolderCheck>;
  /**
   * The OS's folder picker, in the desktop app (its host supplies it); null when the person
   * cancels. A browser has no such thing: there it is refused and the page offers a path field.
   */
  pickFolder(): Promise<string | null>;
  /** The first team: a commander and N agents in one folder, started; each says how its start went. */
  startTeam(input: StartTeamInput): Promise<Array<{ agent: Agent; error?: string }>>;
  /**
   * Starts a local agent's terminal (Claude Code or its command) and waits a moment to see it
   * run: a program that exits at once is an error saying how it ended and what to try.
   */
  startAgent(name: string): Promise<Agent>;
  /** Stops it; it will not come back with the studio until started again. */
  stopAgent(name: string): Promise<void>;
  restartAgent(name: string): Promise<Agent>;
  /** The agent's screen as text. */
  readScreen(name: string): Promise<string>;
  /** Wakes the agent now: its mail announced, or a nudge; an agent asleep is resumed. */
  kickAgent(name: string): Promise<void>;
  /** Puts an idle agent to sleep now (its Claude Code ends, its session kept); refused, with the reason, when it may not sleep. */
  sleepAgent(name: string): Promise<Agent>;
  /** Wakes a sleeping agent: its session resumed, its mail delivered. */
  wakeAgent(name: string): Promise<Agent>;
  /** Keeps an agent awake (true), or lets it sleep when idle again (false). */
  pinAgent(name: string, pinned: boolean): Promise<Agent>;
  /** Its own minutes idle before it sleeps; null for the studio's setting. */
  setSleepAfter(name: string, minutes: number | null): Promise<Agent>;
  /** When agents sleep, how many may be awake at once, and whether the commander sleeps. */
  sleepSettings(): Promise<SleepSettings>;
  /** What each agent costs now (memory, tokens in the last hour), and a point a minute for the last hours. */
  resources(): Promise<ResourceReport>;
  setSleepSettings(patch: Partial<SleepSettings>): Promise<SleepSettings>;
  /** Keys into an agent's open menu (digits, enter, esc, arrows), as the person. */
  sendKeys(name: string, keys: string[]): Promise<void>;
  /** Lets a held agent's wakes through again (a spent budget, a ping-pong loop); its queued mail follows. */
  releaseAgent(name: string): Promise<Agent>;
  /** Sets (or, with null, clears) the tokens or turns an hour past which the agent's wakes are held. */
  setBudget(name: string, budget: BudgetInput): Promise<Agent>;
  /** The webhook attention notices go to, and how it fared lately. */
  notifyStatus(): Promise<NotifyStatus>;
  /** Sets (null: removes) the webhook; an http(s) URL that takes JSON. */
  setNotify(input: NotifyInput): Promise<NotifyStatus>;
  /** Sends a test notice to the webhook now; an error says why it did not arrive. */
  testNotify(): Promise<NotifyStatus>;
  /** A worktree agent's changes against its base, read now. */
  agentChanges(name: string): Promise<WorkspaceChanges>;
  /** Every worktree agent's changes as last read (kept current by workspace.changed events). */
  allChanges(): Promise<WorkspaceChanges[]>;
  /** The diff to review: an agent's worktree, or a task's branch. */
  workDiff(target: WorkTarget): Promise<WorkspaceDiff>;
  /**
   * Merges an agent's branch or a task's into its base (a task merged from its card is done), or
   * refuses with nothing changed: conflicts, uncommitted work, local changes the merge would touch.
   */
  merge(input: MergeInput): Promise<MergeResult>;
  /**
   * What `merge` with the same input would do, found by its own checks with nothing landed: the
   * commits and files it would bring, or why it would be refused and what to do.
   */
  previewMerge(input: MergeInput): Promise<MergePreview>;
  /** Sends a task in review back to its assignee with a note: mail that wakes it. */
  sendBack(input: SendBackInput): Promise<Task>;
  /** Pushes the branch and opens a pull request with the GitHub CLI; returns its address. */
  openPullRequest(target: WorkTarget): Promise<string>;
  /**
   * Everything that waits for the person, across all agents, oldest first: permission prompts,
   * questions, dialogs, reviews, held wakes, stuck, exited and disconnected agents.
   */
  queue(): Promise<DeskItem[]>;
  /**
   * Answers one item of the queue: it reaches exactly the prompt the item names, once, or is
   * refused with why ("that prompt has gone") and nothing changes.
   */
  answer(input: DeskAnswerInput): Promise<DeskAnswerResult>;
  /** Each repository's check command, and every task's latest check run. */
  checks(): Promise<{ repos: RepoCheck[]; runs: TaskCheck[] }>;
  /** Sets (command null: removes) a repository's check; tasks in review there run it. */
  setCheck(input: SetCheckInput): Promise<RepoCheck[]>;
  /** A task's check: passed, failed (with its tail), running, stale or none; `run` starts it again. */
  taskChecks(input: TaskChecksInput): Promise<CheckStatus>;
  /** A comment on a line of a task's diff, pending until the task is sent back. */
  addComment(input: AddCommentInput): Promise<ReviewComment>;
  /** A task's line comments, each pending, open, answered or outdated. */
  taskComments(taskId: number): Promise<ReviewComment[]>;
  /** Browser tabs let into the UI, newest first. */
  listTabs(): Promise<TabSession[]>;
  /** Ends a tab's session: its connections close at once and its token is refused from then on. */
  endTab(id: number): Promise<void>;
  onDidEvent(listener: (event: StudioEvent) => void): Disposable;
}

/** What a viewer gets when it attaches to an agent's terminal: screen and scrollback as escapes. */
export interface TerminalSnapshot {
  agentId: number;
  name: string;
  data: string;
  cols: number;
  rows: number;
  running: boolean;
}

/**
 * Output for one attached terminal, in order. `reset` means clear the screen first (a new
 * process, or an attach); `snapshot` marks the attach's screen, drawn at that size and not
 * acknowledged (flow control counts live output only).
 */
export interface TerminalOutput {
  agentId: number;
  data: string;
  reset?: boolean;
  snapshot?: { cols: number; rows: number };
}

/**
 * Agents' terminals as one viewer (a window, a browser tab) sees them. Attachments belong to the
 * connection: the snapshot plus the output that follows neither drops nor repeats a byte, and
 * a viewer that does not acknowledge what it drew pauses the agent instead of queueing forever.
 */
export interface StudioTerminals {
  attachTerminal(name: string): Promise<TerminalSnapshot>;
  detachTerminal(name: string): Promise<void>;
  /** Keys the person typed, passed through as they are. */
  terminalInput(name: string, data: string): Promise<void>;
  resizeTerminal(name: string, cols: number, rows: number): Promise<void>;
  /** This many characters of an agent's output were drawn. */
  ackOutput(agentId: number, chars: number): void;
  /**
   * Whether this window is drawing at all (false in a hidden tab or a minimised window): a hidden
   * window gets no terminal output and holds no agent back; shown again, it gets fresh snapshots.
   */
  setVisible(visible: boolean): void;
  onDidOutput(listener: (output: TerminalOutput) => void): Disposable;
}

/** StudioTerminals' calls (the rest are local: output, acks and visibility need no answer). */
export type TerminalMethod = Exclude<keyof StudioTerminals, 'onDidOutput' | 'ackOutput' | 'setVisible'>;

/** The calls a remote pipe may make: every method of StudioService but its event subscription. */
export type StudioServiceMethod = Exclude<keyof StudioService, 'onDidEvent'>;

/** StudioService without its events: what a request-response transport (HTTP) can serve. */
export type StudioCalls = Pick<StudioService, StudioServiceMethod>;

// Every call as a table the compiler holds complete: a method added to an interface and not here
// (or the other way round) does not compile, so a client built from these lists has them all.
const SERVICE_CALLS: Record<StudioServiceMethod, true> = {
  status: true,
  listAgents: true,
  addAgent: true,
  removeAgent: true,
  sendMessage: true,
  broadcast: true,
  history: true,
  personInbox: true,
  listTasks: true,
  getTask: true,
  createTask: true,
  updateTask: true,
  startAgent: true,
  stopAgent: true,
  restartAgent: true,
  readScreen: true,
  kickAgent: true,
  sleepAgent: true,
  wakeAgent: true,
  pinAgent: true,
  setSleepAfter: true,
  sleepSettings: true,
  setSleepSettings: true,
  resources: true,
  sendKeys: true,
  feedHistory: true,
  folderChoices: true,
  checkFolder: true,
  pickFolder: true,
  startTeam: true,
  agentChanges: true,
  allChanges: true,
  workDiff: true,
  merge: true,
  previewMerge: true,
  sendBack: true,
  openPullRequest: true,
  releaseAgent: true,
  setBudget: true,
  notifyStatus: true,
  setNotify: true,
  testNotify: true,
  queue: true,
  answer: true,
  checks: true,
  setCheck: true,
  taskChecks: true,
  addComment: true,
  taskComments: true,
  listTabs: true,
  endTab: true,
};
const TERMINAL_CALLS: Record<TerminalMethod, true> = {
  attachTerminal: true,
  detachTerminal: true,
  terminalInput: true,
  resizeTerminal: true,
};
export const STUDIO_SERVICE_METHODS = Object.keys(SERVICE_CALLS) as StudioServiceMethod[];
export const TERMINAL_METHODS = Object.keys(TERMINAL_CALLS) as TerminalMethod[];

export const isServiceMethod = (m: unknown): m is StudioServiceMethod =>
  typeof m === 'string' && Object.hasOwn(SERVICE_CALLS, m);
export const isTerminalMethod = (m: unknown): m is TerminalMethod =>
  typeof m === 'string' && Object.hasOwn(TERMINAL_CALLS, m);
