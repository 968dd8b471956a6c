// Claude Code's folder trust, as its own config file records it: whether its first start in a
// folder will ask "Do you trust this folder?", and the same trust recorded for a worktree the
// studio made from a repository the person trusted, for the Claude Code versions that do not read
// a worktree's trust from its repository themselves.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import { compareVersions } from './claudeVersion.js';
import { defaultHome } from './claudeLaunch.js';

/**
 * The oldest Claude Code seen to read a git worktree's trust from its repository's main folder
 * (and to record a "Yes" given in a worktree there). 2.0.50 asks in each worktree; somewhere between
 * the two it changed, and a version in between gets the record below, which it may not need.
 */
export const WORKTREE_TRUST_FROM = '2.1.200';

type Projects = Record<string, Record<string, unknown> | undefined>;
interface ClaudeConfig {
  projects?: Projects;
  [key: string]: unknown;
}

/**
 * The file Claude Code keeps its settings and each folder's trust in: `~/.claude.json`, or
 * `.claude.json` in CLAUDE_CONFIG_DIR; an old install's `.config.json` in its config folder wins.
 */
export function claudeConfigFile(env: NodeJS.ProcessEnv): string {
  const legacy = join(env.CLAUDE_CONFIG_DIR || join(defaultHome(env), '.claude'), '.config.json');
  if (existsSync(legacy)) return legacy;
  return join(env.CLAUDE_CONFIG_DIR || defaultHome(env), '.claude.json');
}

function readConfig(file: string): ClaudeConfig | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as ClaudeConfig) : undefined;
  } catch {
    return undefined;
  }
}

/** Claude Code writes each folder under its real path. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const trustedIn = (config: ClaudeConfig | undefined, folder: string): boolean =>
  config?.projects?.[folder]?.hasTrustDialogAccepted === true;

/**
 * Claude Code will start in `folder` without asking: its repository's main folder is trusted (2.1
 * reads a worktree's trust there), or the folder or one above it, up to that repository's folder
 * when it is inside it (2.1 looks no higher). An unreadable or missing file trusts nothing.
 */
export function claudeTrusts(file: string, folder: string, repo?: string): boolean {
  const config = readConfig(file);
  if (!config) return false;
  const top = repo ? real(repo) : undefined;
  if (top && trustedIn(config, top)) return true;
  const within = (dir: string) => !top || dir === top || dir.startsWith(top + sep);
  for (let dir = real(folder); within(dir); dir = dirname(dir)) {
    if (trustedIn(config, dir)) return true;
    if (dirname(dir) === dir) break;
  }
  return false;
}

/** The version reads a worktree's trust from its repository itself (undefined: not known). */
export const readsWorktreeTrust = (version: string | undefined): boolean =>
  !!version && compareVersions(version, WORKTREE_TRUST_FROM) >= 0;

export type TrustRecord =
  /** Written now. */
  | 'recorded'
  /** The worktree was trusted already. */
  | 'already'
  /** The person has not trusted the repository: Claude Code asks in the worktree, and they answer. */
  | 'untrusted'
  /** Claude Code holds its lock on the file now: try again in a moment. */
  | 'busy'
  /** The file could not be read or written: Claude Code will ask. */
  | 'skipped';

/**
 * Records the trust the person gave a repository's main folder for a worktree the studio made from
 * it: `projects[worktree].hasTrustDialogAccepted`, every other field of the file kept, under Claude
 * Code's own lock on it (a folder `<file>.lock` made to take it, proper-lockfile's way, which every
 * version here uses), written whole to a new file that then replaces it. Never for a repository the
 * person has not trusted. Synchronous and never waiting: 'busy' while a running Claude Code holds
 * the lock (the caller may try again shortly).
 */
export function recordWorktreeTrust(file: string, repo: string, worktree: string): TrustRecord {
  const target = real(file);
  const lock = `${target}.lock`;
  try {
    mkdirSync(lock);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'busy' : 'skipped';
  }
  try {
    const config = readConfig(target);
    if (!config) return 'skipped';
    if (!trustedIn(config, real(repo))) return 'untrusted';
    const key = real(worktree);
    if (trustedIn(config, key)) return 'already';
    const projects = config.projects ?? {};
    const next: ClaudeConfig = {
      ...config,
      projects: { ...projects, [key]: { allowedTools: [], ...projects[key], hasTrustDialogAccepted: true } },
    };
    const temp = `${target}.ccstudio-${randomBytes(6).toString('hex')}`;
    try {
      writeFileSync(temp, JSON.stringify(next, null, 2), { mode: statSync(target).mode & 0o777, flag: 'wx' });
      renameSync(temp, target);
    } catch {
      if (existsSync(temp)) unlinkSync(temp);
      return 'skipped';
    }
    return 'recorded';
  } finally {
    releaseLock(lock);
  }
}

/** Gives Claude Code's lock back: held for a few milliseconds, far from stale. */
function releaseLock(lock: string): void {
  try {
    rmdirSync(lock);
  } catch {
    // Gone already.
  }
}
