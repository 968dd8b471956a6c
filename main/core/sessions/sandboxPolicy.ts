// What a sandboxed agent may touch. Claude Code's own sandbox (bubblewrap on Linux, Seatbelt on
// macOS) keeps the studio's data out of its reach; for a worktree agent the repository's .git is
// an allow-list: its objects, its own worktree admin folder (less the pointers back to the
// repository) and its own folder of branches (ccstudio/<name>/), nothing else, paths that do not
// exist yet included. Claude Code lets a worktree write the whole .git, and a deny rule for a path
// that does not exist yet makes its bubblewrap plant an empty file there for the command's length
// (an empty .git/commondir stops every git in the person's checkout), so on Linux the studio runs
// Claude Code itself inside a mount namespace of its own (the git guard) where .git is read-only
// but for those parts. macOS's Seatbelt refuses paths by name, existing or not: there Claude Code's
// settings carry the refusals.
import { existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { Agent, Workspace } from '../../contract/model.js';
import { agentBranchSpace } from '../workspaces/workspaceNames.js';
import { findExecutable, type Launch, type SandboxPaths } from '../claude/claudeLaunch.js';
import { compareVersions } from '../claude/claudeVersion.js';
import { sandboxUnavailable } from './sandboxCheck.js';

/**
 * The first Claude Code whose sandbox starts its commands with the repository's .git read-only:
 * found by running the real attack test (test/realclients/claudeGitGuard.test.ts) on the releases
 * from 2.1.200 on (2.1.296 and older plant their own placeholder files in .git, which the guard
 * refuses, so every Bash command of theirs fails).
 */
export const GIT_GUARD_FROM = '2.1.299';
/**
 * A file in each folder of branches the guard lets an agent write: git skips names that start with
 * a dot, and a folder that is never empty is never removed by git (pack-refs prunes empty ones),
 * which would leave the agent writing into a folder nobody else sees.
 */
const KEEP_FILE = '.ccstudio-keep';
/** What git reads from a repository's .git that decides where it takes config, hooks and refs from. */
const GIT_POINTERS = ['commondir', 'config', 'config.worktree', 'packed-refs', 'HEAD', 'index', 'shallow'];
/** Folders of .git git reads code or redirections from, or the person's own refs. */
const GIT_FOLDERS = ['hooks', 'info', 'modules', 'objects/info', 'refs/tags', 'refs/remotes', 'refs/replace'];
/** A repository's state files that change what the person's next git command does. */
const GIT_STATE = ['MERGE_HEAD', 'MERGE_MSG', 'ORIG_HEAD', 'FETCH_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'];

/** Where a worktree agent's git data is: the repository's .git, its admin folder there, its checkout. */
export interface GitLayout {
  /** The repository's .git (the common dir). */
  gitDir: string;
  /** The worktree's admin folder, .git/worktrees/<name>. */
  adminDir: string;
  worktree: string;
  /** The agent's folder of branches, relative to refs/heads (ccstudio/<name>). */
  branchSpace: string;
}

export function gitLayout(ws: Workspace, agentName: string): GitLayout {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  const adminDir = real(ws.gitDir);
  return {
    gitDir: dirname(dirname(adminDir)),
    adminDir,
    worktree: real(ws.path),
    branchSpace: agentBranchSpace(agentName).replace(/\/$/, ''),
  };
}

/** The bubblewrap command line that runs a program with only the agent's parts of .git writable. */
export function gitGuardArgs(g: GitLayout): string[] {
  const heads = join(g.gitDir, 'refs', 'heads', g.branchSpace);
  const logs = join(g.gitDir, 'logs', 'refs', 'heads', g.branchSpace);
  const objectsInfo = join(g.gitDir, 'objects', 'info');
  const ro = (p: string) => ['--ro-bind', p, p];
  const rw = (p: string) => ['--bind', p, p];
  return [
    // Everything as it is (devices, /proc, the terminal), then .git read-only but for its parts.
    '--dev-bind',
    '/',
    '/',
    ...ro(g.gitDir),
    ...rw(join(g.gitDir, 'objects')),
    // Alternates and commit-graphs redirect or replace what git reads of objects.
    ...(existsSync(objectsInfo) ? ro(objectsInfo) : []),
    ...rw(g.adminDir),
    ...ro(join(g.adminDir, 'commondir')),
    ...ro(join(g.adminDir, 'gitdir')),
    ...ro(join(g.adminDir, 'config.worktree')),
    ...rw(heads),
    ...rw(logs),
    // The checkout's pointer to its admin folder: the person's git in that folder reads it too.
    ...ro(join(g.worktree, '.git')),
    // Claude Code goes when the guard goes (a SIGKILL to it), never on without it.
    '--die-with-parent',
  ];
}

/**
 * Makes what the guard binds: the agent's folders of branches and reflogs (with KEEP_FILE), and an
 * empty config.worktree in its admin folder (git reads it only where the repository turned
 * worktree config on; the guard keeps it read-only, so a bind needs it to exist).
 */
export function prepareGitGuard(g: GitLayout): void {
  for (const dir of [
    join(g.gitDir, 'refs', 'heads', g.branchSpace),
    join(g.gitDir, 'logs', 'refs', 'heads', g.branchSpace),
  ]) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StudioError(
        'conflict',
        `Could not make ${dir} for the agent's branches (${(err as Error).message}): a branch named ${g.branchSpace} is in the way. Rename it (git branch -m), then start the agent again.`,
      );
    }
    const keep = join(dir, KEEP_FILE);
    if (!existsSync(keep)) writeFileSync(keep, '');
  }
  const worktreeConfig = join(g.adminDir, 'config.worktree');
  if (!existsSync(worktreeConfig)) writeFileSync(worktreeConfig, '');
  for (const p of [join(g.adminDir, 'commondir'), join(g.adminDir, 'gitdir'), join(g.worktree, '.git')])
    if (!existsSync(p))
      throw new StudioError('not_found', `${p} is missing: git no longer knows this worktree.`);
}

