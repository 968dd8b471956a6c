// The system's git, run in a child process: the studio's event loop never waits on a repository.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../contract/errors.js';

/** A git command that takes longer is stuck (a lock, a hung mount): it is killed and reported. */
const GIT_TIMEOUT_MS = 60_000;
/** Output kept from one git command; a diff above this is cut by the caller's own limit first. */
const GIT_MAX_BUFFER = 64 * 1024 * 1024;
/**
 * git processes at once, studio-wide: on a 2-core machine six at once finish no sooner than two,
 * and starve the studio (and the agents' terminals) of CPU for tens of milliseconds; measured in
 * `npm run bench`.
 */
export const MAX_GIT_PROCESSES = 2;
/** git runs below the studio's priority: a summary waits a little rather than a terminal. */
const GIT_NICENESS = 10;
/** Where `nice` is (coreutils on Linux, BSD on macOS); without it git runs at normal priority. */
const NICE = ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p));
/** The shell's "command not found", which nice passes on when git is missing. */
const NOT_FOUND_EXIT = 127;

/**
 * What git sees of the studio's environment: never a prompt for credentials (there is no one to
 * answer it), no optional index writes while an agent works in the tree, stable English output,
 * and none of the GIT_DIR-style variables a parent git (a hook that started the studio) may set.
 */
function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (
      /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|PREFIX|NAMESPACE)$/.test(
        k,
      )
    )
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
  /** The output was longer than GIT_MAX_BUFFER and is cut (only with cutOutput). */
  truncated?: boolean;
}

export interface GitRunOptions {
  /** Exit codes that are answers rather than failures (merge-base --is-ancestor's 1). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
  /** Output past GIT_MAX_BUFFER is cut (`truncated`) rather than an error: for a diff to show. */
  cutOutput?: boolean;
  /**
   * The repository's hooks run: only where one is meant to (a push runs the person's pre-push).
   * Everywhere else the studio's git runs none, whatever a repository's config or hooks folder says.
   */
  hooks?: boolean;
}

/**
 * What every git the studio runs is told first, here and on other machines: no fsmonitor (a
 * repository's config must not make a status check run a program), no hooks unless asked for
 * (see GitRunOptions.hooks), and paths printed as they are.
 */
export function studioGitArgs(args: string[], options: Pick<GitRunOptions, 'hooks'> = {}): string[] {
  return [
    '-c',
    'core.fsmonitor=false',
    ...(options.hooks ? [] : ['-c', 'core.hooksPath=/dev/null']),
    '-c',
    'core.quotepath=false',
    ...args,
  ];
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
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = () =>
    new Promise<void>((go) => {
      if (running < MAX_GIT_PROCESSES) {
        running++;
        go();
      } else waiting.push(go);
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (cwd, args, options = {}) => {
    await slot();
    try {
      return await runGit(env, cwd, args, options);
    } finally {
      release();
    }
  };
}

function runGit(
  env: NodeJS.ProcessEnv,
  cwd: string,
  args: string[],
  options: GitRunOptions,
): Promise<GitResult> {
  const gitArgs = studioGitArgs(args, options);
  const [file, argv] = NICE ? [NICE, ['-n', String(GIT_NICENESS), 'git', ...gitArgs]] : ['git', gitArgs];
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
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
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' && options.cutOutput)
          return resolve({ stdout, stderr, code: 0, truncated: true });
        if (e.code === 'ENOENT')
          return reject(
            existsSync(cwd)
              ? new StudioError('unavailable', 'git was not found on PATH: install git to use worktrees.')
              : new StudioError('not_found', `The folder ${cwd} no longer exists.`),
          );
        const code = typeof e.code === 'number' ? e.code : null;
        if (code === NOT_FOUND_EXIT && NICE && !options.okCodes?.includes(code))
          return reject(
            new StudioError('unavailable', 'git was not found on PATH: install git to use worktrees.'),
          );
        if (code !== null && options.okCodes?.includes(code)) return resolve({ stdout, stderr, code });
        reject(new GitFailure(args, code, stderr || e.message));
      },
    );
  });
}

/**
 * git bound to an agent's worktree by its git directory, found when the studio made it: the
 * worktree's own `.git` file is the agent's to rewrite (it could point git at a repository whose
 * config runs programs), so the studio never reads it. Hooks are off for the same reason.
 */
export function worktreeGit(git: Git, ws: { repo: string; path: string; gitDir: string }): Git {
  // The repository's own .git named too: the worktree's `commondir` file, which says where it
  // is, may have been rewritten by an agent (another worktree's, say).
  const common = { GIT_COMMON_DIR: join(ws.repo, '.git') };
  return (_cwd, args, options) =>
    git(ws.path, ['--git-dir', ws.gitDir, '--work-tree', ws.path, ...args], {
      ...options,
      hooks: false,
      env: { ...options?.env, ...common },
    });
}

/**
 * git bound to the person's own checkout by name: its `.git` as both the git dir and the common
 * dir, so no `commondir` file (which git never writes there, and an agent could) decides where
 * git takes its config, hooks and refs from. Check the repository first (see checkOwnGitDir).
 */
export function checkoutGit(git: Git, repo: string): Git {
  const dotGit = join(repo, '.git');
  return (_cwd, args, options) =>
    git(repo, ['--git-dir', dotGit, '--work-tree', repo, ...args], {
      ...options,
      env: { ...options?.env, GIT_COMMON_DIR: dotGit },
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
