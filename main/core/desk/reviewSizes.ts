// How big each task in review is (files, lines added and removed on its branch), for its item in
// the queue. Counted off the desk's own path: git runs when a task reaches review and again when
// its agent's worktree changes; the desk reads the last count and hears when one changes.
import type { StudioEvent } from '../../contract/events.js';
import type { Agent, ChangeCounts, Task } from '../../contract/model.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';

export interface ReviewSizesDeps {
  board: { list(query: { status: 'review' }): Task[] };
  agents: { get(name: string): Agent | undefined };
  /** The branch's commits since its base, counted (Workspaces.branchCounts). */
  counts(agent: Agent, branch: string): Promise<ChangeCounts>;
  events: Emitter<StudioEvent>;
  /** A count changed: the desk lists its items again. */
  onChange(): void;
  logger: Logger;
}

export class ReviewSizes {
  private readonly sizes = new Map<number, ChangeCounts>();
  /** Counts under way by task; a second request while one runs counts once more after it. */
  private readonly counting = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  private readonly store = new DisposableStore();
  /** Ended with the desk: a count still under way settles into nothing, and none starts again. */
  private disposed = false;

  constructor(private readonly deps: ReviewSizesDeps) {
    this.store.add(deps.events.on((e) => this.observe(e)));
    for (const task of deps.board.list({ status: 'review' })) this.count(task);
  }

  /** The task's last count, if it has one. */
  size(taskId: number): ChangeCounts | undefined {
    return this.sizes.get(taskId);
  }

  dispose(): void {
    this.disposed = true;
    this.store.dispose();
  }

  private observe(e: StudioEvent): void {
    if (e.type === 'task.updated') {
      if (e.task.status === 'review') {
        if (e.event.fromStatus !== 'review') this.count(e.task);
      } else this.sizes.delete(e.task.id);
    }
    if (e.type === 'workspace.changed')
      for (const task of this.deps.board.list({ status: 'review' }))
        if (task.assignee === e.changes.agent) this.count(task);
  }

  private count(task: Task): void {
    const agent = task.assignee ? this.deps.agents.get(task.assignee) : undefined;
    if (this.disposed || !agent?.workspace || !task.branch) return;
    if (this.counting.has(task.id)) return void this.again.add(task.id);
    const branch = task.branch;
    const run = this.deps
      .counts(agent, branch)
      .then((counts) => this.settle(task.id, counts))
      .catch((err: Error) =>
        this.deps.logger.warn('review size not counted', { taskId: task.id, err: err.message }),
      )
      .finally(() => {
        this.counting.delete(task.id);
        if (this.again.delete(task.id)) this.count(task);
      });
    this.counting.set(task.id, run);
  }

  private settle(taskId: number, counts: ChangeCounts): void {
    // Out of review meanwhile (merged, sent back): its count is no longer wanted.
    if (this.disposed || !this.deps.board.list({ status: 'review' }).some((t) => t.id === taskId)) return;
    const last = this.sizes.get(taskId);
    if (last && last.files === counts.files && last.added === counts.added && last.removed === counts.removed)
      return;
    this.sizes.set(taskId, counts);
    this.deps.onChange();
  }
}
