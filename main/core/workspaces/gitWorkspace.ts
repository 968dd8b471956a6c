// Agents' git worktrees, with nothing but the system's git: made, compared with their base,
// merged and removed. No state here; Workspaces (workspaces.ts) holds what the studio remembers.
//
// Rules: nothing here discards work. A merge is computed away from every working tree
// (merge-tree, commit-tree) and lands on the base either by a compare-and-swap of its ref or, where
// the base is checked out, by git's own fast-forward, which refuses to overwrite local changes.
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import { MAX_CHANGED_FILES, MAX_DIFF_BYTES } from '../../contract/limits.js';
import type {
  ChangeCounts,
  FileChange,
  MergeMode,
  MergeRefusal,
  MergeResult,
  Workspace,
  WorkspaceChanges,
  WorkspaceDiff,
} from '../../contract/model.js';
import { checkoutGit, GitFailure, lines, nulFields, worktreeGit, type Git } from './git.js';
import type { RepoPlace } from './repoPlace.js';

/**
 * Every branch of a worktree agent's lives under ccstudio/<name>/ (its own, then one per task):
 * one folder of refs that is the agent's alone, which is what a sandboxed agent may write (git
 * moves a branch by renaming a lock file beside it, so write access is granted a folder at a time).
 */
export const AGENT_BRANCH_PREFIX = 'ccstudio/';
/** The agent's own branch in its folder, where it works when no task has a branch. */
const HOME_BRANCH = 'work';
/** A task branch's words from its title: readable in `git branch` and in a pull request's title. */
const TASK_SLUG_CHARS = 40;
/** Files named in a refusal: enough to act on, short enough to read. */
const FILES_NAMED = 12;
/** Untracked files whose lines are counted; a build folder nobody ignored counts as files only. */
const MAX_UNTRACKED_READ = 500;
/** merge-tree --write-tree (a merge away from every working tree) came in git 2.38. */
const MIN_GIT: [number, number] = [2, 38];

/** "a, b, c and 4 more": files named in an answer without flooding it. */
export function nameFiles(files: string[]): string {
  const shown = files.slice(0, FILES_NAMED).join(', ');
  return files.length > FILES_NAMED ? `${shown} and ${files.length - FILES_NAMED} more` : shown;
}

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
        `${folder}${on(place)} is not inside a git repository: a worktree needs one.`,
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
      `${planted}${on(place)} exists, where git never writes one: it would point git in ${repo} at another folder's config, hooks and branches. The studio runs no git there until it is gone; see what it names, then delete it.`,
    );
}

/** git in the person's own checkout, named outright (see checkoutGit), once it is checked. */
export async function ownGit(place: RepoPlace, repo: string): Promise<Git> {
  await checkOwnGitDir(place, repo);
  return checkoutGit(place.git, repo);
}

/** " on HOST" for a place on another machine: said wherever a path is named. */
function on(place: RepoPlace): string {
  return place.host ? ` on ${place.host}` : '';
}

/** The gits found new enough (each host has its own). */
const gitVersionChecked = new WeakSet<Git>();
/** Refuses, saying what to install, a git too old for the studio's worktree operations. */
async function checkGitVersion(place: RepoPlace, cwd: string): Promise<void> {
  const git = place.git;
  if (gitVersionChecked.has(git)) return;
  const out = (await git(cwd, ['version'])).stdout;
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(out) ?? []).slice(1).map(Number);
  if (major < MIN_GIT[0] || (major === MIN_GIT[0] && minor < MIN_GIT[1]))
    throw new StudioError(
      'unavailable',
      `Worktrees need git ${MIN_GIT.join('.')} or newer; ${place.host || 'this machine'} has ${out.trim()}. Install a newer git${on(place)}.`,
    );
  gitVersionChecked.add(git);
}

/** The branch an agent's worktree has checked out ('' when detached), read through its git dir. */
export function checkedOutBranch(place: RepoPlace, ws: Workspace): Promise<string> {
  return currentBranch(worktreeGit(place.git, ws), ws.path);
}

