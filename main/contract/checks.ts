// Checks before merge: a command the person sets once per repository (`npm test`), run by the
// studio on every task branch that reaches review, and the gate a merge passes. Types and input
// schemas only; the runner and the gate are in main/core/checks/.
import { z } from 'zod';
import { MAX_PATH_CHARS } from './limits.js';

/** A check command: one shell line, as the person would type it in the repository. */
export const MAX_CHECK_COMMAND_CHARS = 1000;

export const CHECK_STATES = ['queued', 'running', 'passed', 'failed'] as const;
export type CheckRunState = (typeof CHECK_STATES)[number];

/** One run of a repository's check on a task's branch (the latest run is kept per task). */
export interface TaskCheck {
  taskId: number;
  command: string;
  /** The branch's commit it ran on. */
  head: string;
  state: CheckRunState;
  exitCode: number | null;
  /** It ran past the time limit and was stopped. */
  timedOut: boolean;
  /** The last lines it printed, oldest first. */
  tail: string[];
  /** Why it could not run (no worktree there, the command missing), when that is why it failed. */
  error?: string;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * A task's check as the card, the review and the queue show it: the latest run, and whether the
 * branch moved on since (stale). `none`: the repository has no check, or it never ran here.
 */
export interface CheckStatus {
  taskId: number;
  /** The repository's check command; '' when it has none. */
  command: string;
  state: CheckRunState | 'stale' | 'none';
  run: TaskCheck | null;
  /** The branch's commit now, when read. */
  head?: string;
}

/** A repository's check, as the person set it. */
export interface RepoCheck {
  repo: string;
  command: string;
}

/** `host:folder` names a repository on an SSH agent's machine (a path here starts with / or ~). */
export function isRemoteRepo(repo: string): boolean {
  return /^[^/~][^:]*:/.test(repo);
}

export const setCheckInput = z.strictObject({
  repo: z.string().min(1).max(MAX_PATH_CHARS),
  /** null removes it. */
  command: z.string().trim().min(1).max(MAX_CHECK_COMMAND_CHARS).nullable(),
});
export type SetCheckInput = z.infer<typeof setCheckInput>;

export const taskChecksInput = z.strictObject({
  taskId: z.number().int().positive(),
  /** Run it now (again), whatever it came to before. */
  run: z.boolean().optional(),
});
export type TaskChecksInput = z.infer<typeof taskChecksInput>;

/** Why a run failed, in brackets: it could not run, ran out of time, or exited non-zero. */
function failedHow(run: TaskCheck | null): string {
  if (run?.error) return ` (it could not run: ${run.error})`;
  if (run?.timedOut) return ' (it ran out of time)';
  return run?.exitCode != null ? ` (exit ${run.exitCode})` : '';
}

/** What a check's state means to a merge, in a sentence; undefined when it lets the merge through. */
export function checkRefusal(status: CheckStatus): string | undefined {
  const what = `its check (${status.command})`;
  switch (status.state) {
    case 'none':
      return status.command ? `${what} never ran on this branch` : undefined;
    case 'queued':
    case 'running':
      return `${what} is still ${status.state}`;
    case 'stale':
      return `the branch moved on since ${what} ran`;
    case 'failed':
      return `${what} failed${failedHow(status.run)}`;
    default:
      return undefined;
  }
}
