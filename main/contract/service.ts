import type { Disposable, StudioEvent } from './events.js';
import type {
  Agent,
  AgentProfile,
  InboxItem,
  Message,
  MessageType,
  StudioStatus,
  Task,
  TaskDetail,
  TaskPriority,
  TaskStatus,
} from './model.js';

export interface AddAgentInput {
  name: string;
  role?: string;
  summary?: string;
  cwd?: string;
  remote?: boolean;
  commander?: boolean;
  /** Local agents: what to run (Claude Code by default). */
  profile?: AgentProfile;
  rolePrompt?: string;
}

export interface AddedAgent {
  agent: Agent;
  /** Shown once: the studio keeps only its hash. */
  token: string;
  mcpUrl: string;
}

export interface SendInput {
  to: string;
  body: string;
  type?: MessageType;
  replyTo?: number;
}

export interface HistoryQuery {
  /** Conversation with this agent (direct messages both ways). */
  with?: string;
  topic?: string;
  limit?: number;
  beforeId?: number;
}

export interface TaskQuery {
  status?: TaskStatus;
  assignee?: string;
  limit?: number;
}

export interface CreateTaskInput {
  title: string;
  body?: string;
  priority?: TaskPriority;
  assignee?: string;
  blockedBy?: number[];
}

export interface UpdateTaskInput {
  id: number;
  status?: TaskStatus;
  assignee?: string | null;
  title?: string;
  body?: string;
  priority?: TaskPriority;
  blockedBy?: number[];
  result?: string;
  note?: string;
}

/**
 * What the person (UI or CLI) can do with a studio. One interface, served over IPC, WebSocket,
 * HTTP and an in-memory pair; a new feature adds a method here, never a new channel.
 */
export interface StudioService {
  status(): Promise<StudioStatus>;
  listAgents(): Promise<Agent[]>;
  addAgent(input: AddAgentInput): Promise<AddedAgent>;
  removeAgent(name: string): Promise<void>;
  /** Sent as the person. */
  sendMessage(input: SendInput): Promise<Message>;
  broadcast(body: string): Promise<Message>;
  history(query: HistoryQuery): Promise<Message[]>;
  /** The person's own unread mail, marked read. */
  personInbox(): Promise<InboxItem[]>;
  listTasks(query: TaskQuery): Promise<Task[]>;
  getTask(id: number): Promise<TaskDetail>;
  createTask(input: CreateTaskInput): Promise<Task>;
  updateTask(input: UpdateTaskInput): Promise<Task>;
  /** Starts a local agent's terminal (Claude Code or its command). */
  startAgent(name: string): Promise<Agent>;
  /** Stops it; it will not come back with the studio until started again. */
  stopAgent(name: string): Promise<void>;
  restartAgent(name: string): Promise<Agent>;
  /** The agent's screen as text. */
  readScreen(name: string): Promise<string>;
  /** Types a wake prompt now if the agent is idle. */
  kickAgent(name: string): Promise<void>;
  /** Keys into an agent's open menu (digits, enter, esc, arrows), as the person. */
  sendKeys(name: string, keys: string[]): Promise<void>;
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

export const TERMINAL_METHODS = [
  'attachTerminal',
  'detachTerminal',
  'terminalInput',
  'resizeTerminal',
] as const satisfies ReadonlyArray<
  Exclude<keyof StudioTerminals, 'onDidOutput' | 'ackOutput' | 'setVisible'>
>;
export type TerminalMethod = (typeof TERMINAL_METHODS)[number];

/** Method names a remote pipe may call; anything else is refused before dispatch. */
export const STUDIO_SERVICE_METHODS = [
  'status',
  'listAgents',
  'addAgent',
  'removeAgent',
  'sendMessage',
  'broadcast',
  'history',
  'personInbox',
  'listTasks',
  'getTask',
  'createTask',
  'updateTask',
  'startAgent',
  'stopAgent',
  'restartAgent',
  'readScreen',
  'kickAgent',
  'sendKeys',
] as const satisfies ReadonlyArray<Exclude<keyof StudioService, 'onDidEvent'>>;
export type StudioServiceMethod = (typeof STUDIO_SERVICE_METHODS)[number];
