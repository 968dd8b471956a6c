import { StudioError } from '../../contract/errors.js';
import type { CreateTaskInput, UpdateTaskInput } from '../../contract/inputs.js';
import type { StudioEvent } from '../../contract/events.js';
import {
  MAX_BLOCKERS,
  MAX_NOTE_CHARS,
  MAX_PAGE_ITEMS,
  MAX_TASK_BODY_BYTES,
  MAX_TITLE_CHARS,
} from '../../contract/limits.js';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type ActivityItem,
  type Agent,
  type Message,
  type Task,
  type TaskDetail,
  type TaskEvent,
  type TaskEventKind,
  type TaskPriority,
  type TaskStatus,
} from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { MessageBus } from '../bus/messageBus.js';
import { DEFAULT_WRITE_BUDGETS, WriteBudget, type Budget, type Write } from '../bus/writeBudget.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';

/** Results are kept whole in the task; this bounds what one update can store. */
const MAX_RESULT_BYTES = MAX_TASK_BODY_BYTES;
/** How much of a result the task's history line quotes; the task keeps the whole of it. */
const RESULT_IN_HISTORY_CHARS = 500;
const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

interface TaskRow {
  id: number;
  title: string;
  body: string;
  priority: TaskPriority;
  status: TaskStatus;
  assignee_id: number | null;
  dispatcher_id: number;
  result: string | null;
  branch: string | null;
  created_at: number;
  updated_at: number;
  blockers: string | null;
}

interface EventRow {
  id: number;
  task_id: number;
  actor_id: number;
  kind: TaskEventKind;
  from_status: TaskStatus | null;
  to_status: TaskStatus | null;
  note: string;
  created_at: number;
}

/** A new task, as the person or an agent asks for it (the contract's shape, checked here again). */
export type CreateTask = CreateTaskInput;
/** A change to a task; `assignee: null` unassigns. */
export type TaskChange = UpdateTaskInput;

/** A checked change to a task and what it means (TaskBoard.update). */
interface UpdatePlan {
  id: number;
  dispatcherId: number;
  before: Task;
  nextStatus: TaskStatus;
  statusChanged: boolean;
  /** The new assignee (null: unassigned), or undefined when it stays. */
  assignee: Agent | null | undefined;
  /** Title, body, priority or blockers changed. */
  edited: boolean;
  /** Columns of the task's row that change. */
  fields: Record<string, unknown>;
  blockers: number[] | undefined;
  result: string | undefined;
  note: string;
  /** What the change stores (title, body, result, note), for the actor's hourly budget. */
  bytes: number;
  /** Where the work happens, said in the assignee's mail (TaskWork.note). */
  workNote?: string;
}

/** Where a task's work happens, decided by the caller before assigning it (a worktree's task branch). */
export interface TaskWork {
  branch: string | null;
  /** One or two sentences for the assignee's task mail: the branch, and where it is checked out. */
  note: string;
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Where a page of tasks ends: the next page starts after it (most recently updated first). */
export interface TaskCursor {
  updatedAt: number;
  id: number;
}

export interface TaskListQuery {
  status?: TaskStatus;
  assignee?: string;
  dispatcher?: string;
  limit?: number;
  /** Tasks not done (ignored with status). */
  open?: boolean;
  after?: TaskCursor;
}

/** Urgent first, then the most recently updated: how a page of tasks is shown. */
export function byUrgency(tasks: Task[]): Task[] {
  return [...tasks].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.updatedAt - a.updatedAt,
  );
}

function checkTitle(title: unknown): string {
  if (typeof title !== 'string' || title.trim() === '')
    throw new StudioError('invalid', 'A task needs a title.');
  if (title.length > MAX_TITLE_CHARS) {
    throw new StudioError(
      'invalid',
      `The title is ${title.length} characters; keep it under ${MAX_TITLE_CHARS} and put detail in the body.`,
    );
  }
  return title.trim();
}

function checkBody(label: string, body: string | undefined, max: number): void {
  if (body !== undefined && bytes(body) > max) {
    throw new StudioError(
      'invalid',
      `The ${label} is ${bytes(body)} bytes; the limit is ${max}. Write it to a file and give the path.`,
    );
  }
}

