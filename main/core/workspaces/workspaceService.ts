// The person's side of worktrees: changes, diffs, merge, send back and pull requests, as
// StudioService methods (studio.ts spreads these into the service it builds), each a function of
// its own over the deps; here a merge of a task's branch, by any route, finishes that task.
import { StudioError } from '../../contract/errors.js';
import type { SendBackInput } from '../../contract/inputs.js';
import type { Agent, MergePreview, MergeResult, Task } from '../../contract/model.js';
import type { MergeInput, StudioService, WorkTarget } from '../../contract/service.js';
import type { CheckStatus } from '../../contract/checks.js';
import type { ReviewComment } from '../../contract/review.js';
import { commentsMail, type ReviewComments } from './reviewComments.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';
import { mergeCommitMessage } from './commitText.js';
import type { MergeOptions, Workspaces } from './workspaces.js';
import { mergePreviewText, MergeRefused, type MergeCheck } from './branchMerge.js';
import { proposeBranch } from './pullRequest.js';
import { taskIdOfBranch } from './workspaceNames.js';

export interface WorkspaceServiceDeps {
  agents: AgentRegistry;
  board: TaskBoard;
  bus: MessageBus;
  workspaces: Workspaces;
  person(): Agent;
  /** Checks before merge: a task's merge passes its gate (see core/checks); a failure's tail goes back with it. */
  checks?: {
    gate(task: Task, force: boolean): Promise<string | undefined>;
    status(taskId: number): Promise<CheckStatus>;
  };
  /** Line comments, sent back with the task. */
  review?: Pick<ReviewComments, 'pending' | 'sent' | 'lastReviewed' | 'head'>;
}

type WorkspaceMethods = Pick<
  StudioService,
  'agentChanges' | 'allChanges' | 'workDiff' | 'merge' | 'previewMerge' | 'sendBack' | 'openPullRequest'
>;

/**
 * A merge of a task's branch that the base already has, said of the task: merged and done, or
 * (its work never came, or came some other way) still open, for the person to close.
 */
export function alreadyMergedText(check: Pick<MergeCheck, 'branch' | 'into'>, task: Task): string {
  if (task.status === 'done') return `Task #${task.id} is already merged into ${check.into} and done.`;
  return `Nothing to merge: ${check.into} already has everything on ${check.branch}; task #${task.id} stays ${task.status.replace('_', ' ')} (mark it done if its work is already in ${check.into}).`;
}

export function workspaceService(deps: WorkspaceServiceDeps): WorkspaceMethods {
  const { agents, workspaces } = deps;
  return {
    agentChanges: async (name) => workspaces.changes(agents.require(name)),
    allChanges: async () => workspaces.all(),
    workDiff: async (target: WorkTarget) => {
      const { agent, branch } = resolveTarget(deps, target);
      const since =
        'taskId' in target && target.sinceReview ? deps.review?.lastReviewed(target.taskId) : undefined;
      if ('taskId' in target && target.sinceReview && !since)
        throw new StudioError(
          'invalid',
          `Task #${target.taskId} was never sent back, so there is no earlier review to compare with.`,
        );
      return workspaces.diff(agent, branch, since);
    },
    merge: (input) => merge(deps, input),
    previewMerge: (input) => previewMerge(deps, input),
    sendBack: (input) => sendBack(deps, input),
    openPullRequest: (target) => openPullRequest(deps, target),
  };
}

/** The agent and branch a target names: a task's assignee and its branch, or an agent as it is. */
function resolveTarget(
  { agents, board }: WorkspaceServiceDeps,
  target: { agent?: string; taskId?: number },
): { agent: Agent; branch?: string; task?: Task } {
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
}

/** What a merge names: an agent's checked-out branch, or a task's branch on its assignee. */
function mergeTarget(
  deps: WorkspaceServiceDeps,
  input: MergeInput,
): { agent: Agent; task?: Task; options: MergeOptions } {
  if ((input.agent === undefined) === (input.taskId === undefined))
    throw new StudioError('invalid', 'Merge either an agent (agent) or a task (taskId).');
  const { agent, branch, task } = resolveTarget(deps, input);
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
}

function tryGet(board: TaskBoard, id: number): Task | undefined {
  try {
    return board.get(id);
  } catch {
    return undefined;
  }
}

