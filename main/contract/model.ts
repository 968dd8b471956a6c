// The studio's domain as it crosses process boundaries: plain data, no behaviour.

/** What an agent is doing right now. Filled by heartbeats today; by the PTY classifier and hooks later. */
export const AGENT_STATES = [
  'unknown',
  'starting',
  'idle',
  'busy',
  'waiting_permission',
  'waiting_select',
  'waiting_text',
  'exited',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

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
  | { kind: 'command'; command: string; args: string[] };

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
}

export const MESSAGE_TYPES = ['text', 'task', 'result', 'question'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** How a message was addressed: one recipient, everyone, or a topic's subscribers. */
export type MessageScope = 'direct' | 'broadcast' | 'topic';

export type DeliveryState = 'queued' | 'woken' | 'read';

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
  agents: Array<Agent & { unread: number; openTasks: number }>;
  taskCounts: Record<TaskStatus, number>;
  openTasks: Task[];
  activity: ActivityItem[];
}
