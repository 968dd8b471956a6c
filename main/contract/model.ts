// The studio's domain as it crosses process boundaries: plain data, no behaviour.

/**
 * What an agent is doing right now: from Claude Code's hooks first, confirmed by its screen (local
 * agents), or from heartbeats (remote ones). `waiting_shell`: at its prompt while a background
 * shell it started runs. `waiting_trust`: Claude Code asks whether the person trusts the folder
 * (its first start there). `waiting_login`: Claude Code is not logged in, so every prompt fails
 * until the person logs it in. `stuck`: busy, with no output and no hook for STUCK_AFTER_MS.
 * `unrecognised`: a hook said it is ready but its screen matches nothing the studio knows.
 * `reconnecting`: on another machine whose SSH link dropped; its mail waits while the studio
 * connects again and resumes its session.
 */
export const AGENT_STATES = [
  'unknown',
  'starting',
  'idle',
  'busy',
  'waiting_permission',
  'waiting_select',
  'waiting_text',
  'waiting_shell',
  'waiting_trust',
  'waiting_login',
  'stuck',
  'unrecognised',
  'reconnecting',
  'exited',
  'asleep',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** A menu, a question or a dialog in its terminal waits for the person's answer. */
export function waitsForPerson(state: AgentState): boolean {
  return (
    state === 'waiting_permission' ||
    state === 'waiting_select' ||
    state === 'waiting_text' ||
    personOnly(state)
  );
}

/**
 * Only the person may answer it, never an agent (the commander's respond): whether Claude Code may
 * read, edit and run the files of a folder, and logging it in to an account.
 */
export function personOnly(state: AgentState): boolean {
  return state === 'waiting_trust' || state === 'waiting_login';
}

/** `person` is the human at the keyboard; agents are Claude Code (or other CLI) sessions. */
export type AgentKind = 'agent' | 'person';

/** What the studio runs for a local agent: Claude Code (wired to the studio) or any command. */
export type AgentProfile =
  | {
      kind: 'claude';
      args?: string[];
      /**
       * Claude Code's own sandbox on (bubblewrap on Linux, Seatbelt on macOS), with the studio's
       * data folder unreadable to the agent. Refused, never run unsandboxed, where it cannot run.
       */
      sandbox?: boolean;
    }
  | {
      kind: 'command';
      command: string;
      args: string[];
      /**
       * Its program takes prompts (Codex, Gemini CLI and the like), so wake lines are typed into
       * it. Off for a plain command: a shell would run the line as a command.
       */
      takesPrompts?: boolean;
    };

/** Why a local agent's program ended on its own (not stopped by the person or the studio). */
export interface AgentExit {
  code: number | null;
  signal: number | null;
  at: number;
  /** How long it ran, ms. */
  ranMs: number;
  /** The last lines its terminal showed, oldest first. */
  tail: string[];
  /** What to try, in a sentence or two. */
  advice: string;
  /** Exits in a row that came soon after a start (see QUICK_EXIT_MS). */
  quickExits: number;
  /** When the studio starts it again by itself; absent when it will not. */
  restartAt?: number;
  /** It kept exiting at once, so the studio stopped restarting it. */
  gaveUp: boolean;
}

export interface Agent {
  id: number;
  name: string;
  kind: AgentKind;
  role: string;
  summary: string;
  state: AgentState;
  /** The launch folder the person set ('' for the home folder, or an agent on another machine). */
  cwd: string;
  /** Where the agent says it works (register): informational, never used to launch it. */
  reportedCwd: string;
  branch: string;
  /** Runs on another machine and connects with its own token; the studio holds no terminal for it. */
  remote: boolean;
  commander: boolean;
  /** Local agents only: what the studio launches. */
  profile: AgentProfile;
  /** Standing instructions for this agent, restored into its context after /clear. */
  rolePrompt: string;
  /** Started with the studio (a local agent the person launched and did not stop). */
  autostart: boolean;
  createdAt: number;
  /** Last authenticated MCP call or heartbeat, ms since epoch; 0 when never seen. */
  lastSeenAt: number;
  /** How its program last ended on its own; null once it ran for a while, or when it never did. */
  lastExit: AgentExit | null;
  /** Its own git worktree, made by the studio; null for an agent that works in a plain folder. */
  workspace: Workspace | null;
  /** Its wakes are held back (a spent budget, agents waking each other in a loop) until released. */
  hold: AgentHold | null;
  /** Tokens or turns an hour past which its wakes are held; null for none. */
  budget: AgentBudget | null;
  /** What its Claude Code spent, read from the session's transcript after each turn. */
  usage: AgentUsage | null;
  /** The Claude Code version its terminal last ran ('' when unknown, or not Claude Code). */
  cliVersion: string;
  /** Runs on another machine through the person's SSH; null for an agent on this one. */
  ssh: SshTarget | null;
  /** Whether it sleeps, may sleep, and after how long idle (see core/sleep/sleepKeeper.ts). */
  sleep: AgentSleep;
}

/**
 * Sleep: an idle agent's Claude Code ended to free its memory, its session kept, resumed when mail,
 * a task, a kick or the person wakes it.
 */
export interface AgentSleep {
  /** Since when it sleeps (ms since epoch); null while awake. */
  asleepSince: number | null;
  /** The person keeps it awake. */
  pinned: boolean;
  /** Minutes idle before it sleeps; null for the studio's setting. */
  idleMinutes: number | null;
}

export const AWAKE: AgentSleep = { asleepSince: null, pinned: false, idleMinutes: null };

/** What one agent costs now (core/resources). */
export interface AgentCost {
  name: string;
  asleep: boolean;
  /** Resident memory of its process tree, bytes; 0 asleep; null where the studio cannot read it. */
  memoryBytes: number | null;
  tokensLastHour: number;
  /** Tokens since it was added (its transcripts' total). */
  tokens: number;
}

/** One point of the resources view's chart: every agent's memory and token total then. */
export interface ResourceSample {
  at: number;
  agents: Array<{ name: string; memoryBytes: number; tokens: number; asleep: boolean }>;
}

/** Every agent's cost now, and a point a minute for the last hours. */
export interface ResourceReport {
  now: AgentCost[];
  history: ResourceSample[];
  /** How often memory is read, and how far apart the chart's points are. */
  sampleEveryMs: number;
  historyEveryMs: number;
}

/** The studio's sleep settings. */
export interface SleepSettings {
  /** Minutes idle, with nothing queued, before an agent sleeps. */
  idleMinutes: number;
  /** Agents awake at once at most; null for no cap. */
  awakeCap: number | null;
  /** The commander may sleep too. */
  commander: boolean;
}

/**
 * Where an agent on another machine runs: `dest` is whatever `ssh` takes (`user@host`, a Host
 * alias from ~/.ssh/config); `command` its Claude Code there ('' for `claude` on its PATH).
 */
export interface SshTarget {
  dest: string;
  command: string;
}

/**
 * What an agent's hourly write budget counts: the messages it sends, or the task changes it makes
 * (limits.ts: MAX_SENT_*_PER_HOUR, MAX_TASK_*_PER_HOUR).
 */
export const QUOTA_KINDS = ['messages', 'tasks'] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

/** Something the person should hear about wherever they are (OS, browser, webhook). */
export const ATTENTION_KINDS = [
  'permission',
  'question',
  'review',
  'done',
  'held',
  'stuck',
  'unrecognised',
  'disconnected',
  'quota',
  /** Something the person should check for their safety: a one-time link used twice. */
  'security',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export interface Attention {
  kind: AttentionKind;
  /** One short line: "bob asks permission". */
  title: string;
  /** What happened and what to do, in a sentence. */
  body: string;
  agent?: string;
  taskId?: number;
  /** Where the studio's page shows it: an address part (`#queue=@bob`), for the page and a notice's link. */
  link?: string;
  at: number;
}

/** Where the studio sends attention notices besides its own window. */
export interface NotifySettings {
  /** An http(s) URL that takes a JSON POST (Slack's incoming webhooks, ntfy, anything); null: none. */
  webhookUrl: string | null;
  /** ntfy's topic, sent in the body (for a webhook URL at an ntfy server's root). */
  webhookTopic: string | null;
}

/** How the webhook fared lately (for the settings and `ccstudio notify`). */
export interface NotifyStatus extends NotifySettings {
  lastSentAt: number | null;
  lastError: string | null;
  /** Notices waiting to be sent or retried. */
  pending: number;
}

/**
 * A browser tab let into the studio's UI: by a one-time link's code (`ccstudio open`, `serve
 * --open`) or by the link `serve` prints. Each has a token of its own (the studio keeps its hash),
 * never the UI token itself, and can be ended from the UI or the CLI.
 */
export interface TabSession {
  id: number;
  /** How it was let in: a one-time link's code, or the printed link with the UI token. */
  via: 'code' | 'token';
  /** The browser that asked for it, as it named itself (a hint, not proof). */
  userAgent: string;
  createdAt: number;
  /** When it last connected or was last seen connected. */
  lastUsedAt: number;
  /** When it stops being accepted unless used before then (idle), and at the latest (its age). */
  expiresAt: number;
  /** Connections open with it right now. */
  connections: number;
}

export interface AgentHold {
  reason: 'budget' | 'ping_pong';
  since: number;
  /** What happened, in a sentence the banner shows. */
  detail: string;
}

export interface AgentBudget {
  tokensPerHour?: number;
  turnsPerHour?: number;
}

export interface AgentUsage {
  /** Every token of every assistant message in the session (input, output and cache). */
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  /** Turns the studio saw end (Stop hooks) since it started this agent. */
  turns: number;
  /** Tokens and turns within the last hour, which a budget counts. */
  tokensLastHour: number;
  turnsLastHour: number;
  at: number;
}

/** An agent's own git worktree: a folder of its own on a branch of its own, made with `git worktree`. */
export interface Workspace {
  /** The repository's main folder (the person's checkout). */
  repo: string;
  /** The worktree's folder, which is the agent's launch folder. */
  path: string;
  /** The branch the studio made for the agent (a task may switch its worktree to a task branch). */
  branch: string;
  /** The branch its work is compared with and merged into. */
  base: string;
  /**
   * The worktree's git directory inside the repository's .git, found when the studio made it. The
   * studio's own git commands name it, never trusting the `.git` file in the agent's folder.
   */
  gitDir: string;
}

/** Files and lines, as `git diff --numstat` counts them (binary files count as files only). */
export interface ChangeCounts {
  files: number;
  added: number;
  removed: number;
}

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'untracked' | 'other';
  added: number;
  removed: number;
  binary: boolean;
  /** Changed by a commit on the branch, and/or in the working tree not yet committed. */
  committed: boolean;
  uncommitted: boolean;
}

/** What an agent's worktree holds against its base: committed on its branch, and not yet committed. */
export interface WorkspaceChanges {
  agent: string;
  path: string;
  /** The branch checked out in the worktree now ('' when detached). */
  branch: string;
  base: string;
  /** Commits on the branch that the base lacks, and on the base that the branch lacks. */
  ahead: number;
  behind: number;
  committed: ChangeCounts;
  /** Tracked changes not committed, and untracked files (not ignored ones). */
  uncommitted: ChangeCounts;
  /** Everything the branch and its working tree change against the base. */
  total: ChangeCounts;
  /** The changed files, up to MAX_CHANGED_FILES; `filesTruncated` when there are more. */
  files: FileChange[];
  filesTruncated: boolean;
  at: number;
  /** Why the changes could not be read (the worktree or its base is gone). */
  error?: string;
}

/** A unified diff in git's format, to render. */
export interface WorkspaceDiff {
  agent: string;
  branch: string;
  base: string;
  patch: string;
  /** Cut at MAX_DIFF_BYTES: the files after the cut are not in `patch`. */
  truncated: boolean;
  /** Whether `patch` includes changes not yet committed (the branch is checked out in the worktree). */
  includesUncommitted: boolean;
  /**
   * The files in `patch` with changes not committed (up to MAX_CHANGED_FILES), which a merge does
   * not take; `committedToo`: the branch's commits change the file as well. Empty unless
   * `includesUncommitted`.
   */
  uncommittedFiles: Array<{ path: string; committedToo: boolean }>;
  /** The branch's commit the diff shows: a merge given it refuses if the branch moved on since. */
  head: string;
  /** The diff starts here (the commit last reviewed), not at the base: what changed since. */
  since?: string;
  /**
   * The remote a pull request is pushed to (origin, else the first); null when the repository
   * has none, so there is no pull request to open.
   */
  remote: string | null;
}

export type MergeMode = 'fast-forward' | 'merge-commit';

export interface MergeResult {
  branch: string;
  into: string;
  mode: MergeMode;
  /** The base's new commit. */
  commit: string;
  /** The files the merge changed on the base. */
  files: string[];
  /** The task it finished: the one merged from its card, or the one whose branch was merged. */
  taskId?: number;
}

/**
 * Why a merge would be refused, by the checks the merge itself makes, in their order: changes
 * not committed where the branch is checked out, commits since the review, nothing the base
 * lacks, a fast-forward the base has moved past, a conflict, or the base's own checkout in the way.
 */
export const MERGE_REFUSALS = [
  'uncommitted',
  'reviewed',
  'merged',
  'fast-forward',
  'conflict',
  'checkout',
  /** The task's check failed, is stale, still runs or never ran: merged only when forced. */
  'check',
] as const;
export type MergeRefusal = (typeof MERGE_REFUSALS)[number];

/** What a merge would do, found by the merge's own checks with nothing landed. */
export interface MergePreview {
  branch: string;
  into: string;
  mode: MergeMode;
  /** The branch's commit the checks ran on. */
  head: string;
  /** Why the merge would be refused; null when it would land. */
  refusal: MergeRefusal | null;
  /**
   * What pressing merge does, said before it is pressed: "Merges 3 commits (2 files) into main as
   * a merge commit", or "Will be refused: ..." with what to do, or "Nothing to merge: ...".
   */
  text: string;
  /** The commits the base would get (0 when refused). */
  commits: number;
  /** The files the merge would change on the base; when refused, the files the refusal names. */
  files: string[];
  /** The task the merge finishes (or, refused as merged already, the task that is done). */
  taskId?: number;
}

export const MESSAGE_TYPES = ['text', 'task', 'result', 'question'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** How a message was addressed: one recipient, everyone, or a topic's subscribers. */
export type MessageScope = 'direct' | 'broadcast' | 'topic';

export type DeliveryState = 'queued' | 'woken' | 'read';

/**
 * How the studio announced a message to its recipient: a line typed into an idle terminal, the
 * Stop hook's answer at the end of a busy turn, a PostToolUse hook's added context mid-turn
 * (urgent mail only), the CLI's own waiter hook waking an idle session (asyncRewake), or that
 * hook as the session resumed (woken from sleep, back after a drop or a restart).
 */
export const DELIVERY_VIAS = ['typed', 'turn_end', 'mid_turn', 'rewake', 'resume'] as const;
export type DeliveryVia = (typeof DELIVERY_VIAS)[number];

/** One recipient's delivery of a message: when and how it was announced, and when it was read. */
export interface MessageDelivery {
  to: string;
  state: DeliveryState;
  via: DeliveryVia | null;
  wokenAt: number | null;
  readAt: number | null;
}

export interface Message {
  id: number;
  from: string;
  scope: MessageScope;
  type: MessageType;
  /** Recipient names for direct messages; empty for broadcast and topic. */
  to: string[];
  topic: string | null;
  body: string;
  replyTo: number | null;
  taskId: number | null;
  createdAt: number;
  /** Sent as urgent: announced to a busy recipient at its next tool call (absent when not). */
  urgent?: true;
  /** Each recipient's delivery (the person's history view only). */
  deliveries?: MessageDelivery[];
}

/** A message as one recipient sees it. */
export interface InboxItem extends Message {
  state: DeliveryState;
}

export const TASK_STATUSES = ['backlog', 'assigned', 'in_progress', 'blocked', 'review', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export interface Task {
  id: number;
  title: string;
  body: string;
  priority: TaskPriority;
  status: TaskStatus;
  assignee: string | null;
  dispatcher: string;
  blockedBy: number[];
  result: string | null;
  /** The git branch its work is on, when a worktree agent took it (ccstudio/<agent>/task-<id>-<slug>). */
  branch: string | null;
  createdAt: number;
  updatedAt: number;
}

export type TaskEventKind = 'created' | 'assigned' | 'status' | 'edited' | 'note' | 'result';

export interface TaskEvent {
  id: number;
  taskId: number;
  actor: string;
  kind: TaskEventKind;
  fromStatus: TaskStatus | null;
  toStatus: TaskStatus | null;
  note: string;
  createdAt: number;
}

export interface TaskDetail extends Task {
  events: TaskEvent[];
}

/** One line of the activity feed: a message or a task event, newest first. */
export interface ActivityItem {
  at: number;
  kind: 'message' | 'task';
  actor: string;
  text: string;
  messageId?: number;
  taskId?: number;
}

export interface StudioStatus {
  /** memoryBytes: its process tree's resident memory (see AgentCost), when the studio reads it. */
  agents: Array<Agent & { unread: number; openTasks: number; memoryBytes?: number | null }>;
  taskCounts: Record<TaskStatus, number>;
  openTasks: Task[];
  activity: ActivityItem[];
  /** The latest announced deliveries, newest first: how mail reached agents and how soon it was read. */
  deliveries: Array<MessageDelivery & { messageId: number; from: string }>;
}
