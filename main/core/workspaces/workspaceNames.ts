// The names the studio gives and says for worktrees: each agent's folder of branches and the
// branches in it, where a worktree goes by default, and how files and hosts are named in an
// answer. Pure: no git runs here, so the sandbox's policy and the board can use them as they are.
import { basename, dirname, join } from 'node:path';
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

/** "a, b, c and 4 more": files named in an answer without flooding it. */
export function nameFiles(files: string[]): string {
  const shown = files.slice(0, FILES_NAMED).join(', ');
  return files.length > FILES_NAMED ? `${shown} and ${files.length - FILES_NAMED} more` : shown;
}

/** " on HOST" for a place on another machine: said wherever a path is named. */
export function onHost(place: RepoPlace): string {
  return place.host ? ` on ${place.host}` : '';
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
