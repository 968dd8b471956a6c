// Which tasks wait on which: the loop check on its own, and the checks and the "freed" query on
// SQLite in memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../../main/contract/model.js';
import { leadsBack } from '../../../../main/core/board/taskBlockers.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';

describe('leadsBack', () => {
  // 2 waits on 1, 3 on 2, 4 on 3 and 2.
  const graph: Record<number, number[]> = { 1: [], 2: [1], 3: [2], 4: [3, 2] };
  const waitsOn = (id: number) => graph[id] ?? [];

  it('finds a loop through a chain of any length, and none where there is none', () => {
    expect(leadsBack(1, [4], waitsOn)).toBe(true);
    expect(leadsBack(2, [3], waitsOn)).toBe(true);
    expect(leadsBack(1, [2, 3], waitsOn)).toBe(true);
    expect(leadsBack(4, [1, 2, 3], waitsOn)).toBe(false);
    expect(leadsBack(5, [4], waitsOn)).toBe(false);
  });

  it('ends on a graph that already loops, walking each task once', () => {
    const seen: number[] = [];
    const loop = (id: number) => (seen.push(id), id === 1 ? [2] : [1]);
    expect(leadsBack(9, [1], loop)).toBe(false);
    expect(seen.sort()).toEqual([1, 2]);
  });
});

describe('TaskBlockers on the board', () => {
  let store: MemoryStore;
  let lead: Agent;
  beforeEach(() => {
    store = openMemoryStore();
    lead = store.agents.add({ name: 'lead' }).agent;
    store.agents.add({ name: 'dev' });
  });
  afterEach(() => store.close());

  it('refuses a chain back to the task and changes nothing', () => {
    const a = store.board.create(lead, { title: 'a' });
    const b = store.board.create(lead, { title: 'b', blockedBy: [a.id] });
    const c = store.board.create(lead, { title: 'c', blockedBy: [b.id] });
    expect(() => store.board.update(lead, { id: a.id, blockedBy: [c.id] })).toThrow(
      `That would make task #${a.id} block itself through a chain.`,
    );
    expect(store.board.get(a.id).blockedBy).toEqual([]);
  });

  it('a finished task frees only the waiting tasks with an owner and no other open blocker', () => {
    const first = store.board.create(lead, { title: 'first' });
    const second = store.board.create(lead, { title: 'second' });
    const freed = store.board.create(lead, { title: 'freed', assignee: 'dev', blockedBy: [first.id] });
    store.board.create(lead, { title: 'still waits', assignee: 'dev', blockedBy: [first.id, second.id] });
    store.board.create(lead, { title: 'nobody holds it', blockedBy: [first.id] });
    store.board.update(lead, { id: first.id, status: 'done' });
    const notices = store.bus
      .inbox(store.agents.require('dev'))
      .items.filter((m) => m.body.includes('is unblocked'))
      .map((m) => m.taskId);
    expect(notices).toEqual([freed.id]);
  });
});
