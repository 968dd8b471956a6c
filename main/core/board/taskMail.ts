// The mail a task change causes, written inside the change's transaction into an outbox that is
// announced after commit: the new assignee gets the task (refused, and the change with it, when
// its inbox is full), the dispatcher hears of progress it did not cause, and finishing a task
// tells the owners of tasks it was blocking. Notices never block the work they report: with an
// inbox full, the board and the history still show it.
import type { Agent, Message, Task, TaskStatus } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { MessageBus } from '../bus/messageBus.js';
import type { TaskBlockers } from './taskBlockers.js';
import type { UpdatePlan } from './taskChange.js';

/** Mail written in a change's transaction, each with its recipient, to announce once committed. */
export type Outbox = Array<[Message, Agent]>;

/** The mail that gives a task to its assignee: all of it, and where its work happens. */
export function assignmentText(t: Task, workNote?: string): string {
  const blockers = t.blockedBy.length ? `\nBlocked by: ${t.blockedBy.map((b) => '#' + b).join(', ')}` : '';
  const work = workNote ? `\n\n${workNote}` : '';
  return `Task #${t.id} [${t.priority}] from ${t.dispatcher}: ${t.title}${t.body ? '\n\n' + t.body : ''}${blockers}${work}\n\nCall update_task with task_id ${t.id} as you progress (in_progress, review, done with a result).`;
}

/** The dispatcher's notice of a change another made: the move or the result, the note, the result. */
export function progressText(
  t: Pick<Task, 'id' | 'title'>,
  actor: string,
  from: TaskStatus,
  to: TaskStatus,
  result: string | undefined,
  note: string,
): string {
  const head =
    from !== to
      ? `Task #${t.id} "${t.title}": ${from} → ${to} by ${actor}.`
      : `Task #${t.id} "${t.title}": result from ${actor}.`;
  return [head, note && `Note: ${note}`, result && `Result:\n${result}`].filter(Boolean).join('\n');
}

export class TaskMail {
  constructor(
    private readonly deps: {
      bus: Pick<MessageBus, 'checkRoom' | 'hasRoomFor' | 'writeDirect'>;
      agents: Pick<AgentRegistry, 'getById'>;
      blockers: Pick<TaskBlockers, 'freedBy'>;
      /** The task as the change has left it (read inside its transaction). */
      task: (id: number) => Task;
    },
  ) {}

  /** Gives task `id` to `assignee` by mail, unless the actor gave it to itself; a full inbox refuses it. */
  assign(actor: Agent, assignee: Agent, id: number, outbox: Outbox, workNote?: string): void {
    if (assignee.id === actor.id) return;
    const text = assignmentText(this.deps.task(id), workNote);
    this.deps.bus.checkRoom(actor, assignee, text);
    outbox.push([this.deps.bus.writeDirect(actor, assignee, text, { type: 'task', taskId: id }), assignee]);
  }

  /** Everything a change (TaskBoard.update) tells others. */
  update(actor: Agent, plan: UpdatePlan, outbox: Outbox): void {
    if (plan.assignee) this.assign(actor, plan.assignee, plan.id, outbox, plan.workNote);
    this.progress(actor, plan, outbox);
    if (plan.statusChanged && plan.nextStatus === 'done') this.unblocked(actor, plan.id, outbox);
  }

  /** A notice that is left out when `to` has no room for it. */
  private notice(
    actor: Agent,
    to: Agent,
    text: string,
    opts: { type: Message['type']; taskId: number },
    outbox: Outbox,
  ) {
    if (this.deps.bus.hasRoomFor(actor, to, text))
      outbox.push([this.deps.bus.writeDirect(actor, to, text, opts), to]);
  }

  private progress(actor: Agent, plan: UpdatePlan, outbox: Outbox): void {
    const dispatcher = this.deps.agents.getById(plan.dispatcherId);
    if (!dispatcher || dispatcher.id === actor.id) return;
    if (!plan.statusChanged && plan.result === undefined) return;
    const { id, before, nextStatus } = plan;
    const text = progressText(
      this.deps.task(id),
      actor.name,
      before.status,
      nextStatus,
      plan.result,
      plan.note,
    );
    const type = nextStatus === 'done' || nextStatus === 'review' ? 'result' : 'text';
    this.notice(actor, dispatcher, text, { type, taskId: id }, outbox);
  }

  private unblocked(actor: Agent, doneId: number, outbox: Outbox): void {
    for (const waiting of this.deps.blockers.freedBy(doneId)) {
      const owner = this.deps.agents.getById(waiting.assignee_id);
      if (!owner || owner.id === actor.id) continue;
      const text = `Task #${waiting.id} "${waiting.title}" is unblocked: #${doneId} is done.`;
      this.notice(actor, owner, text, { type: 'text', taskId: waiting.id }, outbox);
    }
  }
}
