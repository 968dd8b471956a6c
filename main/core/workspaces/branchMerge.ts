// Merging a branch into its base, with nothing but the system's git: every check a merge makes,
// said before it is asked for (a preview) and again when it is, then landed. Nothing here
// discards work: a merge is computed away from every working tree (merge-tree, commit-tree) and
// lands on the base either by a compare-and-swap of its ref or, where the base is checked out, by
// git's own fast-forward, which refuses to overwrite local changes.
import { resolve } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { MergeMode, MergeRefusal, MergeResult, Workspace } from '../../contract/model.js';
import { GitFailure, lines, nulFields, worktreeGit, type Git } from './git.js';
import { dirtyFiles, ignoredAmong, isAncestor, revParse, worktrees } from './gitReads.js';
import { checkGitVersion, ownGit } from './repoAccess.js';
import type { RepoPlace } from './repoPlace.js';
import { nameFiles } from './workspaceNames.js';

export interface MergeRequest {
  repo: string;
  branch: string;
  into: string;
  mode: MergeMode;
  /** The branch's commit the person reviewed: if it moved on since, the merge is refused. */
  reviewed?: string;
  /**
   * Agents' worktrees, by their folder: one that has `branch` checked out must have its work
   * committed (a merge takes commits only), and is read through its recorded git dir.
   */
  worktrees?: Workspace[];
}

/** What a merge would do, by its own checks: what the base would get, or why it is refused. */
export interface MergeCheck {
  branch: string;
  into: string;
  mode: MergeMode;
  /** The branch's commit checked. */
  head: string;
  refusal: MergeRefusal | null;
  /** Refused: what stands in the way, and what to do about it (each a sentence without its stop). */
  why: string;
  todo: string;
  /** The commits the base would get. */
  commits: number;
  /** The files the merge changes on the base; refused, the files in the way. */
  files: string[];
}

/** A merge checked, and, when nothing refuses it, `land`: writes its commit and moves the base. */
interface MergePlan {
  check: MergeCheck;
  land?: (message: string) => Promise<string>;
}

/** Why a merge is refused, and the files in the way. */
interface Refused {
  refusal: MergeRefusal;
  why: string;
  todo: string;
  files: string[];
}

function refused(refusal: MergeRefusal, why: string, todo = '', files: string[] = []): Refused {
  return { refusal, why, todo, files };
}

/** The refusal's sentences as a merge says them: "Not merged: ... Nothing was changed; ...". */
export function mergeRefusalText(check: MergeCheck): string {
  if (check.refusal === 'merged') return `Nothing to merge: ${check.why}.`;
  return `Not merged: ${check.why}. Nothing was changed; ${check.todo}.`;
}

/** What a merge would do, said before it is asked for: the same checks, in the future tense. */
export function mergePreviewText(check: MergeCheck): string {
  const { into, commits, files } = check;
  if (check.refusal === 'merged') return `Nothing to merge: ${check.why}.`;
  if (check.refusal) return `Will be refused: ${check.why}. ${capitalize(check.todo)}.`;
  const what = `${plural(commits, 'commit')} (${plural(files.length, 'file')})`;
  return check.mode === 'fast-forward'
    ? `Fast-forwards ${into} by ${what}.`
    : `Merges ${what} into ${into} as a merge commit.`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Every check a merge of `branch` into `into` makes, in order, with nothing landed (merge-tree
 * works away from every working tree): uncommitted work where the branch is checked out, commits
 * since the review, nothing to merge, a fast-forward not possible, a conflict (its files named),
 * and the base's own checkout: one the studio did not make, or changes there (local or ignored
 * files) that the merge would touch.
 */
