// Reading the board: a page of tasks from the index of its filter, and the counts the studio's
// status shows (tasks per status, open tasks per agent). Nothing here writes.
import { TASK_STATUSES, type Task, type TaskPriority, type TaskStatus } from '../../contract/model.js';
import { MAX_PAGE_ITEMS } from '../../contract/limits.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Db } from '../store/database.js';
import { clampPageLimit } from '../util/pageLimit.js';
import { checkEnum } from './taskInputs.js';
import { TASK_SELECT, toTask, type TaskRow } from './taskRows.js';

const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Where a page of tasks ends: the next page starts after it (most recently updated first). */
export interface TaskCursor {
  updatedAt: number;
  id: number;
}

export interface TaskListQuery {
  status?: TaskStatus;
  assignee?: string;
  dispatcher?: string;
  limit?: number;
  /** Tasks not done (ignored with status). */
  open?: boolean;
  after?: TaskCursor;
}

/** Urgent first, then the most recently updated: how a page of tasks is shown. */
export function byUrgency(tasks: Task[]): Task[] {
  return [...tasks].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.updatedAt - a.updatedAt,
  );
}

export class TaskQueries {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly agents: Pick<AgentRegistry, 'require' | 'nameOf'>,
  ) {
    this.stmts = {
      // Each status counted in its own range of tasks_status, never by reading every task.
      counts: db.prepare(
        `SELECT status, count(*) AS n FROM tasks WHERE status IN (${TASK_STATUSES.map((st) => `'${st}'`).join(', ')}) GROUP BY status`,
      ),
      openForAgent: db.prepare(
        `SELECT assignee_id, count(*) AS n FROM tasks INDEXED BY tasks_open_assignee
         WHERE status <> 'done' AND assignee_id IS NOT NULL GROUP BY assignee_id`,
      ),
      openOf: db.prepare(
        `SELECT count(*) AS n FROM tasks INDEXED BY tasks_open_assignee
         WHERE assignee_id = ? AND status <> 'done' AND assignee_id IS NOT NULL`,
      ),
      heldBy: db.prepare(
        `SELECT id FROM tasks INDEXED BY tasks_open_assignee
         WHERE assignee_id = ? AND status <> 'done' AND assignee_id IS NOT NULL`,
      ),
    };
  }

  /**
   * A page of tasks, most recently updated first, read in that order from the index of its filter
   * (tasks_updated, tasks_open, tasks_status, tasks_assignee, tasks_dispatcher): never every task
   * and its body, to sort them. `next` is where the following page starts, when there may be one.
   */
  page(query: TaskListQuery = {}): { tasks: Task[]; next?: TaskCursor } {
    const { where, params } = this.filter(query);
    const limit = clampPageLimit(query.limit, MAX_PAGE_ITEMS);
    // One more than the page: whether there is a next one.
    params.limit = limit + 1;
    const sql = `${TASK_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.updated_at DESC, t.id DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all(params) as TaskRow[];
    const tasks = rows.slice(0, limit).map((r) => toTask(r, (id) => this.agents.nameOf(id)));
    const last = tasks.at(-1);
    return rows.length > limit && last
      ? { tasks, next: { updatedAt: last.updatedAt, id: last.id } }
      : { tasks };
  }

  /** The query's conditions, its names resolved and its status checked. */
  private filter(query: TaskListQuery): { where: string[]; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.status !== undefined) {
      params.status = checkEnum('status', query.status, TASK_STATUSES);
      where.push('t.status = @status');
    } else if (query.open) {
      where.push("t.status <> 'done'");
    }
    if (query.assignee !== undefined) {
      params.assignee = this.agents.require(query.assignee).id;
      where.push('t.assignee_id = @assignee');
    }
    if (query.dispatcher !== undefined) {
      params.dispatcher = this.agents.require(query.dispatcher).id;
      where.push('t.dispatcher_id = @dispatcher');
    }
    if (query.after !== undefined) {
      Object.assign(params, { afterAt: query.after.updatedAt, afterId: query.after.id });
      where.push('(t.updated_at, t.id) < (@afterAt, @afterId)');
    }
    return { where, params };
  }

  /** Tasks assigned to the agent that are not done. */
  openCount(agentId: number): number {
    return (this.stmts.openOf.get(agentId) as { n: number }).n;
  }

  counts(): Record<TaskStatus, number> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const r of this.stmts.counts.all() as Array<{ status: TaskStatus; n: number }>)
      counts[r.status] = r.n;
    return counts;
  }

  openCounts(): Map<number, number> {
    const rows = this.stmts.openForAgent.all() as Array<{ assignee_id: number; n: number }>;
    return new Map(rows.map((r) => [r.assignee_id, r.n]));
  }

  /** The ids of the tasks the agent holds that are not done. */
  heldBy(agentId: number): number[] {
    return (this.stmts.heldBy.all(agentId) as Array<{ id: number }>).map((r) => r.id);
  }
}
