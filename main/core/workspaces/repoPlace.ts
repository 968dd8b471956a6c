// Where a repository is: this machine, or another one over SSH (remote/remoteGit.ts). The
// worktree operations (agentWorktree.ts, worktreeReview.ts, branchMerge.ts, taskBranches.ts) reach
// a repository only through a RepoPlace: its git, and the few file reads git has no command for.
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Git } from './git.js';

/** Untracked files read to count their lines; beyond this they count as files only. */
export const MAX_UNTRACKED_READ_BYTES = 1024 * 1024;
/** Bytes git looks at to call a file binary (the same 8000 git itself uses). */
export const BINARY_SNIFF_BYTES = 8000;
/** Untracked files read at once (file handles are a shared budget). */
const UNTRACKED_READ_CONCURRENCY = 16;
/**
 * Untracked files' bytes one read takes at most (a summary; a diff asks for what its patch has
 * room for): a folder of large files nobody ignored must not fill the studio's memory.
 */
export const UNTRACKED_BUDGET_BYTES = 8 * 1024 * 1024;

/** An untracked file as read for a summary or a diff: its text, or null (binary, too big, not a file). */
export interface UntrackedFile {
  path: string;
  text: string | null;
  binary: boolean;
  /** Not read: the read's byte budget was spent before it (a diff stops there). */
  overBudget?: boolean;
}

export interface RepoPlace {
  git: Git;
  /** The host, for messages and for telling places apart; '' for this machine. */
  host: string;
  /** Something is at the path (a folder, a file). */
  exists(path: string): Promise<boolean>;
  /** A folder's entries; none when it is missing. */
  listDir(path: string): Promise<string[]>;
  /** A small file's text; '' when it is missing. */
  readText(path: string): Promise<string>;
  /** A folder's path with links resolved; the path as given when it cannot be resolved. */
  realDir(path: string): Promise<string>;
  /**
   * Untracked files (paths relative to `root`) with their text: only regular files, never through
   * a symlink and never waiting (a FIFO planted in a worktree must not hang the studio, a link to
   * ~/.aws must not show in a review). Files past `budgetBytes` (default UNTRACKED_BUDGET_BYTES)
   * are not read.
   */
  readUntracked(root: string, paths: string[], budgetBytes?: number): Promise<UntrackedFile[]>;
  /** The GitHub CLI in a folder there. */
  gh(cwd: string, args: string[]): Promise<string>;
}

/** Text of a file's bytes, or binary by git's own test (a NUL in its first 8000 bytes). */
export function untrackedText(buf: Buffer): { text: string | null; binary: boolean } {
  if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { text: null, binary: true };
  return { text: buf.toString('utf8'), binary: false };
}

async function readUntrackedFile(
  path: string,
  take: (bytes: number) => boolean,
): Promise<{ text: string | null; binary: boolean; overBudget?: boolean }> {
  try {
    const st = await lstat(path);
    if (!st.isFile() || st.size > MAX_UNTRACKED_READ_BYTES) return { text: null, binary: false };
    if (!take(st.size)) return { text: null, binary: false, overBudget: true };
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const now = await fh.stat();
      if (!now.isFile() || now.size > st.size) return { text: null, binary: false };
      const buf = Buffer.alloc(now.size);
      await fh.read(buf, 0, now.size, 0);
      return untrackedText(buf);
    } finally {
      await fh.close();
    }
  } catch {
    return { text: null, binary: false };
  }
}

/** This machine: the system's git and node's own file reads. */
export function localPlace(git: Git, gh: RepoPlace['gh']): RepoPlace {
  return {
    git,
    host: '',
    exists: (path) =>
      stat(path).then(
        () => true,
        () => false,
      ),
    listDir: (path) => readdir(path).catch(() => [] as string[]),
    readText: (path) => readFile(path, 'utf8').catch(() => ''),
    realDir: (path) => realpath(path).catch(() => resolve(path)),
    readUntracked: async (root, paths, budgetBytes = UNTRACKED_BUDGET_BYTES) => {
      const out: UntrackedFile[] = paths.map((p) => ({ path: p, text: null, binary: false }));
      let left = budgetBytes;
      // Spent in the order files are found: once one does not fit, no later one is read either.
      const take = (bytes: number) => (left = bytes <= left ? left - bytes : -1) >= 0;
      let next = 0;
      const worker = async () => {
        while (next < paths.length) {
          const i = next++;
          Object.assign(out[i]!, await readUntrackedFile(join(root, paths[i]!), take));
        }
      };
      await Promise.all(Array.from({ length: UNTRACKED_READ_CONCURRENCY }, worker));
      return out;
    },
    gh,
  };
}
