// Shapes tool answers for the model: compact, no nulls, times as ISO strings, and within
// MAX_ANSWER_BYTES (a model's context is the budget that matters).
import { MAX_ANSWER_BYTES } from '../../../main/contract/limits.js';
import type { Agent, Message, Task, TaskDetail } from '../../../main/contract/model.js';
import { byUrgency, type TaskCursor } from '../../../main/core/board/taskBoard.js';
import { fitBytes } from '../../../main/core/util/fitBytes.js';

/** How much of MAX_ANSWER_BYTES a list may fill (the rest is the answer's own frame). */
const LIST_BYTES = MAX_ANSWER_BYTES - 4096;

/** The leading items of a list that fit in one answer (always the first). */
export function fitAnswer<T>(items: T[], budget = LIST_BYTES): T[] {
  return fitBytes(items, (i) => Buffer.byteLength(JSON.stringify(i), 'utf8'), budget);
}

/** Where the next page of a task list starts, as a tool answers it (`next`) and takes it back (`after`). */
export const TASK_CURSOR_PATTERN = /^(\d{1,16})-(\d{1,16})$/;

export function formatTaskCursor(c: TaskCursor): string {
  return `${c.updatedAt}-${c.id}`;
}

export function parseTaskCursor(s: string): TaskCursor {
  const m = TASK_CURSOR_PATTERN.exec(s);
  return { updatedAt: Number(m?.[1]), id: Number(m?.[2]) };
}

/**
 * A page of tasks (most recently updated first) as one answer: what fits, shown urgent first, and
 * where the next page starts when there is more (after the last that fitted).
 */
export function fitTaskPage(
  page: { tasks: Task[]; next?: TaskCursor },
  format: (t: Task) => Record<string, unknown>,
  budget = LIST_BYTES,
): { tasks: Array<Record<string, unknown>>; next?: string } {
  const kept = page.tasks.slice(0, fitAnswer(page.tasks.map(format), budget).length);
  const last = kept.at(-1);
  const next =
    kept.length < page.tasks.length && last ? { updatedAt: last.updatedAt, id: last.id } : page.next;
  return { tasks: byUrgency(kept).map(format), ...(next ? { next: formatTaskCursor(next) } : {}) };
}

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
    branch: t.branch ?? undefined,
    updated: iso(t.updatedAt),
  });
}

export function formatTaskDetail(t: TaskDetail): Record<string, unknown> {
  const task = formatTask(t, true);
  const events = t.events.map((e) =>
    compact({
      at: iso(e.createdAt),
      by: e.actor,
      kind: e.kind,
      from: e.fromStatus,
      to: e.toStatus,
      note: e.note,
    }),
  );
  // A long history keeps its newest entries: what fits beside the body and result.
  const room = LIST_BYTES - Buffer.byteLength(JSON.stringify(task), 'utf8');
  const kept = fitAnswer([...events].reverse(), Math.max(room, 0)).reverse();
  return {
    ...task,
    history: kept,
    ...(kept.length < events.length ? { older_history_left_out: events.length - kept.length } : {}),
  };
}