async function planMerge(place: RepoPlace, req: MergeRequest): Promise<MergePlan> {
  const { repo, branch, into, mode } = req;
  if (branch === into) throw new StudioError('invalid', `${branch} cannot be merged into itself.`);
  await checkGitVersion(place, repo);
  const git = await ownGit(place, repo);
  const trees = await worktrees(git, repo);
  const known = vouchedGit(place, git, req);
  const [intoOid, branchOid] = await Promise.all([revParse(git, repo, into), revParse(git, repo, branch)]);
  const base = { branch, into, mode, head: branchOid, commits: 0, files: [] as string[] };
  const refuse = (r: Refused): MergePlan => ({ check: { ...base, ...r } });
  const m = { ...req, intoOid, branchOid };
  const first = await branchRefusal(place, git, m, trees.find((w) => w.branch === branch)?.path, known);
  if (first) return refuse(first);
  const landing = await landingOf(git, repo, m);
  if (typeof landing !== 'string') return refuse(landing);
  const [commits, files] = await Promise.all([
    git(repo, ['rev-list', '--count', `${intoOid}..${branchOid}`]).then((r) => Number(r.stdout.trim())),
    git(repo, ['diff', '--name-only', '-z', '--no-renames', intoOid, landing]).then((r) =>
      nulFields(r.stdout),
    ),
  ]);
  const holder = trees.find((w) => w.branch === into);
  const intoGit = holder ? known(holder.path) : undefined;
  const inTheWay = await checkoutInTheWay(into, holder?.path, intoGit, files);
  if (inTheWay) return refuse(inTheWay);
  return {
    check: { ...base, refusal: null, why: '', todo: '', commits, files },
    land: (message) =>
      landMerge(git, { ...m, landing, message }, holder && intoGit && { path: holder.path, git: intoGit }),
  };
}

/**
 * git for a worktree the studio can vouch for: the person's checkout, and agents' worktrees through
 * their recorded git dirs. Any other entry may be an agent's forgery under .git/worktrees, pointing
 * at a folder whose hooks it wrote: none for those, so no git runs there.
 */
function vouchedGit(place: RepoPlace, git: Git, req: MergeRequest): (path: string) => Git | undefined {
  return (path) => {
    if (resolve(path) === resolve(req.repo)) return git;
    const ws = req.worktrees?.find((w) => resolve(w.path) === resolve(path));
    return ws ? worktreeGit(place.git, ws) : undefined;
  };
}

/**
 * The checks of the branch itself, in order: its work committed where it is checked out (`held`,
 * if anywhere the studio vouches for), no commits since the review, something to merge.
 */
async function branchRefusal(
  place: RepoPlace,
  git: Git,
  m: MergeRequest & { intoOid: string; branchOid: string },
  held: string | undefined,
  known: (path: string) => Git | undefined,
): Promise<Refused | undefined> {
  const { repo, branch, into } = m;
  const heldGit = held && (await place.exists(held)) ? known(held) : undefined;
  const dirty = held && heldGit ? await dirtyFiles(heldGit, held) : [];
  if (dirty.length)
    return refused(
      'uncommitted',
      `${branch} has changes not committed in ${held}: ${plural(dirty.length, 'file')} (${nameFiles(dirty)})`,
      'have them committed (or send the task back), then merge',
      dirty,
    );
  if (m.reviewed && m.reviewed !== m.branchOid)
    return refused(
      'reviewed',
      `${branch} has new commits since you reviewed it`,
      'review it again, then merge',
    );
  if (await isAncestor(git, repo, m.branchOid, m.intoOid))
    return refused('merged', `${into} already has everything on ${branch}`);
  return undefined;
}

/**
 * What the base would point at: the branch's own commit for a fast-forward (refused when the base
 * has moved on), or the tree merge-tree makes of both (refused, naming the files, on a conflict).
 */
async function landingOf(
  git: Git,
  repo: string,
  m: { branch: string; into: string; mode: MergeMode; intoOid: string; branchOid: string },
): Promise<string | Refused> {
  const { branch, into, intoOid, branchOid } = m;
  if (m.mode === 'fast-forward')
    return (await isAncestor(git, repo, intoOid, branchOid))
      ? branchOid
      : refused(
          'fast-forward',
          `${into} cannot fast-forward to ${branch}: ${into} has commits ${branch} lacks`,
          'merge with a merge commit instead',
        );
  const tree = await git(
    repo,
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', intoOid, branchOid],
    { okCodes: [1] },
  );
  const [treeOid = '', ...conflicted] = lines(tree.stdout);
  if (tree.code !== 1) return treeOid;
  const files = [...new Set(conflicted)];
  return refused(
    'conflict',
    `${branch} conflicts with ${into} in ${nameFiles(files)}`,
    `have ${branch} brought up to date with ${into}, then merge`,
    files,
  );
}

