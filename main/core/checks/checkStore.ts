// Repositories' check commands and each task's latest check run, in the studio's database.
import type { RepoCheck, TaskCheck } from '../../contract/checks.js';
import type { Db } from '../store/database.js';

interface RunRow {
  task_id: number;
  command: string;
  head: string;
  state: TaskCheck['state'];
  exit_code: number | null;
  timed_out: number;
  tail: string;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
}

function fromRow(r: RunRow): TaskCheck {
  return {
    taskId: r.task_id,
    command: r.command,
    head: r.head,
    state: r.state,
    exitCode: r.exit_code,
    timedOut: r.timed_out === 1,
    tail: JSON.parse(r.tail) as string[],
    ...(r.error ? { error: r.error } : {}),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export class CheckStore {
  constructor(private readonly db: Db) {}

  command(repo: string): string {
    const row = this.db.prepare('SELECT command FROM repo_checks WHERE repo = ?').get(repo) as
      { command: string } | undefined;
    return row?.command ?? '';
  }

  repos(): RepoCheck[] {
    return this.db.prepare('SELECT repo, command FROM repo_checks ORDER BY repo').all() as RepoCheck[];
  }

  setCommand(repo: string, command: string | null, at: number): void {
    if (command === null) this.db.prepare('DELETE FROM repo_checks WHERE repo = ?').run(repo);
    else
      this.db
        .prepare(
          `INSERT INTO repo_checks (repo, command, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (repo) DO UPDATE SET command = excluded.command, updated_at = excluded.updated_at`,
        )
        .run(repo, command, at);
  }

  run(taskId: number): TaskCheck | null {
    const row = this.db.prepare('SELECT * FROM task_checks WHERE task_id = ?').get(taskId) as
      RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Every task's latest run. */
  runs(): TaskCheck[] {
    return (this.db.prepare('SELECT * FROM task_checks ORDER BY task_id').all() as RunRow[]).map(fromRow);
  }

  /** Runs the studio stopped with (queued or running): they start again at its start. */
  unfinished(): TaskCheck[] {
    const rows = this.db
      .prepare(`SELECT * FROM task_checks WHERE state IN ('queued', 'running') ORDER BY task_id`)
      .all() as RunRow[];
    return rows.map(fromRow);
  }

  save(run: TaskCheck): void {
    this.db
      .prepare(
        `INSERT INTO task_checks (task_id, command, head, state, exit_code, timed_out, tail, error, started_at, finished_at)
         VALUES (@taskId, @command, @head, @state, @exitCode, @timedOut, @tail, @error, @startedAt, @finishedAt)
         ON CONFLICT (task_id) DO UPDATE SET command = excluded.command, head = excluded.head,
           state = excluded.state, exit_code = excluded.exit_code, timed_out = excluded.timed_out,
           tail = excluded.tail, error = excluded.error, started_at = excluded.started_at,
           finished_at = excluded.finished_at`,
      )
      .run({
        ...run,
        timedOut: run.timedOut ? 1 : 0,
        tail: JSON.stringify(run.tail),
        error: run.error ?? null,
      });
  }
}