/** The remote a branch is pushed to for a pull request: origin, else the first; null with none. */
export async function pushRemote(git: Git, repo: string): Promise<string | null> {
  const remotes = (await git(repo, ['remote'])).stdout.split('\n').filter(Boolean);
  return remotes.includes('origin') ? 'origin' : (remotes[0] ?? null);
}

async function currentBranch(git: Git, folder: string): Promise<string> {
  const r = await git(folder, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : '';
}

async function branchExists(git: Git, cwd: string, branch: string): Promise<boolean> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { okCodes: [1] });
  return r.code === 0;
}

async function checkBranchName(git: Git, cwd: string, branch: string): Promise<void> {
  const r = await git(cwd, ['check-ref-format', '--branch', branch], { okCodes: [1, 128] });
  if (r.code !== 0) throw new StudioError('invalid', `"${branch}" is not a valid git branch name.`);
}

/** An agent's name made safe as a folder of refs ("a..b", "x." and "y.lock" are not). */
function refSafe(agentName: string): string {
  return agentName
    .replace(/\.{2,}/g, '-')
    .replace(/\.lock$/i, '-lock')
    .replace(/\.$/, '-');
}

/** The folder of branches that are the agent's: ccstudio/<name>/. */
export function agentBranchSpace(agentName: string): string {
  return `${AGENT_BRANCH_PREFIX}${refSafe(agentName)}/`;
}

/** Whether a branch is one of the agent's (in its folder of branches). */
export function inAgentSpace(agentName: string, branch: string): boolean {
  return branch.startsWith(agentBranchSpace(agentName));
}

/** The agent's own branch: ccstudio/<name>/work. */
export function agentBranch(agentName: string): string {
  return agentBranchSpace(agentName) + HOME_BRANCH;
}

/** The name an agent's own branch had before agents had a folder of branches: ccstudio/<name>. */
export function legacyAgentBranch(agentName: string): string {
  return AGENT_BRANCH_PREFIX + refSafe(agentName);
}

/** A task's branch in its agent's folder: ccstudio/<name>/task-<id>-<slug>, the title's words cut at TASK_SLUG_CHARS. */
export function taskBranch(agentName: string, taskId: number, title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    // Accents dropped (é is e and a combining mark), not turned into word breaks.
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, TASK_SLUG_CHARS)
    .replace(/-+$/, '');
  return `${agentBranchSpace(agentName)}task-${taskId}${slug ? '-' + slug : ''}`;
}

/** taskBranch's names: the agent's folder, then task-<id>, then the title's words if any. */
const TASK_BRANCH = new RegExp(`^${AGENT_BRANCH_PREFIX}[^/]+/task-(\\d+)(?:-|$)`);

/**
 * The task a branch of taskBranch's making is for (ccstudio/<name>/task-<id>-<slug>), by its name
 * alone: the board says whether that task's branch is this one.
 */
