// How a task's status and owner move: the status a new task starts in, the status a change leads
// to (reassigning restarts a task, unassigning returns an unfinished one to the backlog), which
// statuses need an owner, and who may change a task at all. Pure: the board applies them.
import { StudioError } from '../../contract/errors.js';
import type { Agent, TaskStatus } from '../../contract/model.js';
import type { NameOf, TaskRow } from './taskRows.js';

/** The statuses a task may be in with nobody assigned: not yet given out, or finished. */
const OWNERLESS: readonly TaskStatus[] = ['backlog', 'done'];

/** What a change does to a task's assignee. */
export type AssigneeChange = 'kept' | 'unassigned' | 'reassigned';

/** A task given out at once is assigned; any other waits in the backlog. */
export function initialStatus(assigned: boolean): TaskStatus {
  return assigned ? 'assigned' : 'backlog';
}

/**
 * The status a change leads to: the one asked for, if any; otherwise reassigning restarts the task
 * with its new owner and unassigning puts it back in the backlog (a done task stays done).
 */
export function nextStatus(
  current: TaskStatus,
  requested: TaskStatus | undefined,
  assignee: AssigneeChange,
): TaskStatus {
  if (requested !== undefined) return requested;
  if (assignee === 'reassigned') return 'assigned';
  if (assignee === 'unassigned' && current !== 'done') return 'backlog';
  return current;
}

/** Refuses to leave task `id` in `status` with no owner, where that status needs one. */
export function checkOwner(id: number, status: TaskStatus, owned: boolean): void {
  if (owned || OWNERLESS.includes(status)) return;
  throw new StudioError(
    'invalid',
    `Task #${id} has no assignee; set assignee before moving it to ${status}.`,
  );
}

/** Who may change a task: its assignee, its dispatcher, a commander, or the person. */
export function checkMayUpdate(
  actor: Pick<Agent, 'id' | 'kind' | 'commander'>,
  task: Pick<TaskRow, 'id' | 'assignee_id' | 'dispatcher_id'>,
  nameOf: NameOf,
): void {
  if (actor.kind === 'person' || actor.commander) return;
  if (actor.id === task.assignee_id || actor.id === task.dispatcher_id) return;
  throw new StudioError(
    'forbidden',
    `Task #${task.id} belongs to ${nameOf(task.dispatcher_id)}${task.assignee_id ? ' and ' + nameOf(task.assignee_id) : ''}; message them instead of changing it.`,
  );
}
