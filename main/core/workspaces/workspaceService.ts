// The person's side of worktrees: changes, diffs, merge, send back and pull requests, as
// StudioService methods (studio.ts spreads these into the service it builds).
import { execFile } from 'node:child_process';
import { StudioError } from '../../contract/errors.js';
import type { Agent, MergeResult, Task } from '../../contract/model.js';
import type { MergeInput, StudioService, WorkTarget } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';
import { mergeCommitMessage, pullRequestBody, pullRequestTitle } from './commitText.js';
import type { MergeOptions, Workspaces } from './workspaces.js';
import { mergePreviewText, MergeRefused, type MergeCheck } from './branchMerge.js';
import { pushRemote } from './gitReads.js';
import { ownGit } from './repoAccess.js';
import { taskIdOfBranch } from './workspaceNames.js';

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
  'agentChanges' | 'allChanges' | 'workDiff' | 'merge' | 'previewMerge' | 'sendBack' | 'openPullRequest'
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

/**
 * A merge of a task's branch that the base already has, said of the task: merged and done, or
 * (its work never came, or came some other way) still open, for the person to close.
 */
export function alreadyMergedText(check: Pick<MergeCheck, 'branch' | 'into'>, task: Task): string {
  if (task.status === 'done') return `Task #${task.id} is already merged into ${check.into} and done.`;
  return `Nothing to merge: ${check.into} already has everything on ${check.branch}; task #${task.id} stays ${task.status.replace('_', ' ')} (mark it done if its work is already in ${check.into}).`;
}

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

  /** What a merge names: an agent's checked-out branch, or a task's branch on its assignee. */
  const mergeTarget = (input: MergeInput): { agent: Agent; task?: Task; options: MergeOptions } => {
    if ((input.agent === undefined) === (input.taskId === undefined))
      throw new StudioError('invalid', 'Merge either an agent (agent) or a task (taskId).');
    const { agent, branch, task } = resolve(input);
    return {
      agent,
      ...(task ? { task } : {}),
      options: {
        ...(branch ? { branch } : {}),
        ...(input.into ? { into: input.into } : {}),
        ...(input.reviewed ? { reviewed: input.reviewed } : {}),
        mode: input.mode ?? 'merge-commit',
      },
    };
  };

  /** The task whose branch `branch` is (see taskIdOfBranch), as the board has it now. */
  const taskOfBranch = (branch: string): Task | undefined => {
    const id = taskIdOfBranch(branch);
    if (id === undefined) return undefined;
    const task = tryGet(id);
    return task?.branch === branch ? task : undefined;
  };
  const tryGet = (id: number): Task | undefined => {
    try {
      return board.get(id);
    } catch {
      return undefined;
    }
  };

  /**
   * The tasks a merge of `branch` finishes, as they are now: the task merged from its card, and
   * the task whose branch it is, whichever way it was merged (by agent, by card, from the CLI).
   */
  const tasksMerging = (branch: string, named?: Task): Task[] => {
    const tasks = [named && tryGet(named.id), taskOfBranch(branch)].filter((t): t is Task => !!t);
    return tasks.filter((t, i) => tasks.findIndex((u) => u.id === t.id) === i);
  };

  /**
   * A merge of a task's work finishes the task: done, with the merge (its branch, base, commit and
   * kind) in its history and the feed, by the person, so its dispatcher hears of it. Returns the
   * first task's id.
   */
  const finishMerged = (result: MergeResult, tasks: Task[]): number | undefined => {
    const kind = result.mode === 'fast-forward' ? 'fast-forward' : 'merge commit';
    const note = `merged ${result.branch} into ${result.into} (${result.commit.slice(0, 10)}, ${kind})`;
    for (const task of tasks) {
      try {
        board.update(
          deps.person(),
          task.status === 'done' ? { id: task.id, note } : { id: task.id, status: 'done', note },
        );
      } catch {
        // The merge happened; a card that could not be moved (removed meanwhile) does not undo it.
      }
    }
    return tasks[0]?.id;
  };

  return {
    agentChanges: async (name) => workspaces.changes(agents.require(name)),
    allChanges: async () => workspaces.all(),
    workDiff: async (target: WorkTarget) => {
      const { agent, branch } = resolve(target);
      return workspaces.diff(agent, branch);
    },
    merge: async (input) => {
      const { agent, task, options } = mergeTarget(input);
      let result: MergeResult;
      try {
        result = await workspaces.merge(agent, {
          ...options,
          message: (b) => {
            // The task is named in the person's history however its branch was merged.
            const of = task ?? taskOfBranch(b);
            return mergeCommitMessage({ branch: b, agent: agent.name, ...(of ? { task: of } : {}) });
          },
        });
      } catch (err) {
        // Merged already: said of the task, when the branch is one (done, or not yet).
        if (err instanceof MergeRefused && err.check.refusal === 'merged') {
          const [first] = tasksMerging(err.check.branch, task);
          if (first) throw new StudioError('conflict', alreadyMergedText(err.check, first));
        }
        throw err;
      }
      const finished = finishMerged(result, tasksMerging(result.branch, task));
      return finished !== undefined ? { ...result, taskId: finished } : result;
    },
    previewMerge: async (input) => {
      const { agent, task, options } = mergeTarget(input);
      const check = await workspaces.checkMerge(agent, options);
      const tasks = tasksMerging(check.branch, task);
      const { why: _why, todo: _todo, ...preview } = check;
      const first = tasks[0];
      if (!first) return { ...preview, text: mergePreviewText(check) };
      const open = tasks.filter((t) => t.status !== 'done').map((t) => `#${t.id}`);
      const text =
        check.refusal === 'merged'
          ? alreadyMergedText(check, first)
          : !check.refusal && open.length
            ? `${mergePreviewText(check).slice(0, -1)}, and finishes task${open.length === 1 ? '' : 's'} ${open.join(' and ')}.`
            : mergePreviewText(check);
      return { ...preview, text, taskId: first.id };
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
