// The questions every worktree operation asks git, each one command read from a porcelain format
// (branches, worktrees, commits, files changed): one place that parses git's output, so the
// operations that make, review, merge and remove worktrees only decide.
import type { Workspace } from '../../contract/model.js';
import { StudioError } from '../../contract/errors.js';
import { GitFailure, nulFields, worktreeGit, type Git } from './git.js';
import type { RepoPlace } from './repoPlace.js';

/** Pathspecs given to one git run: a merge of thousands of files stays under the OS's argument limit. */
const PATHSPECS_PER_RUN = 500;

/** The branch checked out in a folder; '' when detached. */
export async function currentBranch(git: Git, folder: string): Promise<string> {
  const r = await git(folder, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : '';
}

/** The branch an agent's worktree has checked out ('' when detached), read through its git dir. */
export function checkedOutBranch(place: RepoPlace, ws: Workspace): Promise<string> {
  return currentBranch(worktreeGit(place.git, ws), ws.path);
}

export async function branchExists(git: Git, cwd: string, branch: string): Promise<boolean> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { okCodes: [1] });
  return r.code === 0;
}

export async function checkBranchName(git: Git, cwd: string, branch: string): Promise<void> {
  const r = await git(cwd, ['check-ref-format', '--branch', branch], { okCodes: [1, 128] });
  if (r.code !== 0) throw new StudioError('invalid', `"${branch}" is not a valid git branch name.`);
}

/** A branch's commit; not_found when there is no such branch. */
export async function revParse(git: Git, cwd: string, branch: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    okCodes: [1],
  });
  if (r.code !== 0) throw new StudioError('not_found', `There is no branch ${branch}.`);
  return r.stdout.trim();
}

export async function isAncestor(git: Git, cwd: string, a: string, b: string): Promise<boolean> {
  return (await git(cwd, ['merge-base', '--is-ancestor', a, b], { okCodes: [1] })).code === 0;
}

/** Where `rev` left the base branch; says which is missing when there is none. */
export async function mergeBase(git: Git, cwd: string, base: string, rev: string): Promise<string> {
  try {
    return (await git(cwd, ['merge-base', `refs/heads/${base}`, rev])).stdout.trim();
  } catch (err) {
    if (err instanceof GitFailure) {
      if (!(await branchExists(git, cwd, base)))
        throw new StudioError('not_found', `The base branch ${base} no longer exists.`);
      throw new StudioError('invalid', `${rev} and ${base} have no commit in common.`);
    }
    throw err;
  }
}

/** The remote a branch is pushed to for a pull request: origin, else the first; null with none. */
export async function pushRemote(git: Git, repo: string): Promise<string | null> {
  const remotes = (await git(repo, ['remote'])).stdout.split('\n').filter(Boolean);
  return remotes.includes('origin') ? 'origin' : (remotes[0] ?? null);
}

export interface WorktreeEntry {
  path: string;
  /** Short branch name; '' when detached. */
  branch: string;
}

/** Every worktree git lists for the repository, with its branch. */
export async function worktrees(git: Git, repo: string): Promise<WorktreeEntry[]> {
  const out = (await git(repo, ['worktree', 'list', '--porcelain', '-z'])).stdout;
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of nulFields(out)) {
    if (field.startsWith('worktree ')) entries.push((current = { path: field.slice(9), branch: '' }));
    else if (field.startsWith('branch refs/heads/') && current) current.branch = field.slice(18);
  }
  return entries;
}

/** Files with changes not committed in a working tree (untracked ones too, ignored ones not); `among`: of those files only. */
export async function dirtyFiles(git: Git, path: string, among?: string[]): Promise<string[]> {
  const status = ['status', '--porcelain', '-z', '--untracked-files=all'];
  const outs = among ? await byPathspecs(git, path, status, among) : [(await git(path, status)).stdout];
  const files: string[] = [];
  for (const out of outs) {
    const fields = nulFields(out);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      files.push(f.slice(3));
      // A rename or copy (in either column) has its old path as the next field.
      if ('RC'.includes(f[0]!) || 'RC'.includes(f[1]!)) i++;
    }
  }
  return files;
}

/** Of `files`, those a checkout has as ignored files: git's fast-forward refuses to overwrite them. */
export async function ignoredAmong(git: Git, path: string, files: string[]): Promise<string[]> {
  const ignored = ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'];
  return (await byPathspecs(git, path, ignored, files)).flatMap(nulFields);
}

/** A git command's output for each batch of `files` given it as pathspecs, taken literally; none for no files. */
async function byPathspecs(git: Git, path: string, args: string[], files: string[]): Promise<string[]> {
  const outs: string[] = [];
  for (let i = 0; i < files.length; i += PATHSPECS_PER_RUN) {
    const batch = files.slice(i, i + PATHSPECS_PER_RUN);
    // File names as they are: a "*" in one is no glob.
    const r = await git(path, [...args, '--', ...batch], { env: { GIT_LITERAL_PATHSPECS: '1' } });
    outs.push(r.stdout);
  }
  return outs;
}
