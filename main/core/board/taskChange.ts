// A change to a task, checked and worked out before anything is written: its fields, the status
// it leads to and the new owner (taskTransitions.ts), what moves, and what it stores for the
// actor's budget. TaskBoard.update and TaskBoard.check share it, so check refuses what update would.
import { StudioError } from '../../contract/errors.js';
import type { UpdateTaskInput } from '../../contract/inputs.js';
import { MAX_TASK_BODY_BYTES } from '../../contract/limits.js';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Agent,
  type Task,
  type TaskStatus,
} from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBlockers } from './taskBlockers.js';
import { checkBody, checkEnum, checkNote, checkTitle, MAX_RESULT_BYTES, storedBytes } from './taskInputs.js';
import { toTask, type TaskRow } from './taskRows.js';
import { checkOwner, nextStatus, type AssigneeChange } from './taskTransitions.js';

/** A change to a task; `assignee: null` unassigns. */
export type TaskChange = UpdateTaskInput;

/** A checked change to a task and what it means (TaskBoard.update). */
export interface UpdatePlan {
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

export interface PlanDeps {
  agents: Pick<AgentRegistry, 'require' | 'getById' | 'nameOf'>;
  blockers: Pick<TaskBlockers, 'check'>;
}

/** The change's own fields, each checked: what it asks of status, priority and title. */
function checkFields(change: TaskChange) {
  const status = change.status !== undefined ? checkEnum('status', change.status, TASK_STATUSES) : undefined;
  const priority =
    change.priority !== undefined ? checkEnum('priority', change.priority, TASK_PRIORITIES) : undefined;
  const title = change.title !== undefined ? checkTitle(change.title) : undefined;
  checkBody('body', change.body, MAX_TASK_BODY_BYTES);
  checkBody('result', change.result, MAX_RESULT_BYTES);
  checkNote(change.note);
  return { status, priority, title };
}

/** Who the change gives the task to (`given`, undefined when not asked), whether that moves it, and its owner after. */
function assigneeOf(row: TaskRow, change: TaskChange, agents: PlanDeps['agents']) {
  const given =
    change.assignee === undefined
      ? undefined
      : change.assignee === null
        ? null
        : agents.require(change.assignee);
  const changed = given !== undefined && (given?.id ?? null) !== row.assignee_id;
  const kept = row.assignee_id === null ? null : (agents.getById(row.assignee_id) ?? null);
  return { given, changed, owner: given !== undefined ? given : kept };
}

/**
 * The change to `row`, checked, and what it means: the next status (reassigning restarts a task),
 * what moves. Who may make it and the actor's budget are the caller's to check.
 */
export function planChange(row: TaskRow, change: TaskChange, deps: PlanDeps): UpdatePlan {
  const { status, priority, title } = checkFields(change);
  const assignee = assigneeOf(row, change, deps.agents);
  const blockers = change.blockedBy !== undefined ? deps.blockers.check(row.id, change.blockedBy) : undefined;
  const before = toTask(row, (id) => deps.agents.nameOf(id));
  const move: AssigneeChange = !assignee.changed ? 'kept' : assignee.given ? 'reassigned' : 'unassigned';
  const next = nextStatus(before.status, status, move);
  checkOwner(row.id, next, !!assignee.owner);
  const statusChanged = next !== before.status;
  const edited =
    title !== undefined || change.body !== undefined || priority !== undefined || blockers !== undefined;
  if (!statusChanged && !assignee.changed && !edited && change.result === undefined && !change.note) {
    throw new StudioError(
      'invalid',
      'Nothing to change: give status, assignee, result, note or a field to edit.',
    );
  }
  const newAssignee = assignee.changed ? (assignee.given ?? null) : undefined;
  return {
    id: row.id,
    dispatcherId: row.dispatcher_id,
    before,
    nextStatus: next,
    statusChanged,
    assignee: newAssignee,
    edited,
    fields: {
      ...(statusChanged ? { status: next } : {}),
      ...(newAssignee !== undefined ? { assignee_id: newAssignee?.id ?? null } : {}),
      ...(title !== undefined ? { title } : {}),
      ...(change.body !== undefined ? { body: change.body } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(change.result !== undefined ? { result: change.result } : {}),
    },
    blockers,
    result: change.result,
    note: change.note ?? '',
    bytes: storedBytes([title, change.body, change.result, change.note]),
  };
}
