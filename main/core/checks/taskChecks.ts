// Checks before merge: each repository's check runs on a task's branch when the task reaches
// review, again when its branch moves while in review, and when asked; one or two at a time at
// low priority, with a time limit, never in the person's checkout. A merge of a task whose check
// failed, is stale, still runs or never ran is refused unless the person forces it.
import { checkRefusal, type CheckStatus, type RepoCheck, type TaskCheck } from '../../contract/checks.js';
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import type { Agent, Task } from '../../contract/model.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import type { CheckOutcome } from './checkProcess.js';
import type { CheckStore } from './checkStore.js';

/** Checks running at once: this machine has two cores, and the agents need them too. */
export const CHECKS_AT_ONCE = 2;
/** A check still running after this long is stopped and counts as failed. */
export const CHECK_TIME_LIMIT_MS = 20 * 60_000;

/** Where a task's check runs, and how: the seam to git and to the machine its agent is on. */
export interface CheckPlace {
  /** The repository's key: its folder here, `host:folder` on an SSH agent's machine. */
  repoKey(agent: Agent): string;
  /** The task branch's commit now. */
  head(agent: Agent, branch: string): Promise<string>;
  /** Runs the command on the branch at `head`: in the agent's worktree, or one made for the run. */
  run(
    agent: Agent,
    branch: string,
    head: string,
    command: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<CheckOutcome>;
}

export interface TaskChecksDeps {
  store: CheckStore;
  board: { get(id: number): Task; list(query: { status: 'review' }): Task[] };
  agents: { get(name: string): Agent | undefined };
  place: CheckPlace;
  events: Emitter<StudioEvent>;
  clock: Clock;
  logger: Logger;
  timeLimitMs?: number;
}

export class TaskChecks {
  private readonly store = new DisposableStore();
  private readonly waiting: number[] = [];
  private running = 0;
  /** Runs under way, by task: a second request for one waits for it. */
  private readonly active = new Map<number, Promise<void>>();
  /** Who waits for a task's next run to finish (runNow): told when a run that starts after them ends. */
  private readonly waiters = new Map<number, Array<() => void>>();
  private disposed = false;
  /** Ends every run under way when the studio closes (their process groups are killed). */
  private readonly stopRuns = new AbortController();

  constructor(private readonly deps: TaskChecksDeps) {
    this.store.add(deps.events.on((e) => this.observe(e)));
    // Runs the last studio stopped with begin again.
    for (const run of deps.store.unfinished()) this.request(run.taskId);
  }

  repos(): RepoCheck[] {
    return this.deps.store.repos();
  }

  /** A task's latest run, as stored. */
  run(taskId: number): TaskCheck | null {
    return this.deps.store.run(taskId);
  }

  /** Every task's latest run, as stored (the window's cards start from these). */
  runs(): TaskCheck[] {
    return this.deps.store.runs();
  }

  /** Sets (null: removes) a repository's check; tasks in review there run it now. */
  setCommand(repoKey: string, command: string | null): RepoCheck[] {
    this.deps.store.setCommand(repoKey, command, this.deps.clock.now());
    if (command)
      for (const task of this.deps.board.list({ status: 'review' }))
        if (this.target(task)?.repo === repoKey) this.request(task.id);
    return this.repos();
  }

  /** A task's check as it stands: its latest run, stale when the branch moved since. */
  async status(taskId: number): Promise<CheckStatus> {
    const task = this.deps.board.get(taskId);
    const target = this.target(task);
    const command = target ? this.deps.store.command(target.repo) : '';
    const run = this.deps.store.run(taskId);
    if (!target || !command || !run) return { taskId, command, state: 'none', run };
    const head = await this.deps.place.head(target.agent, target.branch).catch(() => undefined);
    // Run on another commit, or with a command the person has changed since: it says nothing now.
    const stale =
      run.state !== 'queued' &&
      run.state !== 'running' &&
      ((head !== undefined && head !== run.head) || run.command !== command);
    return { taskId, command, state: stale ? 'stale' : run.state, run, ...(head ? { head } : {}) };
  }

  /** Runs it now (again); resolves with its status once that run has finished. */
  async runNow(taskId: number): Promise<CheckStatus> {
    const task = this.deps.board.get(taskId);
    const target = this.target(task);
    if (!target)
      throw new StudioError(
        'invalid',
        `Task #${taskId} has no branch of its own to check (no worktree agent took it).`,
      );
    if (!this.deps.store.command(target.repo))
      throw new StudioError(
        'invalid',
        `${target.repo} has no check: set one with \`ccstudio checks set --repo ${target.repo} CMD\`.`,
      );
    await new Promise<void>((done) => this.request(taskId, done));
    return this.status(taskId);
  }

