// The window's picture of the studio, kept current from the studio's events. Pure: the reducer
// is tested without a browser.
import type { TaskCheck } from '../../../main/contract/checks.js';
import type { DeskItem } from '../../../main/contract/desk.js';
import type { StudioEvent } from '../../../main/contract/events.js';
import type {
  Agent,
  Message,
  MessageDelivery,
  StudioStatus,
  Task,
  TaskEvent,
  WorkspaceChanges,
} from '../../../main/contract/model.js';
import type { FeedHistory } from '../../../main/contract/service.js';

export type AgentView = Agent & { unread: number; openTasks: number };

export interface FeedItem {
  key: string;
  at: number;
  kind: 'message' | 'task';
  actor: string;
  text: string;
  /** Everyone the line concerns (sender, recipients, assignee), for the agent filter. */
  agents: string[];
  topic: string | null;
  taskId: number | null;
  /** A message's deliveries by recipient: how each was announced, and when it was read. */
  deliveries?: Record<string, Pick<MessageDelivery, 'state' | 'via' | 'wokenAt' | 'readAt'>>;
  urgent?: boolean;
}

export interface StudioState {
  agents: AgentView[];
  tasks: Record<number, Task>;
  feed: FeedItem[];
  /** Worktree agents' changes against their base, by agent id. */
  changes: Record<number, WorkspaceChanges>;
  /** Everything that waits for the person, oldest first (the queue). */
  desk: DeskItem[];
  /** Each task's latest check run, by task id. */
  checks: Record<number, TaskCheck>;
}

/** Lines kept in the feed: a working day of a busy team, small enough to render at once. */
export const FEED_LIMIT = 500;

export const emptyState: StudioState = { agents: [], tasks: {}, feed: [], changes: {}, desk: [], checks: {} };

export function messageItem(m: Message): FeedItem {
  const to = m.scope === 'broadcast' ? 'everyone' : m.scope === 'topic' ? `#${m.topic}` : m.to.join(', ');
  return {
    key: `m${m.id}`,
    at: m.createdAt,
    kind: 'message',
    actor: m.from,
    text: `→ ${to}: ${m.body}`,
    agents: [m.from, ...m.to],
    topic: m.topic,
    taskId: m.taskId,
    ...(m.urgent ? { urgent: true } : {}),
    ...(m.deliveries?.length
      ? { deliveries: Object.fromEntries(m.deliveries.map(({ to, ...d }) => [to, d])) }
      : {}),
  };
}

/** A delivery changed: the message's feed line says how it went for that recipient. */
function withDelivery(
  feed: FeedItem[],
  name: string,
  e: Extract<StudioEvent, { type: 'delivery.changed' }>,
): FeedItem[] {
  const keys = new Set(e.messageIds.map((id) => `m${id}`));
  if (!feed.some((f) => keys.has(f.key))) return feed;
  return feed.map((f) => {
    if (!keys.has(f.key)) return f;
    const before = f.deliveries?.[name] ?? {
      state: 'queued' as const,
      via: null,
      wokenAt: null,
      readAt: null,
    };
    const next =
      e.state === 'woken'
        ? { state: e.state, via: e.via ?? null, wokenAt: e.at, readAt: null }
        : e.state === 'read'
          ? { ...before, state: e.state, readAt: e.at }
          : { state: e.state, via: null, wokenAt: null, readAt: null };
    return { ...f, deliveries: { ...f.deliveries, [name]: next } };
  });
}

export function taskItem(task: Task, e: TaskEvent): FeedItem {
  const what =
    e.kind === 'created'
      ? `created #${task.id} "${task.title}"`
      : e.kind === 'status'
        ? `moved #${task.id} to ${e.toStatus}`
        : e.kind === 'assigned'
          ? `#${task.id}: ${e.note || 'assigned'}`
          : e.kind === 'result'
            ? `result on #${task.id}`
            : `#${task.id}: ${e.note || e.kind}`;
  return {
    key: `t${e.id}`,
    at: e.createdAt,
    kind: 'task',
    actor: e.actor,
    text: e.note && e.kind !== 'assigned' && e.kind !== 'created' ? `${what} — ${e.note}` : what,
    agents: [e.actor, ...(task.assignee ? [task.assignee] : []), task.dispatcher],
    topic: null,
    taskId: task.id,
  };
}

function pushFeed(feed: FeedItem[], item: FeedItem): FeedItem[] {
  if (feed.some((f) => f.key === item.key)) return feed;
  const next = [...feed, item];
  return next.length > FEED_LIMIT ? next.slice(next.length - FEED_LIMIT) : next;
}

/**
 * The window's first picture: the studio's status, the board's tasks, and the feed's history
 * (messages and task events from the database, so the feed survives a restart of the studio).
 */
export function fromStatus(
  status: StudioStatus,
  tasks: Task[],
  history: FeedHistory,
  changes: WorkspaceChanges[] = [],
  desk: DeskItem[] = [],
  checks: TaskCheck[] = [],
): StudioState {
  const byName = new Map(status.agents.map((a) => [a.name, a.id]));
  const lines = [
    ...history.messages.map((m) => ({ order: m.createdAt, id: m.id, item: messageItem(m) })),
    ...history.taskEvents.map(({ task, event }) => ({
      order: event.createdAt,
      id: event.id,
      item: taskItem(task, event),
    })),
  ];
  return {
    agents: status.agents,
    tasks: Object.fromEntries(tasks.map((t) => [t.id, t])),
    feed: lines
      .sort((a, b) => a.order - b.order || a.id - b.id)
      .map((l) => l.item)
      .slice(-FEED_LIMIT),
    changes: Object.fromEntries(
      changes.flatMap((c) => (byName.has(c.agent) ? [[byName.get(c.agent)!, c] as const] : [])),
    ),
    desk,
    checks: Object.fromEntries(checks.map((c) => [c.taskId, c])),
  };
}

