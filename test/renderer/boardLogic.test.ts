import { describe, expect, it } from 'vitest';
import type { Agent } from '../../main/contract/model.js';
import {
  agentTargetId,
  cardId,
  columnId,
  groupByColumn,
  parseBlockers,
  parseCard,
  parseTarget,
  planDrop,
} from '../../renderer/src/board/boardLogic.js';
import { makeAgent, makeTask } from '../support/modelFixtures.js';

const task = makeTask;

const agent = (name: string, over: Partial<Agent> = {}): Agent =>
  makeAgent({ id: name.length, name, ...over });

const team = [agent('ann'), agent('bob'), agent('user', { kind: 'person' })];

describe('board logic', () => {
  it('groups tasks by column, most urgent then most recent first', () => {
    const cols = groupByColumn([
      task({ id: 1, priority: 'low', updatedAt: 5 }),
      task({ id: 2, priority: 'urgent', updatedAt: 1 }),
      task({ id: 3, priority: 'normal', updatedAt: 9 }),
      task({ id: 4, priority: 'normal', updatedAt: 10 }),
      task({ id: 5, status: 'done' }),
    ]);
    expect(cols.backlog.map((t) => t.id)).toEqual([2, 4, 3, 1]);
    expect(cols.done.map((t) => t.id)).toEqual([5]);
    expect(cols.assigned).toEqual([]);
  });

  it('a card dropped on a tile dispatches it to that agent', () => {
    expect(planDrop(task(), { kind: 'agent', name: 'ann' }, team)).toEqual({
      kind: 'update',
      input: { id: 1, assignee: 'ann', status: 'assigned' },
      describe: 'Dispatched #1 to ann',
    });
    // Reassigning an open task to someone else dispatches it again.
    expect(
      planDrop(task({ status: 'in_progress', assignee: 'bob' }), { kind: 'agent', name: 'ann' }, team),
    ).toMatchObject({
      kind: 'update',
      input: { assignee: 'ann', status: 'assigned' },
    });
    // A finished task dropped on a tile is reopened for that agent.
    expect(
      planDrop(task({ status: 'done', assignee: 'ann' }), { kind: 'agent', name: 'ann' }, team),
    ).toMatchObject({
      kind: 'update',
    });
  });

  it('dropping on the agent that already has it nudges instead of changing the task', () => {
    expect(
      planDrop(task({ status: 'in_progress', assignee: 'ann' }), { kind: 'agent', name: 'ann' }, team),
    ).toEqual({
      kind: 'kick',
      agent: 'ann',
      describe: 'Reminded ann of #1',
    });
  });

  it('refuses drops the studio would refuse, with a reason a person can act on', () => {
    expect(planDrop(task(), { kind: 'column', status: 'review' }, team)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringContaining("drop it on an agent's tile"),
    });
    expect(planDrop(task(), { kind: 'agent', name: 'ghost' }, team)).toMatchObject({ kind: 'refuse' });
    expect(planDrop(task(), { kind: 'agent', name: 'user' }, team)).toMatchObject({ kind: 'refuse' });
  });

  it('moves between columns, and does nothing when dropped where it was', () => {
    expect(
      planDrop(task({ status: 'assigned', assignee: 'ann' }), { kind: 'column', status: 'review' }, team),
    ).toEqual({
      kind: 'update',
      input: { id: 1, status: 'review' },
      describe: 'Moved #1 to Review',
    });
    expect(planDrop(task(), { kind: 'column', status: 'done' }, team)).toMatchObject({ kind: 'update' });
    expect(planDrop(task(), { kind: 'column', status: 'backlog' }, team)).toEqual({ kind: 'none' });
  });

  it('drag ids round-trip and hostile ids parse to nothing', () => {
    expect(parseCard(cardId(42))).toBe(42);
    expect(parseTarget(columnId('in_progress'))).toEqual({ kind: 'column', status: 'in_progress' });
    expect(parseTarget(agentTargetId('a:b'))).toEqual({ kind: 'agent', name: 'a:b' });
    for (const bad of ['task:', 'task:-1', 'task:1.5', 'task:1e3', 'card:1', '', null, undefined, 7])
      expect(parseCard(bad as never)).toBeNull();
    for (const bad of ['column:nope', 'column:', 'agent:', 'x:y', '__proto__', null, 3])
      expect(parseTarget(bad as never)).toBeNull();
  });

  it('parses blocker lists and names the bad entry', () => {
    expect(parseBlockers('3, 7,#9  3')).toEqual({ ok: true, ids: [3, 7, 9] });
    expect(parseBlockers('')).toEqual({ ok: true, ids: [] });
    expect(parseBlockers('3, x')).toEqual({ ok: false, error: '"x" is not a task number.' });
    expect(parseBlockers('0')).toMatchObject({ ok: false });
    expect(parseBlockers('99999999999999999999')).toMatchObject({ ok: false });
  });
});
