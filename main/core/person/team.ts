// The first team, and the folders agents work in: what the first-run screen, the Add agent
// dialog and `serve --cwd` rely on.
import { constants, existsSync, statSync } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Workspace } from '../../contract/model.js';
import type { FolderCheck } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import { realOrSelf } from './ownFolders.js';

export const COMMANDER_ROLE =
  'Commander: plan the work, split it into tasks, dispatch them to the agents (dispatch_task), follow their progress, review results, and answer their permission prompts when needed (peer_state, respond).';
export const AGENT_ROLE =
  'Engineer: take tasks from your inbox, do them well, report with update_task and messages.';

/** Folders offered as recent: enough to find last week's projects, few enough to scan. */
const RECENT_FOLDERS = 8;

/** The names of a team of `count`: the commander, then agent-1..N. */
export function teamNames(count: number): string[] {
  return ['commander', ...Array.from({ length: count }, (_, i) => `agent-${i + 1}`)];
}

/**
 * Adds the commander and agent-1..N that do not exist yet, all set to start with the studio;
 * existing ones are set to start too. Returns the names it added.
 */
export function ensureTeam(
  agents: Pick<AgentRegistry, 'get' | 'setLaunch' | 'add'>,
  count: number,
  cwd: string,
  workspaces: ReadonlyMap<string, Workspace> = new Map(),
): string[] {
  const added: string[] = [];
  for (const name of teamNames(count)) {
    const existing = agents.get(name);
    if (existing) {
      if (!existing.autostart && !existing.remote) agents.setLaunch(existing.id, { autostart: true });
      continue;
    }
    const commander = name === 'commander';
    const workspace = workspaces.get(name);
    agents.add({
      name,
      role: commander ? 'commander' : 'engineer',
      cwd: workspace?.path ?? cwd,
      ...(workspace ? { workspace } : {}),
      commander,
      rolePrompt: commander ? COMMANDER_ROLE : AGENT_ROLE,
      autostart: true,
    });
    added.push(name);
  }
  return added;
}

/** `~/x` and relative paths as the person means them: from home, and from `base`. */
export function expandFolder(path: string, base: string, home = homedir()): string {
  const trimmed = path.trim();
  if (trimmed === '~') return home;
  if (trimmed.startsWith('~/')) return join(home, trimmed.slice(2));
  return isAbsolute(trimmed) ? resolve(trimmed) : resolve(base, trimmed);
}

/** `child` is `parent` or inside it. */
export function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function gitRepoAt(dir: string): Promise<boolean> {
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** The studio's own folder that `dir` is in, if any (both compared as real paths where they exist). */
export function ownFolderOf(dir: string, ownDirs: readonly string[]): string | undefined {
  if (!ownDirs.length) return undefined;
  const real = realOrSelf(dir);
  return ownDirs.find((own) => inside(own, real) || inside(own, dir));
}

/** Said of a folder inside the studio's own: usable (the studio's developers work there), never suggested. */
export function ownFolderCaution(full: string, own: string): string {
  return `${full === own ? 'This is' : `${full} is inside`} the folder this Claude Code Studio runs from (${own}): agents here would change the studio itself. Pick your project's folder; keep this one only if you mean to work on the studio.`;
}

/**
 * Whether an agent can work in this folder: it exists, is a folder, the studio's user can enter
 * and write it, and it is not inside the studio's private data folder. Asynchronous: a folder on
 * a slow or hung mount must not stop every agent's terminal while the person types its path.
 * The studio's own folders (`ownDirs`, real paths) pass with a caution, as the home folder does.
 */
export async function checkFolder(
  path: string,
  opts: { base: string; privateDirs: readonly string[]; home?: string; ownDirs?: readonly string[] },
): Promise<FolderCheck> {
  if (!path.trim()) return { path: '', ok: false, problem: 'Type a folder.', git: false };
  const full = expandFolder(path, opts.base, opts.home);
  if (!(await exists(full))) return { path: full, ok: false, problem: `${full} does not exist.`, git: false };
  let real: string;
  try {
    if (!(await stat(full)).isDirectory())
      return { path: full, ok: false, problem: `${full} is a file, not a folder.`, git: false };
    real = await realpath(full);
    await access(full, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return { path: full, ok: false, problem: `You cannot read and write ${full}.`, git: false };
  }
  const realOf = (p: string) => realpath(p).catch(() => p);
  const privateDirs = await Promise.all(opts.privateDirs.filter(Boolean).map(realOf));
  if (privateDirs.some((d) => inside(d, real)))
    return {
      path: full,
      ok: false,
      problem: `${full} is inside the studio's private data folder; pick your project's folder.`,
      git: false,
    };
  const git = await gitRepoAt(real);
  const own = opts.ownDirs?.find((d) => inside(d, real));
  if (own) return { path: full, ok: true, git, problem: ownFolderCaution(full, own) };
  const home = await realOf(opts.home ?? homedir());
  return {
    path: full,
    ok: true,
    git,
    ...(!git && real === home
      ? {
          problem:
            'This is your whole home folder: agents will see everything in it. A project folder is safer.',
        }
      : {}),
  };
}

/** The studio setting that keeps the folder the person chose for the team (the first run's). */
export const TEAM_FOLDER_SETTING = 'teamFolder';

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Where a new team or agent goes unless the person says otherwise: the folder they chose for the
 * team, while it is there; else the folder the studio was started in, unless that is the studio's
 * own (`npm start` in its checkout), when nothing is suggested and `note` says why.
 */
export function suggestFolder(opts: {
  chosen?: string | undefined;
  startedIn: string;
  ownDirs: readonly string[];
}): { suggested: string; note?: string } {
  if (opts.chosen && isFolder(opts.chosen)) return { suggested: opts.chosen };
  const own = ownFolderOf(opts.startedIn, opts.ownDirs);
  if (!own) return { suggested: opts.startedIn };
  return {
    suggested: '',
    note: `The studio was started in its own folder (${own}), which is not offered: type your project's folder.`,
  };
}

/**
 * Folders agents worked in, most recently added first, that still exist; never the studio's own
 * (`ownDirs`, real paths), which a person who typed one past its caution can type again.
 */
export function recentFolders(
  agents: Pick<AgentRegistry, 'list'>,
  also: string[] = [],
  ownDirs: readonly string[] = [],
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const candidates = [
    ...agents
      .list()
      .filter((a) => a.kind === 'agent' && !a.remote && a.cwd)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .map((a) => a.cwd),
    ...also,
  ];
  for (const dir of candidates) {
    if (seen.has(dir) || !existsSync(dir) || ownFolderOf(dir, ownDirs)) continue;
    seen.add(dir);
    out.push(dir);
    if (out.length >= RECENT_FOLDERS) break;
  }
  return out;
}
