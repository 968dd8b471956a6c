import type { StudioEvent } from '../../contract/events.js';
import type { CreateTaskInput } from '../../contract/inputs.js';
import { MAX_TASK_BODY_BYTES } from '../../contract/limits.js';
import {
  TASK_PRIORITIES,
  type ActivityItem,
  type Agent,
  type Task,
  type TaskDetail,
  type TaskEvent,
  type TaskStatus,
} from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { MessageBus } from '../bus/messageBus.js';
import { DEFAULT_WRITE_BUDGETS, tableLedger, WriteBudget, type Budget } from '../bus/writeBudget.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import { TaskBlockers } from './taskBlockers.js';
import { planChange, type TaskChange, type UpdatePlan } from './taskChange.js';
import { TaskHistory } from './taskHistory.js';
import { checkBody, checkEnum, checkTitle, storedBytes } from './taskInputs.js';
import { TaskMail, type Outbox } from './taskMail.js';
import { byUrgency, TaskQueries, type TaskCursor, type TaskListQuery } from './taskQueries.js';
import { TaskRows, toTask, type NameOf } from './taskRows.js';
import { checkMayUpdate, initialStatus } from './taskTransitions.js';

export type { TaskChange } from './taskChange.js';
export { byUrgency, type TaskCursor, type TaskListQuery } from './taskQueries.js';

/** A new task, as the person or an agent asks for it (the contract's shape, checked here again). */
export type CreateTask = CreateTaskInput;

/** Where a task's work happens, decided by the caller before assigning it (a worktree's task branch). */
export interface TaskWork {
  branch: string | null;
  /** One or two sentences for the assignee's task mail: the branch, and where it is checked out. */
  note: string;
}

/** A new task, checked (TaskBoard.create). */
interface NewTask {
  title: string;
  body: string;
  priority: Task['priority'];
  assignee: Agent | null;
  blockers: number[];
  /** What it stores (title and body), for the actor's hourly budget. */
  stored: number;
}

/**
 * The task board. A task change, its history row and the messages it causes commit in one
 * transaction; events fire after commit. The dispatcher hears about every status change it did
 * not make itself. Here: the order of a change (checked, written with its history and mail,
 * announced); its rules, rows, blockers, history, mail and queries each a module of its own.
 */
export class TaskBoard {
  private readonly stmts;
  private readonly nameOf: NameOf;
  private readonly rows: TaskRows;
  private readonly blockers: TaskBlockers;
  private readonly history: TaskHistory;
  private readonly mail: TaskMail;
  private readonly queries: TaskQueries;
  /** What each agent may write to the board an hour (its lines of task history, from task_events_actor). */
  private readonly budget: WriteBudget;

