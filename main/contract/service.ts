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
