// Real git repositories for tests: the system's git, with an identity of their own so commits work
// on a machine whose git has none configured.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Who commits in tests (and in test agents' terminals): set through the environment. */
export const GIT_TEST_ENV = {
  GIT_AUTHOR_NAME: 'Test Person',
  GIT_AUTHOR_EMAIL: 'person@example.test',
  GIT_COMMITTER_NAME: 'Test Person',
  GIT_COMMITTER_EMAIL: 'person@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` and returns its output, trimmed. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_TEST_ENV },
  }).trim();
}

/** Writes files (path → text) under `root`, making folders as needed. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** A repository at `dir` on branch main with `files` in its first commit. */
export function makeRepo(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  gitIn(dir, 'init', '--quiet', '--initial-branch=main');
  writeFiles(dir, files);
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '--quiet', '-m', 'first');
  return dir;
}

/** Writes files and commits them with `message`. */
export function commitFiles(dir: string, files: Record<string, string>, message: string): string {
  writeFiles(dir, files);
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '--quiet', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}