/** The launch run inside the git guard: bubblewrap first, the program after `--`. */
export function guardLaunch(launch: Launch, bwrap: string, g: GitLayout): Launch {
  return {
    command: bwrap,
    args: [...gitGuardArgs(g), '--', launch.command, ...launch.args],
    env: launch.env,
    wrapped: launch.command,
  };
}

/**
 * Claude Code's settings for the worktree's .git: writable (commits write objects, refs and the
 * worktree's admin folder). Claude Code turns its Edit rules into sandbox rules too, so the file
 * tools are kept out by the same means as the shell: on Linux the git guard (they run inside it),
 * on macOS the refusals by name (Seatbelt refuses a path whether it exists or not): the pointers
 * and hooks, other agents' and the person's branches and worktrees.
 */
export function worktreeSandbox(
  g: GitLayout,
  platform: NodeJS.Platform,
): Pick<SandboxPaths, 'allowWrite' | 'denyWrite'> {
  if (platform !== 'darwin') return { allowWrite: [g.gitDir] };
  const listed = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  const heads = join(g.gitDir, 'refs', 'heads');
  const [space, own] = g.branchSpace.split('/') as [string, string];
  const denyWrite = [
    ...[...GIT_POINTERS, ...GIT_FOLDERS, ...GIT_STATE].map((p) => join(g.gitDir, p)),
    ...listed(heads)
      .filter((n) => n !== space)
      .map((n) => join(heads, n)),
    ...listed(join(heads, space))
      .filter((n) => n !== own)
      .map((n) => join(heads, space, n)),
    ...listed(join(g.gitDir, 'worktrees'))
      .map((n) => join(g.gitDir, 'worktrees', n))
      .filter((a) => a !== g.adminDir),
    ...['commondir', 'gitdir', 'config.worktree'].map((p) => join(g.adminDir, p)),
    join(g.worktree, '.git'),
  ];
  return { allowWrite: [g.gitDir], denyWrite };
}

export interface SandboxInput {
  agent: Agent;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Folders no sandboxed agent may read: the studio's data and launch files. */
  privateDirs: string[];
  /** Claude Code's version, when known. */
  version: string | undefined;
  platform?: NodeJS.Platform;
}

/** The sandbox a sandboxed agent runs in, and on Linux the git guard around it for a worktree agent. */
export interface SandboxPlan {
  paths: SandboxPaths;
  guard?: { bwrap: string; layout: GitLayout };
}

/** The sandbox a sandboxed profile runs in, or an error saying why it cannot run here. */
export function sandboxPlan(input: SandboxInput): SandboxPlan {
  const { agent, cwd, env } = input;
  const platform = input.platform ?? process.platform;
  const reason = sandboxUnavailable(env, platform);
  if (reason)
    throw new StudioError(
      'unavailable',
      `${agent.name} has the sandboxed profile, but Claude Code's sandbox cannot run here: ${reason} ` +
        'The studio does not start a sandboxed agent without its sandbox.',
    );
  const denyRead = [...new Set(input.privateDirs.filter(Boolean))];
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  const inside = denyRead.find((dir) => {
    const rel = relative(real(dir), real(cwd));
    return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
  });
  if (inside)
    throw new StudioError(
      'invalid',
      `${agent.name} is sandboxed away from ${inside}, so it cannot work in ${cwd}; pick another folder.`,
    );
  if (!agent.workspace) return { paths: { denyRead } };
  const layout = gitLayout(agent.workspace, agent.name);
  const paths = { denyRead, ...worktreeSandbox(layout, platform) };
  if (platform !== 'linux') return { paths };
  checkGuardVersion(agent.name, input.version);
  // sandboxUnavailable found bwrap on PATH and saw it make a namespace.
  const bwrap = findExecutable('bwrap', env)!;
  prepareGitGuard(layout);
  return { paths, guard: { bwrap, layout } };
}

/** Refuses a Claude Code too old to run its sandbox inside the git guard (see GIT_GUARD_FROM). */
function checkGuardVersion(name: string, version: string | undefined): void {
  if (version && compareVersions(version, GIT_GUARD_FROM) < 0)
    throw new StudioError(
      'unavailable',
      `${name} is sandboxed in a git worktree, which needs Claude Code ${GIT_GUARD_FROM} or newer (this is ${version}): older versions cannot run their sandbox with the repository's .git read-only. Update Claude Code (\`claude update\`), or run ${name} without the sandboxed profile.`,
    );
}
