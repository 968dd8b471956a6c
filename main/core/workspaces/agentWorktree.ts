// An agent's worktree, start to end: made on the agent's own branch (or taken up again where an
// agent of the same name left it), its branch moved under the name agents have now, and removed
// only when no work would be lost. The rule that nothing here discards work lives in this file.
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { Workspace } from '../../contract/model.js';
import { GitFailure, worktreeGit, type Git } from './git.js';
import { branchExists, checkBranchName, currentBranch, dirtyFiles, revParse, worktrees } from './gitReads.js';
import { checkGitVersion, ownGit, repoInfo, type RepoInfo } from './repoAccess.js';
import type { RepoPlace } from './repoPlace.js';
import {
  agentBranch,
  defaultWorktreeParent,
  inAgentSpace,
  legacyAgentBranch,
  nameFiles,
  onHost,
} from './workspaceNames.js';

export interface CreateWorktree {
  /** Any folder inside the repository. */
  folder: string;
  agentName: string;
  /** Default: the branch checked out in `folder`. */
  base?: string;
  /** The folder the worktree goes in (default: defaultWorktreeParent); it is made if missing. */
  parent?: string;
}

/**
 * Makes the agent's worktree on its own branch, from the base. An agent branch left by an agent of
 * the same name (removed with its worktree kept) is picked up again, so its work comes back:
 * `created` is false then, and the worktree is not the caller's to take back.
 */
export async function createWorktree(
  place: RepoPlace,
  input: CreateWorktree,
): Promise<{ workspace: Workspace; created: boolean }> {
  await checkGitVersion(place, input.folder);
  const info = await repoInfo(place, input.folder);
  const git = await ownGit(place, info.root);
  const base = baseOf(info, input.base);
  const branch = agentBranch(input.agentName);
  await checkBranchName(git, info.root, branch);
  const path = join(await worktreeParent(place, info.root, input.parent), input.agentName);
  await takeUpLegacyBranch(git, info.root, input.agentName, path);
  const exists = await branchExists(git, info.root, branch);
  // An agent of this name was removed with its worktree kept: the new one takes it up again.
  const kept = exists && (await heldHere(git, info.root, branch, path));
  if (!kept) await addWorktree(place, git, info.root, { path, branch, base, exists });
  return {
    workspace: { repo: info.root, path, branch, base, gitDir: await gitDirOf(place, info.root, path) },
    created: !kept,
  };
}

/** The base a worktree is made from: the one asked for, else the branch checked out; it must exist. */
function baseOf(info: RepoInfo, asked: string | undefined): string {
  const base = asked?.trim() || info.current;
  if (!base)
    throw new StudioError(
      'invalid',
      `${info.root} has no branch checked out (a detached HEAD): name the base branch for the worktree.`,
    );
  if (!info.branches.includes(base))
    throw new StudioError(
      'invalid',
      `${info.root} has no branch "${base}"${info.branches.length ? ` (it has ${nameFiles(info.branches)})` : ''}.`,
    );
  return base;
}

/** Whether `branch` is checked out at `path`; refused, changing nothing, when another worktree has it. */
async function heldHere(git: Git, root: string, branch: string, path: string): Promise<boolean> {
  const holder = (await worktrees(git, root)).find((w) => w.branch === branch);
  if (holder && resolve(holder.path) === path) return true;
  if (holder)
    throw new StudioError(
      'conflict',
      `The branch ${branch} is checked out in ${holder.path}: remove that worktree first.`,
    );
  return false;
}

/** git's worktree add at `path` (an empty or missing folder), on the branch, made from the base unless it `exists`. */
async function addWorktree(
  place: RepoPlace,
  git: Git,
  root: string,
  w: { path: string; branch: string; base: string; exists: boolean },
): Promise<void> {
  const { path, branch, base } = w;
  if ((await place.listDir(path)).length > 0)
    throw new StudioError(
      'conflict',
      `${path}${onHost(place)} already exists and is not empty: remove it or choose another location.`,
    );
  try {
    await git(root, ['worktree', 'add', ...(w.exists ? [path, branch] : ['-b', branch, path, base])]);
  } catch (err) {
    if (err instanceof GitFailure)
      throw new StudioError('invalid', `git could not make the worktree: ${err.message}`);
    throw err;
  }
}

/** The folder a worktree goes in: the one asked for (`~/` is that machine's HOME), outside the repository. */
async function worktreeParent(place: RepoPlace, root: string, asked: string | undefined): Promise<string> {
  const given = asked?.trim();
  // `~/` is the HOME of the machine the repository is on (another one's, over SSH).
  const parent = given?.startsWith('~/')
    ? join(await place.realDir('~'), given.slice(2))
    : resolve(given || defaultWorktreeParent(root));
  if (!isAbsolute(parent))
    throw new StudioError(
      'invalid',
      `Where the worktree goes${onHost(place)}: ${given} is not a full path there.`,
    );
  const rel = relative(root, parent);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new StudioError(
      'invalid',
      `${parent} is inside the repository's own folder ${root}: the worktree would show up in its status. Choose a folder outside it.`,
    );
  return parent;
}

/**
 * An agent's own branch from before agents had a folder of branches (ccstudio/<name>) becomes
 * ccstudio/<name>/work, with its commits (git renames it in whichever worktree has it out). One
 * checked out somewhere other than `path` belongs to a worktree the studio did not make for this
 * agent: refused, with nothing changed.
 */