function withTask(state: StudioState, task: Task): StudioState {
  const before = state.tasks[task.id];
  const agents = state.agents.map((a) => {
    let open = a.openTasks;
    const wasOpen = before && before.status !== 'done' && before.assignee === a.name;
    const isOpen = task.status !== 'done' && task.assignee === a.name;
    if (wasOpen && !isOpen) open--;
    if (!wasOpen && isOpen) open++;
    return open === a.openTasks ? a : { ...a, openTasks: Math.max(0, open) };
  });
  return { ...state, agents, tasks: { ...state.tasks, [task.id]: task } };
}

export function applyEvent(state: StudioState, event: StudioEvent): StudioState {
  switch (event.type) {
    case 'agent.added':
      if (state.agents.some((a) => a.id === event.agent.id)) return state;
      return { ...state, agents: [...state.agents, { ...event.agent, unread: 0, openTasks: 0 }] };
    case 'agent.updated':
      return {
        ...state,
        agents: state.agents.map((a) =>
          a.id === event.agent.id ? { ...event.agent, unread: a.unread, openTasks: a.openTasks } : a,
        ),
      };
    case 'agent.removed': {
      const { [event.agentId]: _gone, ...changes } = state.changes;
      return { ...state, agents: state.agents.filter((a) => a.id !== event.agentId), changes };
    }
    case 'workspace.changed':
      return { ...state, changes: { ...state.changes, [event.agentId]: event.changes } };
    case 'message.sent': {
      const ids = new Set(event.recipients.map((r) => r.id));
      return {
        ...state,
        agents: state.agents.map((a) => (ids.has(a.id) ? { ...a, unread: a.unread + 1 } : a)),
        feed: pushFeed(state.feed, messageItem(event.message)),
      };
    }
    case 'delivery.changed': {
      const name = state.agents.find((a) => a.id === event.agentId)?.name;
      const feed = name ? withDelivery(state.feed, name, event) : state.feed;
      if (event.state !== 'read') return { ...state, feed };
      return {
        ...state,
        feed,
        agents: state.agents.map((a) =>
          a.id === event.agentId ? { ...a, unread: Math.max(0, a.unread - event.messageIds.length) } : a,
        ),
      };
    }
    case 'task.created':
    case 'task.updated': {
      const next = withTask(state, event.task);
      return { ...next, feed: pushFeed(next.feed, taskItem(event.task, event.event)) };
    }
    case 'desk.changed':
      return { ...state, desk: keepUnchanged(state.desk, event.items) };
    case 'check.changed':
      return { ...state, checks: { ...state.checks, [event.check.taskId]: event.check } };
    case 'topic.subscription':
    case 'quota.refused':
    case 'attention':
    case 'tabs.changed':
    case 'tabs.linkReplayed':
      return state;
  }
}

/**
 * The queue as it now is, each item that did not change kept as the same object: its row is then
 * not drawn again (an update of two hundred items draws the one that moved).
 */
export function keepUnchanged(before: readonly DeskItem[], after: DeskItem[]): DeskItem[] {
  const old = new Map(before.map((i) => [i.id, i]));
  return after.map((i) => {
    const prev = old.get(i.id);
    return prev && JSON.stringify(prev) === JSON.stringify(i) ? prev : i;
  });
}

/** Agents with a terminal tile: local agents, commander first, then in the order they were added. */
export function tileAgents(agents: readonly AgentView[]): AgentView[] {
  return agents
    .filter((a) => a.kind === 'agent' && !a.remote)
    .sort((a, b) => Number(b.commander) - Number(a.commander) || a.id - b.id);
}

export function filterFeed(
  feed: readonly FeedItem[],
  filter: { agent?: string; topic?: string },
): FeedItem[] {
  return feed.filter(
    (f) =>
      (!filter.agent || f.agents.includes(filter.agent)) &&
      (!filter.topic || (f.topic ?? '').toLowerCase() === filter.topic.replace(/^#/, '').toLowerCase()),
  );
}

export const STATE_LABELS: Record<Agent['state'], string> = {
  unknown: 'not running',
  starting: 'starting',
  idle: 'idle',
  busy: 'busy',
  waiting_permission: 'asks permission',
  waiting_select: 'asks you',
  waiting_text: 'asks you',
  waiting_shell: 'waiting for a shell',
  waiting_trust: 'trust this folder?',
  waiting_login: 'not logged in',
  stuck: 'stuck',
  unrecognised: 'unrecognised screen',
  reconnecting: 'reconnecting',
  exited: 'exited',
  asleep: 'asleep',
};

/** The agent with this name, if there is one. */
export const agentNamed = (state: Pick<StudioState, 'agents'>, name: string | null | undefined) =>
  state.agents.find((a) => a.name === name);

/** A card's work: its assignee's changes while its worktree has the card's branch checked out. */
export function taskChanges(
  state: Pick<StudioState, 'agents' | 'changes'>,
  task: Task,
): WorkspaceChanges | undefined {
  const agent = task.assignee ? agentNamed(state, task.assignee) : undefined;
  const changes = agent ? state.changes[agent.id] : undefined;
  return changes && task.branch && changes.branch === task.branch ? changes : undefined;
}