function checkEnum<T extends string>(label: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new StudioError('invalid', `${label} must be one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/**
 * The task board. A task change, its history row and the messages it causes commit in one
 * transaction; events fire after commit. The dispatcher hears about every status change it did
 * not make itself.
 */
export class TaskBoard {
  private readonly stmts;
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
    const select = `SELECT t.*, (SELECT group_concat(b.blocker_id) FROM task_blockers b WHERE b.task_id = t.id) AS blockers FROM tasks t`;
    this.stmts = {
      get: db.prepare(`${select} WHERE t.id = ?`),
      insert: db.prepare(
        `INSERT INTO tasks (title, body, priority, status, assignee_id, dispatcher_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertBlocker: db.prepare('INSERT INTO task_blockers (task_id, blocker_id) VALUES (?, ?)'),
      clearBlockers: db.prepare('DELETE FROM task_blockers WHERE task_id = ?'),
      blocked: db.prepare('SELECT task_id FROM task_blockers WHERE blocker_id = ?'),
      openBlockers: db.prepare(
        `SELECT count(*) AS n FROM task_blockers b JOIN tasks t ON t.id = b.blocker_id WHERE b.task_id = ? AND t.status <> 'done'`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO task_events (task_id, actor_id, kind, from_status, to_status, note, created_at, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      writtenSince: db.prepare(
        `SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM task_events INDEXED BY task_events_actor
         WHERE actor_id = ? AND created_at > ?`,
      ),
      writes: db.prepare(
        `SELECT created_at AS at, bytes FROM task_events INDEXED BY task_events_actor
         WHERE actor_id = ? AND created_at > ? ORDER BY created_at`,
      ),
      events: db.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY id'),
      event: db.prepare('SELECT * FROM task_events WHERE id = ?'),
      // Each status counted in its own range of tasks_status, never by reading every task.
      counts: db.prepare(
        `SELECT status, count(*) AS n FROM tasks WHERE status IN (${TASK_STATUSES.map((st) => `'${st}'`).join(', ')}) GROUP BY status`,
      ),
      recentEvents: db.prepare('SELECT * FROM task_events ORDER BY id DESC LIMIT ?'),
      openForAgent: db.prepare(
        `SELECT assignee_id, count(*) AS n FROM tasks INDEXED BY tasks_open_assignee
         WHERE status <> 'done' AND assignee_id IS NOT NULL GROUP BY assignee_id`,
      ),
      openOf: db.prepare(
        `SELECT count(*) AS n FROM tasks INDEXED BY tasks_open_assignee
         WHERE assignee_id = ? AND status <> 'done' AND assignee_id IS NOT NULL`,
      ),
      heldBy: db.prepare(
        `SELECT id FROM tasks INDEXED BY tasks_open_assignee
         WHERE assignee_id = ? AND status <> 'done' AND assignee_id IS NOT NULL`,
      ),
    };
    this.budget = new WriteBudget({
      kind: 'tasks',
      budget,
      clock,
      events,
      ledger: {
        spent: (id, since) => this.stmts.writtenSince.get(id, since) as { n: number; bytes: number },
        writes: (id, since) => this.stmts.writes.all(id, since) as Write[],
      },
    });
  }

  private toTask(r: TaskRow): Task {
    return {
      id: r.id,
      title: r.title,
      body: r.body,
      priority: r.priority,
      status: r.status,
      assignee: r.assignee_id === null ? null : this.agents.nameOf(r.assignee_id),
      dispatcher: this.agents.nameOf(r.dispatcher_id),
      blockedBy: r.blockers
        ? r.blockers
            .split(',')
            .map(Number)
            .sort((a, b) => a - b)
        : [],
      result: r.result,
      branch: r.branch ?? null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private toEvent(r: EventRow): TaskEvent {
    return {
      id: r.id,
      taskId: r.task_id,
      actor: this.agents.nameOf(r.actor_id),
      kind: r.kind,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      note: r.note,
      createdAt: r.created_at,
    };
  }

  private row(id: unknown): TaskRow {
    const row = Number.isInteger(id) ? (this.stmts.get.get(id) as TaskRow | undefined) : undefined;
    if (!row) throw new StudioError('not_found', `No task #${String(id)}.`, 'task');
    return row;
  }

  get(id: number): Task {
    return this.toTask(this.row(id));
  }

  detail(id: number): TaskDetail {
    const task = this.get(id);
    const events = (this.stmts.events.all(id) as EventRow[]).map((r) => this.toEvent(r));
    return { ...task, events };
  }

  private checkBlockers(taskId: number | null, blockedBy: unknown): number[] {
    if (!Array.isArray(blockedBy)) throw new StudioError('invalid', 'blocked_by is a list of task ids.');
    if (blockedBy.length > MAX_BLOCKERS)
      throw new StudioError('invalid', `At most ${MAX_BLOCKERS} blockers.`);
    const ids = [...new Set(blockedBy)];
    for (const id of ids) {
      if (!Number.isInteger(id)) throw new StudioError('invalid', 'blocked_by is a list of task ids.');
      if (id === taskId) throw new StudioError('invalid', `Task #${taskId} cannot block itself.`);
      this.row(id);
    }
    if (taskId !== null) {
      // Refuse a cycle: walk what each new blocker is itself blocked by.
      const seen = new Set<number>();
      const stack = [...ids];
      while (stack.length) {
        const id = stack.pop()!;
        if (id === taskId)
          throw new StudioError('invalid', `That would make task #${taskId} block itself through a chain.`);
        if (seen.has(id)) continue;
        seen.add(id);
        stack.push(...this.get(id).blockedBy);
      }
    }
    return ids as number[];
  }

  /** A line of the task's history; `stored` is what its change wrote (counted for the actor's budget). */
  private addEvent(
    taskId: number,
    actor: Agent,
    kind: TaskEventKind,
    from: TaskStatus | null,
    to: TaskStatus | null,
    note: string,
    stored = 0,
  ): number {
    return Number(
      this.stmts.insertEvent.run(taskId, actor.id, kind, from, to, note, this.clock.now(), stored)
        .lastInsertRowid,
    );
  }

  private eventById(id: number): TaskEvent {
    return this.toEvent(this.stmts.event.get(id) as EventRow);
  }

  create(actor: Agent, input: CreateTask): Task {
    const title = checkTitle(input.title);
    const body = input.body ?? '';
    checkBody('body', body, MAX_TASK_BODY_BYTES);
    const priority = checkEnum('priority', input.priority ?? 'normal', TASK_PRIORITIES);
    const assignee = input.assignee !== undefined ? this.agents.require(input.assignee) : null;
    const blockers = this.checkBlockers(null, input.blockedBy ?? []);
    const stored = bytes(title) + bytes(body);
    // In the same synchronous call as the write below: nothing of this actor's lands in between.
    this.budget.check(actor, stored);
    const now = this.clock.now();
    const outbox: Array<[Message, Agent]> = [];
    const { id, eventId } = this.db
      .transaction(() => {
        const status: TaskStatus = assignee ? 'assigned' : 'backlog';
        const id = Number(
          this.stmts.insert.run(title, body, priority, status, assignee?.id ?? null, actor.id, now, now)
            .lastInsertRowid,
        );
        for (const b of blockers) this.stmts.insertBlocker.run(id, b);
        const eventId = this.addEvent(
          id,
          actor,
          'created',
          null,
          status,
          assignee ? `assigned to ${assignee.name}` : '',
          stored,
        );
        if (assignee && assignee.id !== actor.id) {
          // A task comes as mail: an assignee whose inbox is full cannot be given one (it all rolls back).
          const text = this.assignmentText(id);
          this.bus.checkRoom(actor, assignee, text);
          outbox.push([this.bus.writeDirect(actor, assignee, text, { type: 'task', taskId: id }), assignee]);
        }
        return { id, eventId };
      })
      .immediate();
    const task = this.get(id);
    this.events.fire({ type: 'task.created', task, event: this.eventById(eventId) });
    for (const [m, to] of outbox) this.bus.announceDirect(m, to);
    return task;
  }

  private assignmentText(id: number, workNote?: string): string {
    const t = this.get(id);
    const blockers = t.blockedBy.length ? `\nBlocked by: ${t.blockedBy.map((b) => '#' + b).join(', ')}` : '';
    const work = workNote ? `\n\n${workNote}` : '';
    return `Task #${t.id} [${t.priority}] from ${t.dispatcher}: ${t.title}${t.body ? '\n\n' + t.body : ''}${blockers}${work}\n\nCall update_task with task_id ${t.id} as you progress (in_progress, review, done with a result).`;
  }

  /** Who may change a task: its assignee, its dispatcher, a commander, or the person. */
  private checkMayUpdate(actor: Agent, row: TaskRow): void {
    if (actor.kind === 'person' || actor.commander) return;
    if (actor.id === row.assignee_id || actor.id === row.dispatcher_id) return;
    throw new StudioError(
      'forbidden',
      `Task #${row.id} belongs to ${this.agents.nameOf(row.dispatcher_id)}${row.assignee_id ? ' and ' + this.agents.nameOf(row.assignee_id) : ''}; message them instead of changing it.`,
    );
  }

  /**
   * Changes a task: checks the change and works out what it means (planUpdate), writes it with its
   * history and the mail it causes in one transaction (writeUpdate, logUpdate, notifyUpdate), and
   * announces them once committed.
   */
  update(actor: Agent, change: TaskChange, work?: TaskWork): Task {
    const plan = this.planUpdate(actor, change);
    if (work) {
      plan.fields.branch = work.branch;
      plan.workNote = work.note;
    }
    const outbox: Array<[Message, Agent]> = [];
    const eventIds = this.db
      .transaction(() => {
        this.writeUpdate(plan);
        const ids = this.logUpdate(actor, plan);
        this.notifyUpdate(actor, plan, outbox);
        return ids;
      })
      .immediate();
    const task = this.get(plan.id);
    for (const id of eventIds) this.events.fire({ type: 'task.updated', task, event: this.eventById(id) });
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

  /** The change checked, and what it means: the next status (reassigning restarts a task), what moves. */
  private planUpdate(actor: Agent, change: TaskChange): UpdatePlan {
    const row = this.row(change.id);
    this.checkMayUpdate(actor, row);
    const status =
      change.status !== undefined ? checkEnum('status', change.status, TASK_STATUSES) : undefined;
    const priority =
      change.priority !== undefined ? checkEnum('priority', change.priority, TASK_PRIORITIES) : undefined;
    const title = change.title !== undefined ? checkTitle(change.title) : undefined;
    checkBody('body', change.body, MAX_TASK_BODY_BYTES);
    checkBody('result', change.result, MAX_RESULT_BYTES);
    if (change.note !== undefined && change.note.length > MAX_NOTE_CHARS) {
      throw new StudioError(
        'invalid',
        `The note is ${change.note.length} characters; keep it under ${MAX_NOTE_CHARS}.`,
      );
    }
    const assignee =
      change.assignee === undefined
        ? undefined
        : change.assignee === null
          ? null
          : this.agents.require(change.assignee);
    const blockers =
      change.blockedBy !== undefined ? this.checkBlockers(row.id, change.blockedBy) : undefined;

    const before = this.toTask(row);
    let nextStatus = status ?? before.status;
    const assigneeChanged = assignee !== undefined && (assignee?.id ?? null) !== row.assignee_id;
    if (assigneeChanged && status === undefined) {
      // Reassigning restarts the task with the new owner; unassigning puts it back in the backlog.
      if (assignee === null && before.status !== 'done') nextStatus = 'backlog';
      else if (assignee) nextStatus = 'assigned';
    }
    const finalAssignee =
      assignee !== undefined
        ? assignee
        : row.assignee_id === null
          ? null
          : (this.agents.getById(row.assignee_id) ?? null);
    if (nextStatus !== 'backlog' && nextStatus !== 'done' && !finalAssignee) {
      throw new StudioError(
        'invalid',
        `Task #${row.id} has no assignee; set assignee before moving it to ${nextStatus}.`,
      );
    }
    const statusChanged = nextStatus !== before.status;
    const edited =
      title !== undefined || change.body !== undefined || priority !== undefined || blockers !== undefined;
    if (!statusChanged && !assigneeChanged && !edited && change.result === undefined && !change.note) {
      throw new StudioError(
        'invalid',
        'Nothing to change: give status, assignee, result, note or a field to edit.',
      );
    }
    const stored = [title, change.body, change.result, change.note].reduce(
      (sum, text) => sum + (text ? bytes(text) : 0),
      0,
    );
    // Checked with the rest, so that check() refuses it too before a task branch is made for it.
    this.budget.check(actor, stored);
    return {
      id: row.id,
      dispatcherId: row.dispatcher_id,
      before,
      nextStatus,
      statusChanged,
      assignee: assigneeChanged ? (assignee ?? null) : undefined,
      edited,
      fields: {
        ...(statusChanged ? { status: nextStatus } : {}),
        ...(assigneeChanged ? { assignee_id: assignee?.id ?? null } : {}),
        ...(title !== undefined ? { title } : {}),
        ...(change.body !== undefined ? { body: change.body } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(change.result !== undefined ? { result: change.result } : {}),
      },
      blockers,
      result: change.result,
      note: change.note ?? '',
      bytes: stored,
    };
  }

  /** The task's row and blockers; inside update's transaction. */
  private writeUpdate(plan: UpdatePlan): void {
    const fields: Record<string, unknown> = { ...plan.fields, updated_at: this.clock.now() };
    const sets = Object.keys(fields).map((k) => `${k} = @${k}`);
    this.db.prepare(`UPDATE tasks SET ${sets.join(', ')} WHERE id = @id`).run({ ...fields, id: plan.id });
    if (plan.blockers !== undefined) {
      this.stmts.clearBlockers.run(plan.id);
      for (const b of plan.blockers) this.stmts.insertBlocker.run(plan.id, b);
    }
  }

  /**
   * The change's lines in the task's history; returns their ids, to announce after commit. The
   * first carries what the change stored (the actor's budget counts it once).
   */
  private logUpdate(actor: Agent, plan: UpdatePlan): number[] {
    const ids: number[] = [];
    const { id, before, nextStatus, note } = plan;
    const add = (kind: TaskEventKind, from: TaskStatus | null, to: TaskStatus | null, text: string) =>
      ids.push(this.addEvent(id, actor, kind, from, to, text, ids.length ? 0 : plan.bytes));
    if (plan.assignee !== undefined) {
      add(
        'assigned',
        before.status,
        nextStatus,
        plan.assignee ? `assigned to ${plan.assignee.name}` : 'unassigned',
      );
    } else if (plan.statusChanged) {
      add('status', before.status, nextStatus, note);
    }
    if (plan.edited) add('edited', null, null, '');
    if (plan.result !== undefined) add('result', null, null, plan.result.slice(0, RESULT_IN_HISTORY_CHARS));
    if (note && !plan.statusChanged) add('note', null, null, note);
    return ids;
  }

  /**
   * The mail a change causes, written into `outbox` to announce after commit: the new assignee
   * gets the task (refused if its inbox is full), the dispatcher hears of progress it did not
   * cause, and finishing a task tells the owners of tasks it was blocking. Notices never block the
   * work they report: with an inbox full, the board and the history still show it.
   */
  private notifyUpdate(actor: Agent, plan: UpdatePlan, outbox: Array<[Message, Agent]>): void {
    const { id, before, nextStatus, note } = plan;
    const notice = (to: Agent, text: string, opts: { type: Message['type']; taskId: number }) => {
      if (this.bus.hasRoomFor(actor, to, text))
        outbox.push([this.bus.writeDirect(actor, to, text, opts), to]);
    };
    if (plan.assignee && plan.assignee.id !== actor.id) {
      const text = this.assignmentText(id, plan.workNote);
      this.bus.checkRoom(actor, plan.assignee, text);
      outbox.push([
        this.bus.writeDirect(actor, plan.assignee, text, { type: 'task', taskId: id }),
        plan.assignee,
      ]);
    }
    const dispatcher = this.agents.getById(plan.dispatcherId);
    if (dispatcher && dispatcher.id !== actor.id && (plan.statusChanged || plan.result !== undefined)) {
      const text = this.progressText(id, actor, before.status, nextStatus, plan.result, note);
      notice(dispatcher, text, {
        type: nextStatus === 'done' || nextStatus === 'review' ? 'result' : 'text',
        taskId: id,
      });
    }
    if (!plan.statusChanged || nextStatus !== 'done') return;
    for (const { task_id } of this.stmts.blocked.all(id) as Array<{ task_id: number }>) {
      const waiting = this.row(task_id);
      if (waiting.status === 'done' || waiting.assignee_id === null) continue;
      if ((this.stmts.openBlockers.get(task_id) as { n: number }).n > 0) continue;
      const owner = this.agents.getById(waiting.assignee_id);
      if (!owner || owner.id === actor.id) continue;
      notice(owner, `Task #${task_id} "${waiting.title}" is unblocked: #${id} is done.`, {
        type: 'text',
        taskId: task_id,
      });
    }
  }

  private progressText(
    id: number,
    actor: Agent,
    from: TaskStatus,
    to: TaskStatus,
    result: string | undefined,
    note: string,
  ): string {
    const t = this.get(id);
    const head =
      from !== to
        ? `Task #${id} "${t.title}": ${from} → ${to} by ${actor.name}.`
        : `Task #${id} "${t.title}": result from ${actor.name}.`;
    return [head, note && `Note: ${note}`, result && `Result:\n${result}`].filter(Boolean).join('\n');
  }

  /**
   * A page of tasks, most recently updated first, read in that order from the index of its filter
   * (tasks_updated, tasks_open, tasks_status, tasks_assignee, tasks_dispatcher): never every task
   * and its body, to sort them. `next` is where the following page starts, when there may be one.
   */
  page(query: TaskListQuery = {}): { tasks: Task[]; next?: TaskCursor } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.status !== undefined) {
      params.status = checkEnum('status', query.status, TASK_STATUSES);
      where.push('t.status = @status');
    } else if (query.open) {
      where.push("t.status <> 'done'");
    }
    if (query.assignee !== undefined) {
      params.assignee = this.agents.require(query.assignee).id;
      where.push('t.assignee_id = @assignee');
    }
    if (query.dispatcher !== undefined) {
      params.dispatcher = this.agents.require(query.dispatcher).id;
      where.push('t.dispatcher_id = @dispatcher');
    }
    if (query.after !== undefined) {
      Object.assign(params, { afterAt: query.after.updatedAt, afterId: query.after.id });
      where.push('(t.updated_at, t.id) < (@afterAt, @afterId)');
    }
    const limit = Math.max(1, Math.min(MAX_PAGE_ITEMS, Math.floor(query.limit ?? MAX_PAGE_ITEMS)));
    // One more than the page: whether there is a next one.
    params.limit = limit + 1;
    const sql = `SELECT t.*, (SELECT group_concat(b.blocker_id) FROM task_blockers b WHERE b.task_id = t.id) AS blockers
      FROM tasks t ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.updated_at DESC, t.id DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all(params) as TaskRow[];
    const tasks = rows.slice(0, limit).map((r) => this.toTask(r));
    const last = tasks.at(-1);
    return rows.length > limit && last
      ? { tasks, next: { updatedAt: last.updatedAt, id: last.id } }
      : { tasks };
  }

  /** A page of tasks (see page), shown urgent first. */
  list(query: TaskListQuery = {}): Task[] {
    return byUrgency(this.page(query).tasks);
  }

  /** Tasks assigned to the agent that are not done. */
  openCount(agentId: number): number {
    return (this.stmts.openOf.get(agentId) as { n: number }).n;
  }

  counts(): Record<TaskStatus, number> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const r of this.stmts.counts.all() as Array<{ status: TaskStatus; n: number }>)
      counts[r.status] = r.n;
    return counts;
  }

  openCounts(): Map<number, number> {
    const rows = this.stmts.openForAgent.all() as Array<{ assignee_id: number; n: number }>;
    return new Map(rows.map((r) => [r.assignee_id, r.n]));
  }

  recentActivity(limit: number): ActivityItem[] {
    return (this.stmts.recentEvents.all(limit) as EventRow[]).map((r) => {
      const e = this.toEvent(r);
      const what =
        e.kind === 'status' || e.kind === 'created'
          ? `${e.kind === 'created' ? 'created' : `${e.fromStatus} → ${e.toStatus}`}${e.note ? ' (' + e.note + ')' : ''}`
          : `${e.kind}${e.note ? ': ' + e.note.slice(0, 100) : ''}`;
      return {
        at: e.createdAt,
        kind: 'task' as const,
        actor: e.actor,
        taskId: e.taskId,
        text: `task #${e.taskId} ${what}`,
      };
    });
  }

  /** The last task events with their tasks as they are now, newest first (the feed's history). */
  recentEvents(limit: number): Array<{ task: Task; event: TaskEvent }> {
    const tasks = new Map<number, Task>();
    return (this.stmts.recentEvents.all(limit) as EventRow[]).map((r) => {
      const event = this.toEvent(r);
      let task = tasks.get(event.taskId);
      if (!task) tasks.set(event.taskId, (task = this.get(event.taskId)));
      return { task, event };
    });
  }

  /** Tasks held by a removed agent go back to the backlog so nothing is stranded. */
  releaseAssignee(agentId: number, actor: Agent): void {
    const held = this.stmts.heldBy.all(agentId) as Array<{ id: number }>;
    for (const { id } of held) this.update(actor, { id, assignee: null, note: 'assignee removed' });
  }
}
