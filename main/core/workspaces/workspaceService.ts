// The person's side of worktrees: changes, diffs, merge, send back and pull requests, as
// StudioService methods (studio.ts spreads these into the service it builds).
import { execFile } from 'node:child_process';
import { StudioError } from '../../contract/errors.js';
import type { Agent, Task } from '../../contract/model.js';
import type { StudioService, WorkTarget } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';
import { mergeCommitMessage, pullRequestBody, pullRequestTitle } from './commitText.js';
import type { Workspaces } from './workspaces.js';
import { ownGit, pushRemote } from './gitWorkspace.js';

/** A push and a pull request over the network: slower than local git, still bounded. */
const FORGE_TIMEOUT_MS = 120_000;

export interface WorkspaceServiceDeps {
  agents: AgentRegistry;
  board: TaskBoard;
  bus: MessageBus;
  workspaces: Workspaces;
  person(): Agent;
}

type WorkspaceMethods = Pick<
  StudioService,
  'agentChanges' | 'allChanges' | 'workDiff' | 'merge' | 'sendBack' | 'openPullRequest'
>;

export const systemGh = (cwd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(
      'gh',
      args,
      { cwd, timeout: FORGE_TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, GH_PROMPT_DISABLED: '1' } },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(
            new StudioError(
              'unavailable',
              'The GitHub CLI (gh) is not installed: install it and run `gh auth login` to open pull requests.',
            ),
          );
        reject(new StudioError('unavailable', `gh failed: ${(stderr || err.message).trim()}`));
      },
    ),
  );

export function workspaceService(deps: WorkspaceServiceDeps): WorkspaceMethods {
  const { agents, board, bus, workspaces } = deps;

  /** The agent and branch a target names: a task's assignee and its branch, or an agent as it is. */
  const resolve = (target: {
    agent?: string;
    taskId?: number;
  }): { agent: Agent; branch?: string; task?: Task } => {
    if (target.taskId !== undefined) {
      const task = board.get(target.taskId);
      if (!task.assignee)
        throw new StudioError('invalid', `Task #${task.id} has no assignee, so no work to show.`);
      const agent = agents.require(task.assignee);
      if (!agent.workspace)
        throw new StudioError(
          'invalid',
          `Task #${task.id} is with ${agent.name}, which works in a plain folder: there is no branch of its own to review.`,
        );
      return { agent, ...(task.branch ? { branch: task.branch } : {}), task };
    }
    if (!target.agent) throw new StudioError('invalid', 'Name the agent or the task.');
    return { agent: agents.require(target.agent) };
  };

  return {
    agentChanges: async (name) => workspaces.changes(agents.require(name)),
    allChanges: async () => workspaces.all(),
    workDiff: async (target: WorkTarget) => {
      const { agent, branch } = resolve(target);
      return workspaces.diff(agent, branch);
    },
    merge: async (input) => {
      if ((input.agent === undefined) === (input.taskId === undefined))
        throw new StudioError('invalid', 'Merge either an agent (agent) or a task (taskId).');
      const { agent, branch, task } = resolve(input);
      const result = await workspaces.merge(agent, {
        ...(branch ? { branch } : {}),
        ...(input.into ? { into: input.into } : {}),
        ...(input.reviewed ? { reviewed: input.reviewed } : {}),
        mode: input.mode ?? 'merge-commit',
        message: (b) => mergeCommitMessage({ branch: b, agent: agent.name, ...(task ? { task } : {}) }),
      });
      if (task) {
        const note = `merged ${result.branch} into ${result.into} (${result.commit.slice(0, 10)}, ${result.mode})`;
        try {
          board.update(
            deps.person(),
            task.status === 'done' ? { id: task.id, note } : { id: task.id, status: 'done', note },
          );
        } catch {
          // The merge happened; a card that could not be moved (removed meanwhile) does not undo it.
        }
        return { ...result, taskId: task.id };
      }
      return result;
    },
    sendBack: async ({ taskId, note }) => {
      const task = board.get(taskId);
      if (!task.assignee)
        throw new StudioError('invalid', `Task #${taskId} has no assignee to send it back to.`);
      const me = deps.person();
      const updated = board.update(me, { id: taskId, status: 'in_progress', note: `sent back: ${note}` });
      const to = agents.require(task.assignee);
      if (to.id !== me.id)
        bus.send(
          me,
          to.name,
          `Task #${taskId} "${task.title}" came back from review: ${note}\n\nWork on it${task.branch ? ` on ${task.branch}` : ''}, commit, and move it to review again with update_task.`,
          { type: 'task', taskId },
        );
      return updated;
    },
    openPullRequest: async (target) => {
      const { agent, branch: taskBranch, task } = resolve(target);
      const ws = agent.workspace;
      if (!ws)
        throw new StudioError(
          'invalid',
          `${agent.name} works in a plain folder: there is no branch to propose.`,
        );
      const branch = taskBranch ?? (await workspaces.branchOf(agent));
      if (!branch) throw new StudioError('invalid', `${agent.name}'s worktree has no branch checked out.`);
      // Pushed from where the repository is, with that machine's credentials and gh.
      const place = workspaces.gitFor(agent);
      const { gh } = place;
      const git = await ownGit(place, ws.repo);
      const remote = await pushRemote(git, ws.repo);
      if (!remote)
        throw new StudioError(
          'unavailable',
          `${ws.repo} has no remote to push ${branch} to: add one (git remote add origin URL).`,
        );
      // The branch name may come from the agent's worktree: checked, and pushed as a full ref
      // (a name starting with "-" can never reach git as an option).
      await git(ws.repo, ['check-ref-format', `refs/heads/${branch}`]).catch(() => {
        throw new StudioError('invalid', `"${branch}" is not a branch name git accepts.`);
      });
      await gh(ws.repo, ['--version']);
      // The person's pre-push hook is meant to run on a push: the one hook the studio's git runs.
      await git(ws.repo, ['push', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
        hooks: true,
      });
      const out = await gh(ws.repo, [
        'pr',
        'create',
        '--base',
        ws.base,
        '--head',
        branch,
        '--title',
        pullRequestTitle(agent.name, branch, task),
        '--body',
        pullRequestBody(agent.name, task),
      ]);
      return out.trim().split('\n').at(-1) ?? '';
    },
  };
}
