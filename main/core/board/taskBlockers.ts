// Which tasks wait on which (task_blockers): a list of blockers checked (task ids that exist, at
// most MAX_BLOCKERS, never the task itself, no chain leading back to it), written with its task,
// and which waiting tasks a finished one frees.
import { StudioError } from '../../contract/errors.js';
import { MAX_BLOCKERS } from '../../contract/limits.js';
import type { Db } from '../store/database.js';
import { blockersOf, type TaskRow, type TaskRows } from './taskRows.js';

/**
 * Whether making `taskId` wait on `blockers` would close a loop: some blocker waits, through any
 * chain of `waitsOn`, on `taskId` itself.
 */
export function leadsBack(
  taskId: number,
  blockers: readonly number[],
  waitsOn: (id: number) => number[],
): boolean {
  const seen = new Set<number>();
  const stack = [...blockers];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === taskId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...waitsOn(id));
  }
  return false;
}

export class TaskBlockers {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly rows: TaskRows,
  ) {
    this.stmts = {
      insert: db.prepare('INSERT INTO task_blockers (task_id, blocker_id) VALUES (?, ?)'),
      clear: db.prepare('DELETE FROM task_blockers WHERE task_id = ?'),
      waiting: db.prepare('SELECT task_id FROM task_blockers WHERE blocker_id = ?'),
      openBlockers: db.prepare(
        `SELECT count(*) AS n FROM task_blockers b JOIN tasks t ON t.id = b.blocker_id WHERE b.task_id = ? AND t.status <> 'done'`,
      ),
    };
  }

  /** The blockers a caller gave for task `taskId` (null: a task not made yet), checked; without repeats. */
  check(taskId: number | null, blockedBy: unknown): number[] {
    if (!Array.isArray(blockedBy)) throw new StudioError('invalid', 'blocked_by is a list of task ids.');
    if (blockedBy.length > MAX_BLOCKERS)
      throw new StudioError('invalid', `At most ${MAX_BLOCKERS} blockers.`);
    const ids = [...new Set(blockedBy)];
    for (const id of ids) {
      if (!Number.isInteger(id)) throw new StudioError('invalid', 'blocked_by is a list of task ids.');
      if (id === taskId) throw new StudioError('invalid', `Task #${taskId} cannot block itself.`);
      this.rows.row(id);
    }
    if (taskId !== null && leadsBack(taskId, ids as number[], (id) => blockersOf(this.rows.row(id)))) {
      throw new StudioError('invalid', `That would make task #${taskId} block itself through a chain.`);
    }
    return ids as number[];
  }

  /** Task `taskId` waits on these (more); inside the caller's transaction. */
  add(taskId: number, blockers: readonly number[]): void {
    for (const b of blockers) this.stmts.insert.run(taskId, b);
  }

  /** Task `taskId` waits on these, and no others; inside the caller's transaction. */
  replace(taskId: number, blockers: readonly number[]): void {
    this.stmts.clear.run(taskId);
    this.add(taskId, blockers);
  }

  /**
   * The tasks that waited on `doneId` and, now it is done, wait on nothing: those not done and
   * assigned to someone, whose owner should hear it.
   */
  freedBy(doneId: number): Array<TaskRow & { assignee_id: number }> {
    const waiting = this.stmts.waiting.all(doneId) as Array<{ task_id: number }>;
    return waiting
      .map(({ task_id }) => this.rows.row(task_id))
      .filter(
        (t): t is TaskRow & { assignee_id: number } =>
          t.status !== 'done' &&
          t.assignee_id !== null &&
          (this.stmts.openBlockers.get(t.id) as { n: number }).n === 0,
      );
  }
}
