// A task's history (task_events): the lines a change writes, each with what it stored for the
// actor's budget, read back for a task's detail, the feed and the recent activity list.
import type { ActivityItem, Agent, TaskEvent, TaskEventKind, TaskStatus } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { UpdatePlan } from './taskChange.js';
import { toEvent, type EventRow, type NameOf } from './taskRows.js';

/** How much of a result the task's history line quotes; the task keeps the whole of it. */
const RESULT_IN_HISTORY_CHARS = 500;
/** How much of a note the activity list quotes. */
const NOTE_IN_ACTIVITY_CHARS = 100;

/** A history line as the activity list says it, after "task #N". */
export function activityText(e: TaskEvent): string {
  if (e.kind === 'created') return `created${e.note ? ' (' + e.note + ')' : ''}`;
  if (e.kind === 'status') return `${e.fromStatus} → ${e.toStatus}${e.note ? ' (' + e.note + ')' : ''}`;
  return `${e.kind}${e.note ? ': ' + e.note.slice(0, NOTE_IN_ACTIVITY_CHARS) : ''}`;
}

export class TaskHistory {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly deps: { nameOf: NameOf; clock: Clock },
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO task_events (task_id, actor_id, kind, from_status, to_status, note, created_at, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      ofTask: db.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY id'),
      byId: db.prepare('SELECT * FROM task_events WHERE id = ?'),
      recent: db.prepare('SELECT * FROM task_events ORDER BY id DESC LIMIT ?'),
    };
  }

  /** A line of the task's history; `stored` is what its change wrote (counted for the actor's budget). */
  add(
    taskId: number,
    actor: Agent,
    kind: TaskEventKind,
    from: TaskStatus | null,
    to: TaskStatus | null,
    note: string,
    stored = 0,
  ): number {
    const now = this.deps.clock.now();
    return Number(this.stmts.insert.run(taskId, actor.id, kind, from, to, note, now, stored).lastInsertRowid);
  }

  /**
   * The change's lines in the task's history; returns their ids, to announce after commit. The
   * first carries what the change stored (the actor's budget counts it once).
   */
  addChange(actor: Agent, plan: UpdatePlan): number[] {
    const ids: number[] = [];
    const { id, before, nextStatus, note } = plan;
    const add = (kind: TaskEventKind, from: TaskStatus | null, to: TaskStatus | null, text: string) =>
      ids.push(this.add(id, actor, kind, from, to, text, ids.length ? 0 : plan.bytes));
    if (plan.assignee !== undefined) {
      const text = plan.assignee ? `assigned to ${plan.assignee.name}` : 'unassigned';
      add('assigned', before.status, nextStatus, text);
    } else if (plan.statusChanged) {
      add('status', before.status, nextStatus, note);
    }
    if (plan.edited) add('edited', null, null, '');
    if (plan.result !== undefined) add('result', null, null, plan.result.slice(0, RESULT_IN_HISTORY_CHARS));
    if (note && !plan.statusChanged) add('note', null, null, note);
    return ids;
  }

  byId(id: number): TaskEvent {
    return toEvent(this.stmts.byId.get(id) as EventRow, this.deps.nameOf);
  }

  of(taskId: number): TaskEvent[] {
    return (this.stmts.ofTask.all(taskId) as EventRow[]).map((r) => toEvent(r, this.deps.nameOf));
  }

  /** The last `limit` lines of every task's history, newest first. */
  recent(limit: number): TaskEvent[] {
    return (this.stmts.recent.all(limit) as EventRow[]).map((r) => toEvent(r, this.deps.nameOf));
  }

  recentActivity(limit: number): ActivityItem[] {
    return this.recent(limit).map((e) => ({
      at: e.createdAt,
      kind: 'task' as const,
      actor: e.actor,
      taskId: e.taskId,
      text: `task #${e.taskId} ${activityText(e)}`,
    }));
  }
}
