// How the studio reaches a repository before it runs git there: the repository found from any
// folder inside it, its own .git checked for a planted pointer elsewhere, and the place's git new
// enough. Every worktree operation comes in through here, so the checks cannot be skipped.
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import { checkoutGit, GitFailure, lines, type Git } from './git.js';
import { currentBranch } from './gitReads.js';
import type { RepoPlace } from './repoPlace.js';
import { onHost } from './workspaceNames.js';

/** merge-tree --write-tree (a merge away from every working tree) came in git 2.38. */
const MIN_GIT: [number, number] = [2, 38];

/** What git says of a folder that the Add agent dialog offers: its repository and branches. */
export interface RepoInfo {
  /** The main worktree's folder (the person's checkout), even when asked from a linked worktree. */
  root: string;
  /** The branch checked out in the folder given; '' when detached. */
  current: string;
  branches: string[];
}

export async function repoInfo(place: RepoPlace, folder: string): Promise<RepoInfo> {
  const git = place.git;
  let out: string;
  try {
    out = (await git(folder, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir']))
      .stdout;
  } catch (err) {
    if (err instanceof GitFailure)
      throw new StudioError(
        'invalid',
        `${folder}${onHost(place)} is not inside a git repository: a worktree needs one.`,
      );
    throw err;
  }
  const [top = folder, common = ''] = lines(out);
  // A linked worktree's common dir is the main repository's .git: its parent is the checkout.
  const root = basename(common) === '.git' ? dirname(common) : top;
  const own = await ownGit(place, root);
  const [current, branches] = await Promise.all([
    currentBranch(git, folder),
    own(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']).then((r) => lines(r.stdout)),
  ]);
  return { root, current, branches };
}

/**
 * Refuses a checkout whose .git holds a `commondir`: git writes one only in a linked worktree's
 * admin folder, never in a repository's own .git, where it would send every git run there (the
 * person's and the studio's) to another folder's config, hooks and branches.
 */
export async function checkOwnGitDir(place: RepoPlace, repo: string): Promise<void> {
  const planted = join(repo, '.git', 'commondir');
  if (await place.exists(planted))
    throw new StudioError(
      'conflict',
      `${planted}${onHost(place)} exists, where git never writes one: it would point git in ${repo} at another folder's config, hooks and branches. The studio runs no git there until it is gone; see what it names, then delete it.`,
    );
}

/** git in the person's own checkout, named outright (see checkoutGit), once it is checked. */
export async function ownGit(place: RepoPlace, repo: string): Promise<Git> {
  await checkOwnGitDir(place, repo);
  return checkoutGit(place.git, repo);
}

/** The gits found new enough (each host has its own). */
const gitVersionChecked = new WeakSet<Git>();
/** Refuses, saying what to install, a git too old for the studio's worktree operations. */
export async function checkGitVersion(place: RepoPlace, cwd: string): Promise<void> {
  const git = place.git;
  if (gitVersionChecked.has(git)) return;
  const out = (await git(cwd, ['version'])).stdout;
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(out) ?? []).slice(1).map(Number);
  if (major < MIN_GIT[0] || (major === MIN_GIT[0] && minor < MIN_GIT[1]))
    throw new StudioError(
      'unavailable',
      `Worktrees need git ${MIN_GIT.join('.')} or newer; ${place.host || 'this machine'} has ${out.trim()}. Install a newer git${onHost(place)}.`,
    );
  gitVersionChecked.add(git);
}
