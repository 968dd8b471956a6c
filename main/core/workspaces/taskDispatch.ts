// Giving a task to an agent, with its place to work: a worktree agent's task gets its own branch
// (made with git, so before the board writes the assignment and its mail, which names the branch).
import { StudioError, isStudioError } from '../../contract/errors.js';
import type { CreateTaskInput, UpdateTaskInput } from '../../contract/inputs.js';
import { waitsForPerson, type Agent, type Task } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard, TaskWork } from '../board/taskBoard.js';
import type { Logger } from '../util/logger.js';
import { inAgentSpace } from './workspaceNames.js';
import type { Workspaces } from './workspaces.js';

export class TaskDispatch {
  constructor(
    private readonly board: Pick<TaskBoard, 'create' | 'update' | 'check' | 'get' | 'list'>,
    private readonly agents: Pick<AgentRegistry, 'require'>,
    private readonly workspaces: Pick<Workspaces, 'taskWork' | 'moveToAgentSpace'>,
    private readonly logger: Logger,
  ) {}

  /**
   * A new task. One for a worktree agent is made in the backlog first (its branch is named after
   * its id), then given to the agent with its branch.
   */
  async create(actor: Agent, input: CreateTaskInput): Promise<Task> {
    const to = input.assignee !== undefined ? this.agents.require(input.assignee) : undefined;
    if (!to?.workspace) return this.board.create(actor, input);
    const { assignee: _given, ...unassigned } = input;
    const task = this.board.create(actor, unassigned);
    try {
      return await this.update(actor, { id: task.id, assignee: to.name });
    } catch (err) {
      const why = isStudioError(err) ? err.message : String(err);
      throw new StudioError(
        isStudioError(err) ? err.code : 'unavailable',
        `Task #${task.id} was made, in the backlog: it could not be given to ${to.name}. ${why}`,
      );
    }
  }

  /**
   * Whether the agent's worktree may be switched to a new task's branch now: not under it in the
   * middle of a turn, and not away from another task it has under way.
   */
  private maySwitch(to: Agent, taskId: number): { ok: true } | { ok: false; why: string } {
    // Only at its prompt, or not running: an unknown screen is no proof it is not working.
    if (to.state !== 'idle' && to.state !== 'exited' && to.state !== 'unknown')
      return {
        ok: false,
        why:
          waitsForPerson(to.state) || to.state === 'busy'
            ? `${to.name} is in the middle of a turn`
            : `${to.name} is ${to.state.replace(/_/g, ' ')}`,
      };
    const other = this.board
      .list({ assignee: to.name, open: true })
      .find((t) => t.id !== taskId && t.branch && t.status !== 'backlog');
    if (other) return { ok: false, why: `you have task #${other.id} under way on ${other.branch}` };
    return { ok: true };
  }

  /**
   * Before a worktree agent starts: its own branch, and its open tasks' branches, moved into its
   * folder of branches. Only a sandboxed agent needs them there to commit (its git guard), so only
   * its start fails when they cannot be moved; any other starts anyway, the failure logged.
   */
  async beforeStart(actor: Agent, agent: Agent): Promise<void> {
    if (!agent.workspace) return;
    try {
      await this.rehome(actor, await this.workspaces.moveToAgentSpace(agent));
    } catch (err) {
      if (agent.profile.kind === 'claude' && agent.profile.sandbox) throw err;
      this.logger.warn("could not move an agent's branches into its folder", {
        agent: agent.name,
        err: String(err),
      });
    }
  }

  /**
   * The agent's open tasks whose branches are outside its folder of branches (an older studio's
   * task/<id>-<slug>) get one there, from where their work is, with the worktree moved along when
   * it had that branch out: a sandboxed agent can commit only in its own folder.
   */
  async rehome(actor: Agent, agent: Agent): Promise<void> {
    if (!agent.workspace) return;
    for (const task of this.board.list({ assignee: agent.name, open: true })) {
      if (!task.branch || inAgentSpace(agent.name, task.branch)) continue;
      const work = await this.workspaces.taskWork(agent, task, this.maySwitch(agent, task.id));
      this.board.update(actor, { id: task.id, note: `its branch is now ${work.branch}` }, work);
      this.logger.info("moved a task branch into its agent's folder", {
        task: task.id,
        from: task.branch,
        to: work.branch,
      });
    }
  }

  /** A change to a task; a worktree agent it newly goes to gets its branch first. */
  async update(actor: Agent, change: UpdateTaskInput): Promise<Task> {
    if (typeof change.assignee !== 'string') return this.board.update(actor, change);
    const to = this.agents.require(change.assignee);
    if (!to.workspace || !this.board.check(actor, change).assigneeChanges)
      return this.board.update(actor, change);
    let work: TaskWork;
    try {
      work = await this.workspaces.taskWork(to, this.board.get(change.id), this.maySwitch(to, change.id));
    } catch (err) {
      // The task still goes to the agent; its mail says where to work instead of a branch.
      this.logger.warn('could not prepare a task branch', {
        task: change.id,
        agent: to.name,
        err: String(err),
      });
      work = {
        branch: this.board.get(change.id).branch,
        note: `The studio could not switch your worktree to a branch for this task (${(err as Error).message}): work on the branch it has checked out, and commit there.`,
      };
    }
    return this.board.update(actor, change, work);
  }
}
