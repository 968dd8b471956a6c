// The system's git, run in a child process: the studio's event loop never waits on a repository.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StudioError } from '../../contract/errors.js';

/** A git command that takes longer is stuck (a lock, a hung mount): it is killed and reported. */
const GIT_TIMEOUT_MS = 60_000;
/** Output kept from one git command; a diff above this is cut by the caller's own limit first. */
const GIT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * What git sees of the studio's environment: never a prompt for credentials (there is no one to
 * answer it), no optional index writes while an agent works in the tree, stable English output,
 * and none of the GIT_DIR-style variables a parent git (a hook that started the studio) may set.
 */
function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|PREFIX|NAMESPACE)$/.test(k))
      continue;
    env[k] = v;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitRunOptions {
  /** Exit codes that are answers rather than failures (merge-base --is-ancestor's 1). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
}

export type Git = (cwd: string, args: string[], options?: GitRunOptions) => Promise<GitResult>;

/** Thrown for a git command that failed: its own message, which names what went wrong. */
export class GitFailure extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(stderr.trim().split('\n').slice(-3).join(' ') || `git ${args[0]} failed (exit ${code})`);
    this.name = 'GitFailure';
  }
}

/** The git runner, over the given environment (process.env by default). */
export function systemGit(baseEnv: NodeJS.ProcessEnv = process.env): Git {
  const env = gitEnv(baseEnv);
  return (cwd, args, options = {}) =>
    new Promise((resolve, reject) => {
      // core.fsmonitor off: a repository's config must not make a status check run a program.
      execFile(
        'git',
        ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=false', ...args],
        {
          cwd,
          env: options.env ? { ...env, ...options.env } : env,
          timeout: GIT_TIMEOUT_MS,
          maxBuffer: GIT_MAX_BUFFER,
          encoding: 'utf8',
        },
        (err, stdout, stderr) => {
          if (!err) return resolve({ stdout, stderr, code: 0 });
          const e = err as NodeJS.ErrnoException & { code?: unknown };
          if (e.code === 'ENOENT')
            return reject(
              existsSync(cwd)
                ? new StudioError('unavailable', 'git was not found on PATH: install git to use worktrees.')
                : new StudioError('not_found', `The folder ${cwd} no longer exists.`),
            );
          const code = typeof e.code === 'number' ? e.code : null;
          if (code !== null && options.okCodes?.includes(code)) return resolve({ stdout, stderr, code });
          reject(new GitFailure(args, code, stderr || e.message));
        },
      );
    });
}

/** `-z` output split into its fields. */
export function nulFields(out: string): string[] {
  const parts = out.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** Lines of output, without the empty last one. */
export function lines(out: string): string[] {
  return out.split('\n').filter((l) => l !== '');
}