  constructor(
    private readonly db: Db,
    private readonly agents: AgentRegistry,
    private readonly bus: MessageBus,
    private readonly events: Emitter<StudioEvent>,
    private readonly clock: Clock,
    budget: Budget = DEFAULT_WRITE_BUDGETS.tasks,
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO tasks (title, body, priority, status, assignee_id, dispatcher_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.nameOf = (id) => agents.nameOf(id);
    this.rows = new TaskRows(db);
    this.blockers = new TaskBlockers(db, this.rows);
    this.history = new TaskHistory(db, { nameOf: this.nameOf, clock });
    this.mail = new TaskMail({ bus, agents, blockers: this.blockers, task: (id) => this.get(id) });
    this.queries = new TaskQueries(db, agents);
    const ledger = tableLedger(db, { table: 'task_events', index: 'task_events_actor', actor: 'actor_id' });
    this.budget = new WriteBudget({ kind: 'tasks', budget, clock, events, ledger });
  }

  get(id: number): Task {
    return toTask(this.rows.row(id), this.nameOf);
  }

  detail(id: number): TaskDetail {
    const task = this.get(id);
    return { ...task, events: this.history.of(id) };
  }

  create(actor: Agent, input: CreateTask): Task {
    const task = this.checkNew(input);
    // In the same synchronous call as the write below: nothing of this actor's lands in between.
    this.budget.check(actor, task.stored);
    const outbox: Outbox = [];
    const { id, eventId } = this.db.transaction(() => this.insert(actor, task, outbox)).immediate();
    const created = this.get(id);
    this.events.fire({ type: 'task.created', task: created, event: this.history.byId(eventId) });
    for (const [m, to] of outbox) this.bus.announceDirect(m, to);
    return created;
  }

  private checkNew(input: CreateTask): NewTask {
    const title = checkTitle(input.title);
    const body = input.body ?? '';
    checkBody('body', body, MAX_TASK_BODY_BYTES);
    const priority = checkEnum('priority', input.priority ?? 'normal', TASK_PRIORITIES);
    const assignee = input.assignee !== undefined ? this.agents.require(input.assignee) : null;
    const blockers = this.blockers.check(null, input.blockedBy ?? []);
    return { title, body, priority, assignee, blockers, stored: storedBytes([title, body]) };
  }

  /** The new task's row, blockers, first history line and assignment mail; inside create's transaction. */
  private insert(actor: Agent, task: NewTask, outbox: Outbox): { id: number; eventId: number } {
    const { assignee } = task;
    const now = this.clock.now();
    const status: TaskStatus = initialStatus(assignee !== null);
    const id = Number(
      this.stmts.insert.run(
        task.title,
        task.body,
        task.priority,
        status,
        assignee?.id ?? null,
        actor.id,
        now,
        now,
      ).lastInsertRowid,
    );
    this.blockers.add(id, task.blockers);
    const note = assignee ? `assigned to ${assignee.name}` : '';
    const eventId = this.history.add(id, actor, 'created', null, status, note, task.stored);
    // A task comes as mail: an assignee whose inbox is full cannot be given one (it all rolls back).
    if (assignee) this.mail.assign(actor, assignee, id, outbox);
    return { id, eventId };
  }

  /**
   * Changes a task: checks the change and works out what it means (planUpdate), writes it with its
   * history and the mail it causes in one transaction (writeUpdate, TaskHistory.addChange,
   * TaskMail.update), and announces them once committed.
   */
  update(actor: Agent, change: TaskChange, work?: TaskWork): Task {
    const plan = this.planUpdate(actor, change);
    if (work) {
      plan.fields.branch = work.branch;
      plan.workNote = work.note;
    }
    const outbox: Outbox = [];
    const eventIds = this.db
      .transaction(() => {
        this.writeUpdate(plan);
        const ids = this.history.addChange(actor, plan);
        this.mail.update(actor, plan, outbox);
        return ids;
      })
      .immediate();
    const task = this.get(plan.id);
    for (const id of eventIds) this.events.fire({ type: 'task.updated', task, event: this.history.byId(id) });
    for (const [m, to] of outbox) this.bus.announceDirect(m, to);
    return task;
  }

  /**
   * Throws what update would throw for this change, changing nothing: lets the caller do slow work
   * the change needs (a task's git branch) only for a change that will be accepted.
   */
  check(actor: Agent, change: TaskChange): { assigneeChanges: boolean } {
    return { assigneeChanges: this.planUpdate(actor, change).assignee !== undefined };
  }

  /** The change checked (taskChange.ts), by someone who may make it, within the actor's budget. */
  private planUpdate(actor: Agent, change: TaskChange): UpdatePlan {
    const row = this.rows.row(change.id);
    checkMayUpdate(actor, row, this.nameOf);
    const plan = planChange(row, change, { agents: this.agents, blockers: this.blockers });
    // Checked with the rest, so that check() refuses it too before a task branch is made for it.
    this.budget.check(actor, plan.bytes);
    return plan;
  }

  /** The task's row and blockers; inside update's transaction. */
  private writeUpdate(plan: UpdatePlan): void {
    const fields: Record<string, unknown> = { ...plan.fields, updated_at: this.clock.now() };
    const sets = Object.keys(fields).map((k) => `${k} = @${k}`);
    this.db.prepare(`UPDATE tasks SET ${sets.join(', ')} WHERE id = @id`).run({ ...fields, id: plan.id });
    if (plan.blockers !== undefined) this.blockers.replace(plan.id, plan.blockers);
  }

  /** A page of tasks (see TaskQueries.page). */
  page(query: TaskListQuery = {}): { tasks: Task[]; next?: TaskCursor } {
    return this.queries.page(query);
  }

  /** A page of tasks (see page), shown urgent first. */
  list(query: TaskListQuery = {}): Task[] {
    return byUrgency(this.page(query).tasks);
  }

  /** Tasks assigned to the agent that are not done. */
  openCount(agentId: number): number {
    return this.queries.openCount(agentId);
  }

  counts(): Record<TaskStatus, number> {
    return this.queries.counts();
  }

  openCounts(): Map<number, number> {
    return this.queries.openCounts();
  }

  recentActivity(limit: number): ActivityItem[] {
    return this.history.recentActivity(limit);
  }

  /** The last task events with their tasks as they are now, newest first (the feed's history). */
  recentEvents(limit: number): Array<{ task: Task; event: TaskEvent }> {
    const tasks = new Map<number, Task>();
    return this.history.recent(limit).map((event) => {
      let task = tasks.get(event.taskId);
      if (!task) tasks.set(event.taskId, (task = this.get(event.taskId)));
      return { task, event };
    });
  }

  /** Tasks held by a removed agent go back to the backlog so nothing is stranded. */
  releaseAssignee(agentId: number, actor: Agent): void {
    for (const id of this.queries.heldBy(agentId))
      this.update(actor, { id, assignee: null, note: 'assignee removed' });
  }
}