/** The task whose branch `branch` is (see taskIdOfBranch), as the board has it now. */
function taskOfBranch(board: TaskBoard, branch: string): Task | undefined {
  const id = taskIdOfBranch(branch);
  if (id === undefined) return undefined;
  const task = tryGet(board, id);
  return task?.branch === branch ? task : undefined;
}

/**
 * The tasks a merge of `branch` finishes, as they are now: the task merged from its card, and
 * the task whose branch it is, whichever way it was merged (by agent, by card, from the CLI).
 */
function tasksMerging(board: TaskBoard, branch: string, named?: Task): Task[] {
  const tasks = [named && tryGet(board, named.id), taskOfBranch(board, branch)].filter((t): t is Task => !!t);
  return tasks.filter((t, i) => tasks.findIndex((u) => u.id === t.id) === i);
}

/**
 * A merge of a task's work finishes the task: done, with the merge (its branch, base, commit and
 * kind) in its history and the feed, by the person, so its dispatcher hears of it. Returns the
 * first task's id.
 */
function finishMerged(deps: WorkspaceServiceDeps, result: MergeResult, tasks: Task[]): number | undefined {
  const kind = result.mode === 'fast-forward' ? 'fast-forward' : 'merge commit';
  const note = `merged ${result.branch} into ${result.into} (${result.commit.slice(0, 10)}, ${kind})`;
  for (const task of tasks) {
    try {
      deps.board.update(
        deps.person(),
        task.status === 'done' ? { id: task.id, note } : { id: task.id, status: 'done', note },
      );
    } catch {
      // The merge happened; a card that could not be moved (removed meanwhile) does not undo it.
    }
  }
  return tasks[0]?.id;
}

/** Merges what the input names; a task's branch merged, by any route, finishes that task. */
async function merge(deps: WorkspaceServiceDeps, input: MergeInput): Promise<MergeResult> {
  const { board } = deps;
  const { agent, task, options } = mergeTarget(deps, input);
  const checked = await passGate(deps, agent, options, task, input.force === true);
  if (checked && !options.reviewed) options.reviewed = checked;
  let result: MergeResult;
  try {
    result = await deps.workspaces.merge(agent, {
      ...options,
      message: (b) => {
        // The task is named in the person's history however its branch was merged.
        const of = task ?? taskOfBranch(board, b);
        return mergeCommitMessage({ branch: b, agent: agent.name, ...(of ? { task: of } : {}) });
      },
    });
  } catch (err) {
    // Merged already: said of the task, when the branch is one (done, or not yet).
    if (err instanceof MergeRefused && err.check.refusal === 'merged') {
      const [first] = tasksMerging(board, err.check.branch, task);
      if (first) throw new StudioError('conflict', alreadyMergedText(err.check, first));
    }
    throw err;
  }
  const finished = finishMerged(deps, result, tasksMerging(board, result.branch, task));
  return finished !== undefined ? { ...result, taskId: finished } : result;
}

/**
 * A task's branch merges only past its check (by card, by agent, from the CLI): returns the commit
 * the check passed on, so a branch that moves on before the merge lands is refused.
 */
async function passGate(
  deps: WorkspaceServiceDeps,
  agent: Agent,
  options: MergeOptions,
  task: Task | undefined,
  force: boolean,
): Promise<string | undefined> {
  if (!deps.checks) return undefined;
  const branch = options.branch ?? (await deps.workspaces.branchOf(agent));
  const gated = task ?? taskOfBranch(deps.board, branch);
  if (!gated || gated.status === 'done') return undefined;
  return deps.checks.gate(gated, force);
}

/** What merge would do with the same input, said of the tasks it would finish. */
async function previewMerge(deps: WorkspaceServiceDeps, input: MergeInput): Promise<MergePreview> {
  const { agent, task, options } = mergeTarget(deps, input);
  const check = await deps.workspaces.checkMerge(agent, options);
  const tasks = tasksMerging(deps.board, check.branch, task);
  const { why: _why, todo: _todo, ...preview } = check;
  const first = tasks[0];
  if (!first) return { ...preview, text: mergePreviewText(check) };
  const gate = check.refusal || input.force ? undefined : await gateRefusal(deps, first);
  if (gate)
    return { ...preview, refusal: 'check', commits: 0, text: `Will be refused: ${gate}`, taskId: first.id };
  return { ...preview, text: previewText(check, tasks, first), taskId: first.id };
}

