// How a task's status and owner move, and who may change it: the pure rules the board applies.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../../main/contract/errors.js';
import { TASK_STATUSES, type TaskStatus } from '../../../../main/contract/model.js';
import {
  checkMayUpdate,
  checkOwner,
  initialStatus,
  nextStatus,
  type AssigneeChange,
} from '../../../../main/core/board/taskTransitions.js';

const names = (id: number) => ({ 1: 'lead', 2: 'dev' })[id] ?? `#${id}`;

describe('task transitions', () => {
  it('a new task is assigned when given out, else in the backlog', () => {
    expect(initialStatus(true)).toBe('assigned');
    expect(initialStatus(false)).toBe('backlog');
  });

  it('a status asked for wins over any change of owner', () => {
    for (const move of ['kept', 'unassigned', 'reassigned'] as AssigneeChange[])
      expect(nextStatus('in_progress', 'review', move)).toBe('review');
  });

  it('reassigning restarts the task; unassigning returns it to the backlog, unless done', () => {
    const table: Array<[TaskStatus, AssigneeChange, TaskStatus]> = [
      ['in_progress', 'reassigned', 'assigned'],
      ['review', 'reassigned', 'assigned'],
      ['done', 'reassigned', 'assigned'],
      ['backlog', 'reassigned', 'assigned'],
      ['in_progress', 'unassigned', 'backlog'],
      ['blocked', 'unassigned', 'backlog'],
      ['done', 'unassigned', 'done'],
      ['in_progress', 'kept', 'in_progress'],
      ['done', 'kept', 'done'],
    ];
    for (const [from, move, to] of table)
      expect([from, move, nextStatus(from, undefined, move)]).toEqual([from, move, to]);
  });

  it('only the backlog and done may have no owner', () => {
    const needOwner = TASK_STATUSES.filter((s) => {
      try {
        checkOwner(7, s, false);
        return false;
      } catch (err) {
        expect(err).toBeInstanceOf(StudioError);
        expect((err as Error).message).toBe(
          `Task #7 has no assignee; set assignee before moving it to ${s}.`,
        );
        return true;
      }
    });
    expect(needOwner).toEqual(['assigned', 'in_progress', 'blocked', 'review']);
    for (const s of TASK_STATUSES) expect(() => checkOwner(7, s, true)).not.toThrow();
  });

  it('the assignee, the dispatcher, a commander or the person may change a task; no one else', () => {
    const task = { id: 5, assignee_id: 2, dispatcher_id: 1 };
    const agent = (id: number, extra: { kind?: 'agent' | 'person'; commander?: boolean } = {}) => ({
      id,
      kind: extra.kind ?? ('agent' as const),
      commander: extra.commander ?? false,
    });
    expect(() => checkMayUpdate(agent(1), task, names)).not.toThrow();
    expect(() => checkMayUpdate(agent(2), task, names)).not.toThrow();
    expect(() => checkMayUpdate(agent(3, { commander: true }), task, names)).not.toThrow();
    expect(() => checkMayUpdate(agent(4, { kind: 'person' }), task, names)).not.toThrow();
    expect(() => checkMayUpdate(agent(3), task, names)).toThrow(
      'Task #5 belongs to lead and dev; message them instead of changing it.',
    );
    expect(() => checkMayUpdate(agent(3), { ...task, assignee_id: null }, names)).toThrow(
      'Task #5 belongs to lead; message them',
    );
  });
});
