// What the person reviews of a worktree: its changes against its base counted per file (the
// badge and the changes list), and the unified diff of its work, untracked files shown as new
// ones, cut to what a window can hold. Reads only; nothing here changes a repository.
import { StudioError } from '../../contract/errors.js';
import { MAX_CHANGED_FILES, MAX_DIFF_BYTES } from '../../contract/limits.js';
import type {
  ChangeCounts,
  FileChange,
  Workspace,
  WorkspaceChanges,
  WorkspaceDiff,
} from '../../contract/model.js';
import { nulFields, worktreeGit, type Git } from './git.js';
import { branchExists, currentBranch, dirtyFiles, mergeBase, pushRemote, revParse } from './gitReads.js';
import { checkOwnGitDir, ownGit } from './repoAccess.js';
import type { RepoPlace } from './repoPlace.js';
import { onHost } from './workspaceNames.js';

/** Untracked files whose lines are counted; a build folder nobody ignored counts as files only. */
const MAX_UNTRACKED_READ = 500;

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
    throw new StudioError('not_found', `${agent}'s worktree ${path}${onHost(place)} no longer exists.`);
  await checkOwnGitDir(place, ws.repo);
  const git = worktreeGit(place.git, ws);
  const [branch, mb] = await Promise.all([currentBranch(git, path), mergeBase(git, path, base, 'HEAD')]);
  const read = await readChanges(git, path, base, mb);
  const untracked = await untrackedRows(place, path, read.untracked);
  const files = fileChanges(read, untracked);
  return {
    agent,
    path,
    branch,
    base,
    behind: Number(read.aheadBehind[0] ?? 0),
    ahead: Number(read.aheadBehind[1] ?? 0),
    committed: sum(read.committed),
    uncommitted: sum([...read.uncommitted, ...untracked]),
    total: sum(files),
    files: files.slice(0, MAX_CHANGED_FILES),
    filesTruncated: files.length > MAX_CHANGED_FILES,
    at: now,
  };
}

/** What git says of a worktree against its merge base `mb`: one command per question, side by side. */
interface ChangesRead {
  committed: NumstatLine[];
  uncommitted: NumstatLine[];
  total: NumstatLine[];
  /** --name-status pairs: a status letter, then its path. */
  status: string[];
  untracked: string[];
  /** Commits the base has that HEAD lacks, then the other way round. */
  aheadBehind: string[];
}

async function readChanges(git: Git, path: string, base: string, mb: string): Promise<ChangesRead> {
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
  return { committed, uncommitted, total, status, untracked, aheadBehind };
}

/** Untracked files counted as added lines: the first MAX_UNTRACKED_READ read, the rest as files only. */
async function untrackedRows(place: RepoPlace, path: string, untracked: string[]): Promise<NumstatLine[]> {
  const read = await place.readUntracked(path, untracked.slice(0, MAX_UNTRACKED_READ));
  const notRead = untracked.slice(MAX_UNTRACKED_READ).map((p) => ({ path: p, text: null, binary: false }));
  return [...read, ...notRead].map(({ path: p, text, binary }) => ({
    path: p,
    added: text === null ? 0 : countLines(text),
    removed: 0,
    binary,
  }));
}

/** Every changed file: tracked ones with where their changes are (commits, working tree), then untracked ones. */
function fileChanges(read: ChangesRead, untracked: NumstatLine[]): FileChange[] {
  const { status } = read;
  const statusOf = new Map<string, string>();
  for (let i = 0; i + 1 < status.length; i += 2) statusOf.set(status[i + 1]!, status[i]!);
  const committedSet = new Set(read.committed.map((c) => c.path));
  const uncommittedSet = new Set(read.uncommitted.map((c) => c.path));
  return [
    ...read.total.map((t) => ({
      path: t.path,
      status: statusKind(statusOf.get(t.path)),
      added: t.added,
      removed: t.removed,
      binary: t.binary,
      committed: committedSet.has(t.path),
      uncommitted: uncommittedSet.has(t.path),
    })),
    ...untracked.map((u) => ({
      ...u,
      status: 'untracked' as const,
      committed: false,
      uncommitted: true,
    })),
  ];
}

function statusKind(s: string | undefined): FileChange['status'] {
  return s === 'A' ? 'added' : s === 'M' ? 'modified' : s === 'D' ? 'deleted' : 'other';
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
  /** Show only what changed since this commit (the one last reviewed), not since the base. */
  since?: string;
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
  const from = target.since ?? mb;
  const args = ['diff', '--no-color', '--no-renames', '--no-ext-diff', '--no-textconv', from];
  const out = await g(cwd, live ? args : [...args, head], { cutOutput: true });
  const whole = live ? await withUntracked(place, wt, cwd, out.stdout) : { patch: out.stdout, full: false };
  const { patch, cut } = cutPatch(whole.patch);
  const uncommittedFiles = live ? await notCommitted(g, cwd, mb, head) : [];
  return {
    agent,
    branch,
    base: ws.base,
    patch,
    truncated: !!out.truncated || whole.full || cut,
    includesUncommitted: live,
    head,
    uncommittedFiles,
    remote: await pushRemote(git, ws.repo),
    ...(target.since ? { since: target.since } : {}),
  };
}

/** What a merge of a task's branch would take, counted: its commits since the base (numstat). */
export async function branchCounts(place: RepoPlace, ws: Workspace, branch: string): Promise<ChangeCounts> {
  const git = await ownGit(place, ws.repo);
  const head = await revParse(git, ws.repo, branch);
  const mb = await mergeBase(git, ws.repo, ws.base, head);
  const out = await git(ws.repo, [
    'diff',
    '--numstat',
    '-z',
    '--no-renames',
    '--no-ext-diff',
    '--no-textconv',
    mb,
    head,
  ]);
  return sum(parseNumstat(out.stdout));
}

/**
 * The patch with the worktree's untracked files added as new ones, and whether one did not fit (so
 * the review says it is cut there).
 */
async function withUntracked(
  place: RepoPlace,
  git: Git,
  cwd: string,
  patch: string,
): Promise<{ patch: string; full: boolean }> {
  const untracked = nulFields((await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'])).stdout);
  let full = false;
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
  return { patch, full };
}

/** A patch cut to MAX_DIFF_BYTES at a file's start, so the viewer never gets half a hunk. */
function cutPatch(patch: string): { patch: string; cut: boolean } {
  if (patch.length <= MAX_DIFF_BYTES) return { patch, cut: false };
  const at = patch.lastIndexOf('\ndiff --git ', MAX_DIFF_BYTES);
  return { patch: patch.slice(0, at > 0 ? at + 1 : MAX_DIFF_BYTES), cut: true };
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
