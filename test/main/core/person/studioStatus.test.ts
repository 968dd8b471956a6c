// The studio at a glance, from the store alone: no terminals, no server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  STATUS_ACTIVITY_LINES,
  STATUS_OPEN_TASKS,
  studioStatus,
} from '../../../../main/core/person/studioStatus.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';

let store: MemoryStore;
beforeEach(() => (store = openMemoryStore()));
afterEach(() => store.close());

describe("the studio's status", () => {
  it("counts each agent's unread mail and open tasks", () => {
    const ann = store.agents.add({ name: 'ann', remote: true }).agent;
    store.agents.add({ name: 'bob', remote: true });
    const person = store.agents.person;
    store.bus.send(person, 'ann', 'one');
    store.bus.send(person, 'ann', 'two');
    store.board.create(person, { title: 'For ann', assignee: 'ann' });
    store.board.create(person, { title: 'Nobody yet' });
    const status = studioStatus(store);
    const row = (name: string) => status.agents.find((a) => a.name === name);
    // Two messages and the mail that gave her the task.
    expect(row('ann')).toMatchObject({ id: ann.id, unread: 3, openTasks: 1 });
    expect(row('bob')).toMatchObject({ unread: 0, openTasks: 0 });
    expect(status.taskCounts).toMatchObject({ assigned: 1, backlog: 1 });
    expect(status.deliveries).toEqual([]);
  });

  it('shows mail and task activity together, newest first, cut to one glance', () => {
    store.agents.add({ name: 'ann', remote: true });
    const person = store.agents.person;
    // Mail and tasks in turn, each a second after the last, more than a glance holds.
    const tasks: number[] = [];
    for (let i = 0; i < STATUS_ACTIVITY_LINES; i++) {
      store.clock.advance(1000);
      store.bus.send(person, 'ann', `mail ${i}`);
      store.clock.advance(1000);
      tasks.push(store.board.create(person, { title: `task ${i}` }).id);
    }
    const { activity } = studioStatus(store);
    expect(activity).toHaveLength(STATUS_ACTIVITY_LINES);
    // The newest of both kinds, interleaved: the last task, then the last mail, and so on.
    expect(activity.map((a) => a.kind)).toEqual(
      Array.from({ length: STATUS_ACTIVITY_LINES }, (_, i) => (i % 2 ? 'message' : 'task')),
    );
    expect(activity.map((a) => a.at)).toEqual([...activity.map((a) => a.at)].sort((a, b) => b - a));
    expect(activity[0]).toMatchObject({ taskId: tasks.at(-1) });
    expect(activity[1]!.text).toMatch(`mail ${STATUS_ACTIVITY_LINES - 1}`);
  });

  it('lists open tasks only, and a glance of them', () => {
    const person = store.agents.person;
    for (let i = 0; i < STATUS_OPEN_TASKS + 2; i++) store.board.create(person, { title: `task ${i}` });
    const done = store.board.create(person, { title: 'finished' });
    store.board.update(person, { id: done.id, status: 'done' });
    const { openTasks } = studioStatus(store);
    expect(openTasks).toHaveLength(STATUS_OPEN_TASKS);
    expect(openTasks.map((t) => t.id)).not.toContain(done.id);
  });
});