/**
 * Where the base is checked out (`path`, with `git` when the studio can vouch for it), what would
 * stop the merge there: a worktree the studio did not make, or changes not committed or ignored
 * files among the files the merge changes.
 */
async function checkoutInTheWay(
  into: string,
  path: string | undefined,
  git: Git | undefined,
  files: string[],
): Promise<Refused | undefined> {
  if (!path) return undefined;
  if (!git)
    return refused(
      'checkout',
      `${into} is checked out in ${path}, a worktree the studio did not make`,
      `merge there with git yourself, or check ${into} out elsewhere`,
    );
  // Asked of the merge's files only: a big checkout's other untracked files are never walked.
  const dirty = new Set(await dirtyFiles(git, path, files));
  const touched = files.filter((f) => dirty.has(f));
  if (touched.length)
    return refused(
      'checkout',
      `${path} has ${into} checked out with changes not committed that the merge would touch (${nameFiles(touched)})`,
      'commit or stash them there, then merge',
      touched,
    );
  const ignored = await ignoredAmong(git, path, files);
  if (ignored.length)
    return refused(
      'checkout',
      `${path} has ${into} checked out with ignored files the merge would overwrite (${nameFiles(ignored)})`,
      'move them aside there, then merge',
      ignored,
    );
  return undefined;
}

/**
 * Lands a checked merge: its commit (the merge commit is written now), then the base moved to it,
 * by a compare-and-swap of its ref, or where it is checked out by git's own fast-forward.
 */
async function landMerge(
  git: Git,
  m: MergeRequest & { intoOid: string; branchOid: string; landing: string; message: string },
  checkout: { path: string; git: Git } | undefined,
): Promise<string> {
  const { repo, branch, into, intoOid, branchOid } = m;
  let commit = m.landing;
  if (m.mode === 'merge-commit') {
    const who = await identityArgs(git, repo);
    commit = (
      await git(repo, [...who, 'commit-tree', m.landing, '-p', intoOid, '-p', branchOid, '-m', m.message])
    ).stdout.trim();
  }
  if (!checkout) {
    // Nobody has the base checked out: move its ref, only if it still points where it did.
    await git(repo, ['update-ref', '-m', `ccstudio: merge ${branch}`, `refs/heads/${into}`, commit, intoOid]);
    return commit;
  }
  try {
    // git's own fast-forward updates that checkout and refuses, changing nothing, rather than
    // overwrite anything there: local changes, and ignored files too (git would replace those).
    await checkout.git(checkout.path, ['merge', '--ff-only', '--no-edit', '--no-overwrite-ignore', commit]);
  } catch (err) {
    if (err instanceof GitFailure)
      throw new StudioError('conflict', `Not merged: git refused to update ${checkout.path}: ${err.message}`);
    throw err;
  }
  return commit;
}

/** A merge commit needs an author: the person's git identity, or the studio's where none is set. */
async function identityArgs(git: Git, cwd: string): Promise<string[]> {
  const has = async (key: string) => (await git(cwd, ['config', key], { okCodes: [1] })).stdout.trim() !== '';
  const [name, email] = await Promise.all([has('user.name'), has('user.email')]);
  return [
    ...(name ? [] : ['-c', 'user.name=Claude Code Studio']),
    ...(email ? [] : ['-c', 'user.email=ccstudio@localhost']),
  ];
}

/** What merging `branch` into `into` would do (see planMerge), with nothing landed. */
export async function checkMerge(place: RepoPlace, req: MergeRequest): Promise<MergeCheck> {
  return (await planMerge(place, req)).check;
}

/** A merge refused by its checks, with them: the caller may say more (whose task it was). */
export class MergeRefused extends StudioError {
  constructor(readonly check: MergeCheck) {
    super('conflict', mergeRefusalText(check));
  }
}

/**
 * Merges `branch` into `into`, or refuses with nothing changed (MergeRefused, for the reasons
 * planMerge finds): the merge lands only what the checks passed.
 */
export async function mergeBranch(
  place: RepoPlace,
  req: MergeRequest & { message: string },
): Promise<MergeResult> {
  const { check, land } = await planMerge(place, req);
  if (!land) throw new MergeRefused(check);
  const commit = await land(req.message);
  return { branch: check.branch, into: check.into, mode: check.mode, commit, files: check.files };
}