  /**
   * What a merge of the task must satisfy: its check passed on the commit that would merge. Returns
   * that commit (the merge then refuses if the branch moves), or throws why not; `force` lets it by.
   */
  async gate(task: Task, force: boolean): Promise<string | undefined> {
    if (force) return undefined;
    const status = await this.status(task.id);
    const refusal = checkRefusal(status);
    if (!refusal) return status.state === 'passed' ? status.run?.head : undefined;
    const last = status.run?.tail.slice(-5).join('\n');
    throw new StudioError(
      'conflict',
      `Task #${task.id} is not merged: ${refusal}.${status.state === 'failed' && last ? `\n${last}\n` : ' '}` +
        'Send it back, run the check again (`ccstudio task checks ' +
        `${task.id} --run\`), or merge anyway with --force.`,
    );
  }

  dispose(): void {
    this.disposed = true;
    this.stopRuns.abort();
    this.store.dispose();
    for (const list of this.waiters.values()) for (const done of list) done();
    this.waiters.clear();
  }

  /** A task newly in review runs its check; so does one whose branch moved while in review. */
  private observe(e: StudioEvent): void {
    if (e.type === 'task.updated' && e.task.status === 'review' && e.event.fromStatus !== 'review')
      this.request(e.task.id);
    if (e.type === 'workspace.changed') void this.branchMoved(e.changes.agent);
  }

  private async branchMoved(agentName: string): Promise<void> {
    for (const task of this.deps.board.list({ status: 'review' })) {
      if (task.assignee !== agentName || this.active.has(task.id)) continue;
      const status = await this.status(task.id).catch(() => undefined);
      if (status?.state === 'stale') this.request(task.id);
    }
  }

  /** The task's agent, branch and repository, when it has a branch of its own in a worktree. */
  private target(task: Task): { agent: Agent; branch: string; repo: string } | undefined {
    const agent = task.assignee ? this.deps.agents.get(task.assignee) : undefined;
    if (!agent?.workspace || !task.branch) return undefined;
    return { agent, branch: task.branch, repo: this.deps.place.repoKey(agent) };
  }

  /** Queues a run (once: a task already waiting keeps its place) and starts what may start. */
  private request(taskId: number, done?: () => void): void {
    if (this.disposed) return done?.();
    if (done) this.waiters.set(taskId, [...(this.waiters.get(taskId) ?? []), done]);
    if (!this.waiting.includes(taskId)) this.waiting.push(taskId);
    this.pump();
  }

  private pump(): void {
    while (this.running < CHECKS_AT_ONCE) {
      const i = this.waiting.findIndex((id) => !this.active.has(id));
      if (i < 0) return;
      const [taskId] = this.waiting.splice(i, 1);
      this.running++;
      const told = this.waiters.get(taskId!) ?? [];
      this.waiters.delete(taskId!);
      const run = this.runOne(taskId!)
        .catch((err: Error) => this.deps.logger.warn('check failed to run', { taskId, err: err.message }))
        .finally(() => {
          this.running--;
          this.active.delete(taskId!);
          for (const done of told) done();
          this.pump();
        });
      this.active.set(taskId!, run);
    }
  }

  private async runOne(taskId: number): Promise<void> {
    const task = this.deps.board.get(taskId);
    const target = this.target(task);
    const command = target ? this.deps.store.command(target.repo) : '';
    if (!target || !command || this.disposed) return;
    const head = await this.deps.place.head(target.agent, target.branch);
    const started: TaskCheck = {
      taskId,
      command,
      head,
      state: 'running',
      exitCode: null,
      timedOut: false,
      tail: [],
      startedAt: this.deps.clock.now(),
      finishedAt: null,
    };
    this.save(started);
    const limit = this.deps.timeLimitMs ?? CHECK_TIME_LIMIT_MS;
    const outcome = await this.deps.place
      .run(target.agent, target.branch, head, command, limit, this.stopRuns.signal)
      .catch((err: Error): CheckOutcome => ({
        exitCode: null,
        timedOut: false,
        tail: [],
        error: err.message,
      }));
    if (this.disposed) return;
    this.save({
      ...started,
      state: outcome.exitCode === 0 && !outcome.timedOut ? 'passed' : 'failed',
      exitCode: outcome.exitCode,
      timedOut: outcome.timedOut,
      tail: outcome.tail,
      ...(outcome.error ? { error: outcome.error } : {}),
      finishedAt: this.deps.clock.now(),
    });
  }

  private save(run: TaskCheck): void {
    this.deps.store.save(run);
    this.deps.events.fire({ type: 'check.changed', check: run });
  }
}
