// Shapes tool answers for the model: compact, no nulls, times as ISO strings.
import type { Agent, Message, Task, TaskDetail } from '../../main/contract/model.js';

/** An agent heard from within this window counts as online. */
export const ONLINE_WINDOW_MS = 5 * 60_000;

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length),
    ),
  ) as Partial<T>;
}

export function iso(ms: number): string | undefined {
  return ms ? new Date(ms).toISOString() : undefined;
}

export function formatMessage(m: Message): Record<string, unknown> {
  return compact({
    id: m.id,
    from: m.from,
    to: m.scope === 'direct' ? m.to.join(',') : m.scope === 'broadcast' ? '*' : undefined,
    topic: m.topic,
    type: m.type === 'text' ? undefined : m.type,
    reply_to: m.replyTo,
    task_id: m.taskId,
    at: iso(m.createdAt),
    text: m.body,
  });
}

export function formatPeer(
  a: Agent,
  now: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return compact({
    name: a.name,
    kind: a.kind === 'person' ? 'person' : undefined,
    commander: a.commander || undefined,
    role: a.role,
    summary: a.summary,
    state: a.kind === 'person' ? undefined : a.state,
    online: a.kind === 'person' ? undefined : a.lastSeenAt > 0 && now - a.lastSeenAt < ONLINE_WINDOW_MS,
    cwd: a.cwd || a.reportedCwd,
    branch: a.branch,
    remote: a.remote || undefined,
    last_seen: iso(a.lastSeenAt),
    ...extra,
  });
}

export function formatTask(t: Task, withBody = false): Record<string, unknown> {
  return compact({
    id: t.id,
    title: t.title,
    status: t.status,
    priority: t.priority,
    assignee: t.assignee,
    dispatcher: t.dispatcher,
    blocked_by: t.blockedBy,
    body: withBody ? t.body : undefined,
    result: t.result,
    updated: iso(t.updatedAt),
  });
}

export function formatTaskDetail(t: TaskDetail): Record<string, unknown> {
  return {
    ...formatTask(t, true),
    history: t.events.map((e) =>
      compact({
        at: iso(e.createdAt),
        by: e.actor,
        kind: e.kind,
        from: e.fromStatus,
        to: e.toStatus,
        note: e.note,
      }),
    ),
  };
}