/** What the task's check would say to a merge now, if it refuses it. */
async function gateRefusal(deps: WorkspaceServiceDeps, task: Task): Promise<string | undefined> {
  if (!deps.checks || task.status === 'done') return undefined;
  return deps.checks.gate(task, false).then(
    () => undefined,
    (err: Error) => err.message.split('\n')[0]!.replace(/^Task #\d+ is not merged: /, ''),
  );
}

/** A preview said of the tasks a merge finishes: already merged, or which open ones it finishes. */
function previewText(check: MergeCheck, tasks: Task[], first: Task): string {
  const open = tasks.filter((t) => t.status !== 'done').map((t) => `#${t.id}`);
  return check.refusal === 'merged'
    ? alreadyMergedText(check, first)
    : !check.refusal && open.length
      ? `${mergePreviewText(check).slice(0, -1)}, and finishes task${open.length === 1 ? '' : 's'} ${open.join(' and ')}.`
      : mergePreviewText(check);
}

/** A task back to its assignee from review: in progress again, the person's note as its mail. */
/**
 * A task back to its agent as one mail: the person's note, their line comments (each with its
 * file, line and the lines around it), and a failed check's last lines. The comments are then
 * sent, and the commit reviewed kept, so the next review can show what changed since.
 */
async function sendBack(deps: WorkspaceServiceDeps, { taskId, note }: SendBackInput): Promise<Task> {
  const { agents, board, bus } = deps;
  const task = board.get(taskId);
  if (!task.assignee) throw new StudioError('invalid', `Task #${taskId} has no assignee to send it back to.`);
  const comments = deps.review?.pending(taskId) ?? [];
  if (!note && !comments.length)
    throw new StudioError(
      'invalid',
      `Say what to change: a note (\`ccstudio task back ${taskId} --note TEXT\`), or comments on the lines of its diff (\`ccstudio task comment ${taskId} FILE:LINE TEXT\`, or in its review).`,
    );
  const check = await deps.checks?.status(taskId).catch(() => undefined);
  const head = task.branch && deps.review ? await deps.review.head(task).catch(() => undefined) : undefined;
  const me = deps.person();
  const said = note ?? `${comments.length} comment${comments.length === 1 ? '' : 's'} on the diff`;
  const updated = board.update(me, { id: taskId, status: 'in_progress', note: `sent back: ${said}` });
  deps.review?.sent(taskId, head);
  const to = agents.require(task.assignee);
  if (to.id !== me.id)
    bus.send(me, to.name, sendBackMail(task, note, comments, check), { type: 'task', taskId });
  return updated;
}

function sendBackMail(
  task: Task,
  note: string | undefined,
  comments: ReviewComment[],
  check?: CheckStatus,
): string {
  const parts = [`Task #${task.id} "${task.title}" came back from review${note ? `: ${note}` : '.'}`];
  if (comments.length) parts.push(`Comments on your diff:\n\n${commentsMail(comments)}`);
  if (check?.state === 'failed' && check.run)
    parts.push(`Its check failed (${check.command}), ending:\n${check.run.tail.slice(-20).join('\n')}`);
  parts.push(
    `Work on it${task.branch ? ` on ${task.branch}` : ''}, commit, and move it to review again with update_task (a note there answers the comments).`,
  );
  return parts.join('\n\n');
}

/** A pull request for a task's branch, or the branch an agent has checked out (see proposeBranch). */
async function openPullRequest(deps: WorkspaceServiceDeps, target: WorkTarget): Promise<string> {
  const { agent, branch: taskBranch, task } = resolveTarget(deps, target);
  const ws = agent.workspace;
  if (!ws)
    throw new StudioError('invalid', `${agent.name} works in a plain folder: there is no branch to propose.`);
  const branch = taskBranch ?? (await deps.workspaces.branchOf(agent));
  if (!branch) throw new StudioError('invalid', `${agent.name}'s worktree has no branch checked out.`);
  // Pushed from where the repository is, with that machine's credentials and gh.
  return proposeBranch(deps.workspaces.gitFor(agent), ws, {
    branch,
    agent: agent.name,
    ...(task ? { task } : {}),
  });
}
