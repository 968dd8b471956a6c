// A task's and a task event's rows as SQLite holds them, the one query shape a task is read with
// (its blockers gathered from task_blockers), and the one mapping of each row to the contract's
// shape. A row holds agents' ids; their names come from the caller.
import { StudioError } from '../../contract/errors.js';
import type { Task, TaskEvent, TaskEventKind, TaskPriority, TaskStatus } from '../../contract/model.js';
import type { Db } from '../store/database.js';

export interface TaskRow {
  id: number;
  title: string;
  body: string;
  priority: TaskPriority;
  status: TaskStatus;
  assignee_id: number | null;
  dispatcher_id: number;
  result: string | null;
  branch: string | null;
  created_at: number;
  updated_at: number;
  /** The blockers' ids, comma-separated (TASK_SELECT). */
  blockers: string | null;
}

export interface EventRow {
  id: number;
  task_id: number;
  actor_id: number;
  kind: TaskEventKind;
  from_status: TaskStatus | null;
  to_status: TaskStatus | null;
  note: string;
  created_at: number;
}

/** Every read of whole tasks starts here: a task's row with its blockers. Alias `t`; add WHERE, ORDER. */
export const TASK_SELECT = `SELECT t.*, (SELECT group_concat(b.blocker_id) FROM task_blockers b WHERE b.task_id = t.id) AS blockers FROM tasks t`;

/** An agent's name by its id, removed agents' too (AgentRegistry.nameOf). */
export type NameOf = (id: number) => string;

/** The ids of the tasks `r` waits on, in order. */
export function blockersOf(r: Pick<TaskRow, 'blockers'>): number[] {
  return r.blockers
    ? r.blockers
        .split(',')
        .map(Number)
        .sort((a, b) => a - b)
    : [];
}

export function toTask(r: TaskRow, nameOf: NameOf): Task {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    priority: r.priority,
    status: r.status,
    assignee: r.assignee_id === null ? null : nameOf(r.assignee_id),
    dispatcher: nameOf(r.dispatcher_id),
    blockedBy: blockersOf(r),
    result: r.result,
    branch: r.branch ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toEvent(r: EventRow, nameOf: NameOf): TaskEvent {
  return {
    id: r.id,
    taskId: r.task_id,
    actor: nameOf(r.actor_id),
    kind: r.kind,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    note: r.note,
    createdAt: r.created_at,
  };
}

/** One task's row by its id. */
export class TaskRows {
  private readonly byId;

  constructor(db: Db) {
    this.byId = db.prepare(`${TASK_SELECT} WHERE t.id = ?`);
  }

  /** The row of task `id`; anything that is not a task's id is not_found. */
  row(id: unknown): TaskRow {
    const row = Number.isInteger(id) ? (this.byId.get(id) as TaskRow | undefined) : undefined;
    if (!row) throw new StudioError('not_found', `No task #${String(id)}.`, 'task');
    return row;
  }
}
