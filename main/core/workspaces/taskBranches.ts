// A task's branch in its agent's folder of branches, and the agent's worktree switched to it when
// that moves nothing under the agent: made with git before the board writes the assignment (its
// mail names the branch). taskDispatch.ts decides when; this says what git does.
import type { Workspace } from '../../contract/model.js';
import { worktreeGit, type Git } from './git.js';
import { branchExists, checkBranchName, currentBranch, dirtyFiles, worktrees } from './gitReads.js';
import { ownGit } from './repoAccess.js';
import type { RepoPlace } from './repoPlace.js';
import { inAgentSpace, nameFiles, taskBranch } from './workspaceNames.js';

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