export function taskIdOfBranch(branch: string): number | undefined {
  const match = TASK_BRANCH.exec(branch);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Where an agent's worktree goes by default: beside the repository, in `<repo>-worktrees/`. */
export function defaultWorktreeParent(repoRoot: string): string {
  return join(dirname(repoRoot), `${basename(repoRoot)}-worktrees`);
}

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
  const base = input.base?.trim() || info.current;
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
  const branch = agentBranch(input.agentName);
  await checkBranchName(git, info.root, branch);
  const path = join(await worktreeParent(place, info.root, input.parent), input.agentName);
  await takeUpLegacyBranch(git, info.root, input.agentName, path);
  const exists = await branchExists(git, info.root, branch);
  if (exists) {
    const holder = (await worktrees(git, info.root)).find((w) => w.branch === branch);
    // An agent of this name was removed with its worktree kept: the new one takes it up again.
    if (holder && resolve(holder.path) === path)
      return {
        workspace: { repo: info.root, path, branch, base, gitDir: await gitDirOf(place, info.root, path) },
        created: false,
      };
    if (holder)
      throw new StudioError(
        'conflict',
        `The branch ${branch} is checked out in ${holder.path}: remove that worktree first.`,
      );
  }
  if ((await place.listDir(path)).length > 0)
    throw new StudioError(
      'conflict',
      `${path}${on(place)} already exists and is not empty: remove it or choose another location.`,
    );
  try {
    await git(info.root, ['worktree', 'add', ...(exists ? [path, branch] : ['-b', branch, path, base])]);
  } catch (err) {
    if (err instanceof GitFailure)
      throw new StudioError('invalid', `git could not make the worktree: ${err.message}`);
    throw err;
  }
  return {
    workspace: { repo: info.root, path, branch, base, gitDir: await gitDirOf(place, info.root, path) },
    created: true,
  };
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
      `Where the worktree goes${on(place)}: ${given} is not a full path there.`,
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
  const holder = (await worktrees(git, root)).find((w) => w.branch === legacy);
  if (holder && resolve(holder.path) !== path)
    throw new StudioError(
      'conflict',
      `The branch ${legacy} is checked out in ${holder.path}: remove that worktree first.`,
    );
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

interface WorktreeEntry {
  path: string;
  /** Short branch name; '' when detached. */
  branch: string;
}

async function worktrees(git: Git, repo: string): Promise<WorktreeEntry[]> {
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

/** Pathspecs given to one git run: a merge of thousands of files stays under the OS's argument limit. */
const PATHSPECS_PER_RUN = 500;

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

function emptyCounts(): ChangeCounts {
  return { files: 0, added: 0, removed: 0 };
}

interface NumstatLine {
  path: string;
  added: number;
  removed: number;
  binary: boolean;
}

function parseNumstat(out: string): NumstatLine[] {
  return nulFields(out).map((f) => {
    const [a = '', r = '', ...rest] = f.split('\t');
    const binary = a === '-';
    return { path: rest.join('\t'), added: binary ? 0 : Number(a), removed: binary ? 0 : Number(r), binary };
  });
}

function sum(rows: Array<{ added: number; removed: number }>): ChangeCounts {
  return rows.reduce<ChangeCounts>(
    (c, r) => ({ files: c.files + 1, added: c.added + r.added, removed: c.removed + r.removed }),
    emptyCounts(),
  );
}

function countLines(text: string): number {
  if (!text) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.endsWith('\n') ? n : n + 1;
}

async function mergeBase(git: Git, cwd: string, base: string, rev: string): Promise<string> {
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

/**
 * The worktree against its base: what its commits changed, what is not committed yet, and both
 * together, from a handful of git commands run side by side.
 */
export async function workspaceChanges(
  place: RepoPlace,
  ws: Workspace,
  agent: string,
  now: number,
): Promise<WorkspaceChanges> {
  const { path, base } = ws;
  if (!(await place.exists(path)))
    throw new StudioError('not_found', `${agent}'s worktree ${path}${on(place)} no longer exists.`);
  await checkOwnGitDir(place, ws.repo);
  const git = worktreeGit(place.git, ws);
  const [branch, mb] = await Promise.all([currentBranch(git, path), mergeBase(git, path, base, 'HEAD')]);
  const diff = ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv'];
  const [committed, uncommitted, total, status, untracked, aheadBehind] = await Promise.all([
    git(path, [...diff, mb, 'HEAD']).then((r) => parseNumstat(r.stdout)),
    git(path, [...diff, 'HEAD']).then((r) => parseNumstat(r.stdout)),
    git(path, [...diff, mb]).then((r) => parseNumstat(r.stdout)),
    git(path, ['diff', '--name-status', '-z', '--no-renames', mb]).then((r) => nulFields(r.stdout)),
    git(path, ['ls-files', '--others', '--exclude-standard', '-z']).then((r) => nulFields(r.stdout)),
    git(path, ['rev-list', '--left-right', '--count', `refs/heads/${base}...HEAD`]).then((r) =>
      r.stdout.trim().split(/\s+/),
    ),
  ]);
  const statusOf = new Map<string, string>();
  for (let i = 0; i + 1 < status.length; i += 2) statusOf.set(status[i + 1]!, status[i]!);
  const committedSet = new Set(committed.map((c) => c.path));
  const uncommittedSet = new Set(uncommitted.map((c) => c.path));
  const read = await place.readUntracked(path, untracked.slice(0, MAX_UNTRACKED_READ));
  const notRead = untracked.slice(MAX_UNTRACKED_READ).map((p) => ({ path: p, text: null, binary: false }));
  const untrackedRows = [...read, ...notRead].map(({ path: p, text, binary }) => ({
    path: p,
    added: text === null ? 0 : countLines(text),
    removed: 0,
    binary,
  }));
  const kind = (s: string | undefined): FileChange['status'] =>
    s === 'A' ? 'added' : s === 'M' ? 'modified' : s === 'D' ? 'deleted' : 'other';
  const files: FileChange[] = [
    ...total.map((t) => ({
      path: t.path,
      status: kind(statusOf.get(t.path)),
      added: t.added,
      removed: t.removed,
      binary: t.binary,
      committed: committedSet.has(t.path),
      uncommitted: uncommittedSet.has(t.path),
    })),
    ...untrackedRows.map((u) => ({
      ...u,
      status: 'untracked' as const,
      committed: false,
      uncommitted: true,
    })),
  ];
  const uncommittedCounts = sum([...uncommitted, ...untrackedRows]);
  return {
    agent,
    path,
    branch,
    base,
    behind: Number(aheadBehind[0] ?? 0),
    ahead: Number(aheadBehind[1] ?? 0),
    committed: sum(committed),
    uncommitted: uncommittedCounts,
    total: sum(files),
    files: files.slice(0, MAX_CHANGED_FILES),
    filesTruncated: files.length > MAX_CHANGED_FILES,
    at: now,
  };
}

/** An untracked file as git would show it added, so the viewer renders it like any other. */
function newFilePatch(path: string, text: string | null, binary: boolean): string {
  const head = `diff --git a/${path} b/${path}\nnew file mode 100644\n`;
  if (binary || text === null) return `${head}Binary files /dev/null and b/${path} differ\n`;
  if (text === '') return head;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const rows = body.split('\n');
  const noEol = text.endsWith('\n') ? '' : '\n\\ No newline at end of file';
  return `${head}--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${rows.length} @@\n+${rows.join('\n+')}${noEol}\n`;
}

export interface DiffTarget {
  agent: string;
  ws: Workspace;
  /** A branch to show (a task's); default: what the worktree has checked out, uncommitted too. */
  branch?: string;
}

/**
 * The unified diff of a worktree against its base (its working tree included, untracked files as
 * new ones), or of another branch's commits when that branch is not checked out there.
 */
export async function workspaceDiff(place: RepoPlace, target: DiffTarget): Promise<WorkspaceDiff> {
  const { ws, agent } = target;
  const git = await ownGit(place, ws.repo);
  const wt = worktreeGit(place.git, ws);
  const checkedOut = (await place.exists(ws.path)) ? await currentBranch(wt, ws.path) : '';
  const branch = target.branch ?? checkedOut;
  const live = !!branch && branch === checkedOut;
  // The worktree as it is (through its recorded git dir), or a branch's commits from the repository.
  const cwd = live ? ws.path : ws.repo;
  const g = live ? wt : git;
  if (!live && !(await branchExists(git, cwd, branch)))
    throw new StudioError('not_found', `The branch ${branch || '(none)'} does not exist.`);
  // The commit shown is fixed first: a merge given it takes exactly what this diff shows.
  const head = (await g(cwd, ['rev-parse', live ? 'HEAD' : `refs/heads/${branch}`])).stdout.trim();
  const mb = await mergeBase(g, cwd, ws.base, head);
  const args = ['diff', '--no-color', '--no-renames', '--no-ext-diff', '--no-textconv', mb];
  const out = await g(cwd, live ? args : [...args, head], { cutOutput: true });
  let patch = out.stdout;
  let full = false;
  if (live) {
    const untracked = nulFields((await wt(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).stdout);
    // A batch at a time, each given what room the patch has left: once a file does not fit (or
    // the patch is full) the review says it is cut there.
    for (let i = 0; i < untracked.length && !full; i += MAX_UNTRACKED_READ) {
      const room = MAX_DIFF_BYTES - patch.length;
      const batch = await place.readUntracked(cwd, untracked.slice(i, i + MAX_UNTRACKED_READ), room);
      for (const { path: p, text, binary, overBudget } of batch) {
        if (overBudget || patch.length > MAX_DIFF_BYTES) {
          full = true;
          break;
        }
        patch += newFilePatch(p, text, binary);
      }
    }
  }
  let truncated = !!out.truncated || full;
  if (patch.length > MAX_DIFF_BYTES) {
    // Cut at a file's start, so the viewer never gets half a hunk.
    const cut = patch.lastIndexOf('\ndiff --git ', MAX_DIFF_BYTES);
    patch = patch.slice(0, cut > 0 ? cut + 1 : MAX_DIFF_BYTES);
    truncated = true;
  }
  const uncommittedFiles = live ? await notCommitted(g, cwd, mb, head) : [];
  return {
    agent,
    branch,
    base: ws.base,
    patch,
    truncated,
    includesUncommitted: live,
    head,
    uncommittedFiles,
    remote: await pushRemote(git, ws.repo),
  };
}

/** A live diff's files with changes not committed (what a merge leaves out), and whether commits change them too. */
async function notCommitted(
  git: Git,
  path: string,
  mergeBase: string,
  head: string,
): Promise<WorkspaceDiff['uncommittedFiles']> {
  const [dirty, committed] = await Promise.all([
    dirtyFiles(git, path),
    git(path, ['diff', '--name-only', '-z', '--no-renames', mergeBase, head]).then((r) =>
      nulFields(r.stdout),
    ),
  ]);
  const inCommits = new Set(committed);
  return dirty.slice(0, MAX_CHANGED_FILES).map((p) => ({ path: p, committedToo: inCommits.has(p) }));
}

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

async function revParse(git: Git, cwd: string, branch: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], {
    okCodes: [1],
  });
  if (r.code !== 0) throw new StudioError('not_found', `There is no branch ${branch}.`);
  return r.stdout.trim();
}

async function isAncestor(git: Git, cwd: string, a: string, b: string): Promise<boolean> {
  return (await git(cwd, ['merge-base', '--is-ancestor', a, b], { okCodes: [1] })).code === 0;
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

/** Of `files`, those a checkout has as ignored files: git's fast-forward refuses to overwrite them. */
async function ignoredAmong(git: Git, path: string, files: string[]): Promise<string[]> {
  const ignored = ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'];
  return (await byPathspecs(git, path, ignored, files)).flatMap(nulFields);
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
  // git runs only in worktrees the studio can vouch for: the person's checkout, and agents'
  // worktrees through their recorded git dirs. Any other entry may be an agent's forgery under
  // .git/worktrees, pointing at a folder whose hooks it wrote.
  const known = (path: string): Git | undefined => {
    if (resolve(path) === resolve(repo)) return git;
    const ws = req.worktrees?.find((w) => resolve(w.path) === resolve(path));
    return ws ? worktreeGit(place.git, ws) : undefined;
  };
  const [intoOid, branchOid] = await Promise.all([revParse(git, repo, into), revParse(git, repo, branch)]);
  const base = { branch, into, mode, head: branchOid, commits: 0, files: [] as string[] };
  const refuse = (r: Refused): MergePlan => ({ check: { ...base, ...r } });

  // Where the branch is checked out (if anywhere the studio vouches for): its work must be committed.
  const held = trees.find((w) => w.branch === branch)?.path;
  const heldGit = held && (await place.exists(held)) ? known(held) : undefined;
  const dirty = held && heldGit ? await dirtyFiles(heldGit, held) : [];
  if (dirty.length)
    return refuse(
      refused(
        'uncommitted',
        `${branch} has changes not committed in ${held}: ${plural(dirty.length, 'file')} (${nameFiles(dirty)})`,
        'have them committed (or send the task back), then merge',
        dirty,
      ),
    );
  if (req.reviewed && req.reviewed !== branchOid)
    return refuse(
      refused('reviewed', `${branch} has new commits since you reviewed it`, 'review it again, then merge'),
    );
  if (await isAncestor(git, repo, branchOid, intoOid))
    return refuse(refused('merged', `${into} already has everything on ${branch}`));

  const landing = await landingOf(git, repo, { ...req, intoOid, branchOid });
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
      landMerge(
        git,
        { ...req, intoOid, branchOid, landing, message },
        holder && intoGit && { path: holder.path, git: intoGit },
      ),
  };
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

/** Where a task's work goes, and whether the worktree was moved there. */
export interface TaskBranch {
  branch: string;
  /** What the branch was made from, when it was made now: the base, or where the task's work was. */
  madeFrom?: string;
  switched: boolean;
  /** Why the worktree was not switched to it (the agent switches when it starts the task). */
  why?: string;
}

/**
 * Gives a task its branch in the agent's folder (see taskBranch): its own again for a task that
 * comes back, else one made now from where the task's work is (its branch under another agent,
 * or an older studio's task/<id>-<slug>) or from the base. The worktree is switched to it only
 * when `maySwitch` holds (the agent is not in a turn and has no other task under way) and nothing
 * would be carried or lost: no changes not committed, the branch not checked out elsewhere.
 * Otherwise the branch is made and the agent is told to switch when it starts; the task never
 * takes another task's branch.
 */
export async function prepareTaskBranch(
  place: RepoPlace,
  ws: Workspace,
  agentName: string,
  task: { id: number; title: string; branch: string | null },
  maySwitch: { ok: true } | { ok: false; why: string },
): Promise<TaskBranch> {
  const git = await ownGit(place, ws.repo);
  const wt = worktreeGit(place.git, ws);
  const { branch: wanted, madeFrom } = await taskBranchIn(git, ws, agentName, task);
  const made = madeFrom ? { madeFrom } : {};
  const current = await currentBranch(wt, ws.path);
  if (current === wanted) return { branch: wanted, ...made, switched: false };
  if (madeFrom && current === madeFrom) {
    // The task's branch moved into the agent's folder from the one checked out: the worktree goes
    // with it (the same commit, so git moves nothing, uncommitted changes included).
    await wt(ws.path, ['switch', '--quiet', wanted]);
    return { branch: wanted, ...made, switched: true };
  }
  if (!maySwitch.ok) return { branch: wanted, ...made, switched: false, why: maySwitch.why };
  const dirty = await dirtyFiles(wt, ws.path);
  if (dirty.length)
    return {
      branch: wanted,
      ...made,
      switched: false,
      why: `its worktree has changes not committed (${nameFiles(dirty)})`,
    };
  const holder = (await worktrees(git, ws.repo)).find((w) => w.branch === wanted);
  if (holder)
    return { branch: wanted, ...made, switched: false, why: `${wanted} is checked out in ${holder.path}` };
  // Nothing uncommitted, so nothing is carried or lost; ignored files are never overwritten.
  await wt(ws.path, ['switch', '--quiet', '--no-overwrite-ignore', wanted]);
  return { branch: wanted, ...made, switched: true };
}

/** The task's branch in the agent's folder, made now (and from what) when it was not there. */
async function taskBranchIn(
  git: Git,
  ws: Workspace,
  agentName: string,
  task: { id: number; title: string; branch: string | null },
): Promise<{ branch: string; madeFrom?: string }> {
  const own = task.branch && inAgentSpace(agentName, task.branch);
  const wanted = own ? task.branch! : taskBranch(agentName, task.id, task.title);
  if (await branchExists(git, ws.repo, wanted)) return { branch: wanted };
  const elsewhere = !own && task.branch && (await branchExists(git, ws.repo, task.branch));
  const from = elsewhere ? task.branch! : ws.base;
  await checkBranchName(git, ws.repo, wanted);
  await git(ws.repo, ['branch', '--no-track', wanted, `refs/heads/${from}`]);
  return { branch: wanted, madeFrom: from };
}