async function takeUpLegacyBranch(git: Git, root: string, agentName: string, path: string): Promise<void> {
  const legacy = legacyAgentBranch(agentName);
  if (!(await branchExists(git, root, legacy))) return;
  await heldHere(git, root, legacy, path);
  await git(root, ['branch', '-m', legacy, agentBranch(agentName)]);
}

/**
 * A worktree agent's own branch, under the name agents have now: an older studio's ccstudio/<name>
 * is renamed to ccstudio/<name>/work (its commits kept, its worktree still on it). Returns the
 * workspace as it is after, unchanged when there was nothing to rename.
 */
export async function moveToAgentSpace(
  place: RepoPlace,
  ws: Workspace,
  agentName: string,
): Promise<Workspace> {
  if (inAgentSpace(agentName, ws.branch)) return ws;
  const git = await ownGit(place, ws.repo);
  const branch = agentBranch(agentName);
  if (ws.branch === legacyAgentBranch(agentName) && (await branchExists(git, ws.repo, ws.branch)))
    await git(ws.repo, ['branch', '-m', ws.branch, branch]);
  return { ...ws, branch };
}

/**
 * A worktree's git directory, found from the repository's side: the admin folder under
 * .git/worktrees whose `gitdir` names the worktree. The `.git` file in the worktree itself is not
 * asked (an agent left with a kept worktree could have rewritten it).
 */
async function gitDirOf(place: RepoPlace, repo: string, path: string): Promise<string> {
  const admin = join(repo, '.git', 'worktrees');
  const real = (p: string) => place.realDir(p);
  const want = await real(path);
  // git names the folder after the worktree's (with a number when taken): that one first.
  const names = await place.listDir(admin);
  const first = basename(path);
  for (const name of [...names.filter((n) => n === first), ...names.filter((n) => n !== first)]) {
    const pointer = (await place.readText(join(admin, name, 'gitdir'))).trim();
    if (pointer && basename(pointer) === '.git' && (await real(dirname(pointer))) === want)
      return join(admin, name);
  }
  throw new StudioError('not_found', `git has no record of the worktree ${path} in ${repo}.`);
}

/**
 * Before a worktree is removed: its uncommitted files, and the commits on its branches that its
 * base lacks (with the files they touch). Either one means removing it would lose work.
 */
export async function unsavedWork(
  place: RepoPlace,
  ws: Workspace,
): Promise<{ uncommitted: string[]; unmerged: Array<{ branch: string; oid: string; files: string[] }> }> {
  const git = await ownGit(place, ws.repo);
  const present = await place.exists(ws.path);
  const wt = worktreeGit(place.git, ws);
  const uncommitted = present ? await dirtyFiles(wt, ws.path) : [];
  const current = present ? await currentBranch(wt, ws.path) : '';
  const unmerged: Array<{ branch: string; oid: string; files: string[] }> = [];
  for (const branch of new Set([ws.branch, current].filter(Boolean))) {
    if (!(await branchExists(git, ws.repo, branch))) continue;
    const range = `refs/heads/${ws.base}..refs/heads/${branch}`;
    // Counted, not judged by files: an empty commit or a merge is work too.
    const count = Number((await git(ws.repo, ['rev-list', '--count', range])).stdout.trim());
    const oid = await revParse(git, ws.repo, branch);
    if (!count) continue;
    const out = (await git(ws.repo, ['log', '--format=', '--name-only', '-z', range])).stdout;
    const files = [...new Set(out.split(/[\0\n]/).filter(Boolean))];
    unmerged.push({
      branch,
      oid,
      files: files.length ? files : [`${count} commit${count === 1 ? '' : 's'}`],
    });
  }
  return { uncommitted, unmerged };
}

/** Refuses, naming the files, when removing the worktree would lose work. */
export async function checkRemovable(place: RepoPlace, ws: Workspace, agent: string): Promise<void> {
  const { uncommitted, unmerged } = await unsavedWork(place, ws);
  if (uncommitted.length)
    throw new StudioError(
      'conflict',
      `${agent}'s worktree has changes not committed (${nameFiles(uncommitted)}): commit or discard them in ${ws.path}, or keep the worktree.`,
    );
  if (unmerged.length)
    throw new StudioError(
      'conflict',
      `${agent}'s ${unmerged.map((u) => `${u.branch} has commits not merged into ${ws.base} (${nameFiles(u.files)})`).join('; ')}: merge them, or keep the worktree.`,
    );
}

/**
 * Removes the worktree and its merged branches; refuses, naming the files, if work would be lost.
 * A branch is deleted only if it is still where it was when found merged and no other worktree
 * (the person's, say) has it checked out.
 */
export async function removeWorktree(place: RepoPlace, ws: Workspace, agent: string): Promise<void> {
  await checkRemovable(place, ws, agent);
  const git = await ownGit(place, ws.repo);
  const present = await place.exists(ws.path);
  const current = present ? await currentBranch(worktreeGit(place.git, ws), ws.path) : '';
  const branches = [...new Set([ws.branch, current].filter(Boolean))];
  const merged = new Map<string, string>();
  for (const b of branches)
    if (await branchExists(git, ws.repo, b)) merged.set(b, await revParse(git, ws.repo, b));
  if (present) await git(ws.repo, ['worktree', 'remove', ws.path]);
  else await git(ws.repo, ['worktree', 'prune']);
  const holders = new Set((await worktrees(git, ws.repo)).map((w) => w.branch));
  for (const [branch, oid] of merged)
    if (!holders.has(branch)) await git(ws.repo, ['update-ref', '-d', `refs/heads/${branch}`, oid]);
}
