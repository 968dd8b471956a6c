// An agent's hourly budget for what it writes to the board (tasks it creates, lines of task
// history with their bodies, results and notes), on the real limits, SQLite in memory, a fake clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import {
  MAX_TASK_BYTES_PER_HOUR,
  MAX_TASK_WRITES_PER_HOUR,
  QUOTA_WINDOW_MS,
} from '../../../../main/contract/limits.js';
import type { Agent } from '../../../../main/contract/model.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: StudioWithParts;
let clock: FakeClock;
let events: StudioEvent[];
let lead: Agent, dev: Agent;
beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  lead = studio.agents.add({ name: 'lead' }).agent;
  dev = studio.agents.add({ name: 'dev' }).agent;
  events = [];
  studio.events.on((e) => events.push(e));
});
afterEach(() => studio.close());

const count = (table: string) =>
  (studio.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const quotaNotices = () =>
  events.filter((e) => e.type === 'attention' && e.attention.kind === 'quota').length;

describe('the hourly budget for task changes an agent makes', () => {
  it('refuses the task past the limit and not before, storing nothing', () => {
    for (let i = 0; i < MAX_TASK_WRITES_PER_HOUR; i++) studio.board.create(lead, { title: `t${i}` });
    const [tasks, lines] = [count('tasks'), count('task_events')];
    expect(() => studio.board.create(lead, { title: 'one more' })).toThrow(
      new RegExp(
        `^You have made ${MAX_TASK_WRITES_PER_HOUR} task changes \\(\\d KB\\) in the last hour; an agent may make ` +
          `${MAX_TASK_WRITES_PER_HOUR} task changes or 8 MB an hour\\. Nothing was changed\\. There is room again`,
      ),
    );
    expect([count('tasks'), count('task_events')]).toEqual([tasks, lines]);
    // Changing a task is a line of history too; the check comes before any work for it (check()).
    expect(() => studio.board.check(lead, { id: 1, note: 'still there' })).toThrow(/room again/);
    expect(() => studio.board.update(lead, { id: 1, note: 'still there' })).toThrow(/room again/);
    // Another agent has a budget of its own.
    expect(() => studio.board.create(dev, { title: 'mine' })).not.toThrow();
  });

  it('counts the bytes of bodies, results and notes', () => {
    const big = 'b'.repeat(60 * 1024);
    const nnn = (i: number) => String(i).padStart(3, '0');
    let made = 0;
    expect(() => {
      for (; made < 1000; made++) studio.board.create(lead, { title: `t${nnn(made)}`, body: big });
    }).toThrow(/^You have made 136 task changes \(8 MB\)/);
    expect(made).toBe(Math.floor(MAX_TASK_BYTES_PER_HOUR / (4 + big.length)));
    // dev's results count against dev, after the 4 bytes of the task it made itself.
    const task = studio.board.create(dev, { title: 'work', assignee: 'dev' });
    let results = 0;
    expect(() => {
      for (; results < 1000; results++)
        studio.board.update(dev, { id: task.id, result: `${nnn(results)} ${big}` });
    }).toThrow(/^You have made \d+ task changes \(8 MB\)/);
    expect(results).toBe(Math.floor((MAX_TASK_BYTES_PER_HOUR - 4) / (4 + big.length)));
    // And notes, a line each.
    const before = count('task_events');
    for (let i = 0; i < 10; i++) studio.board.update(lead, { id: 1, note: `n${i}` });
    expect(count('task_events')).toBe(before + 10);
  });

  it('frees room once the hour has passed, and tells the person once an hour', () => {
    for (let i = 0; i < MAX_TASK_WRITES_PER_HOUR; i++) studio.board.create(lead, { title: `t${i}` });
    for (let i = 0; i < 4; i++) expect(() => studio.board.create(lead, { title: 'more' })).toThrow();
    expect(quotaNotices()).toBe(1);
    const notice = events.find((e) => e.type === 'attention')!;
    expect(notice).toMatchObject({
      attention: { kind: 'quota', agent: 'lead', title: 'lead is over its hourly budget for tasks' },
    });
    clock.advance(QUOTA_WINDOW_MS);
    expect(() => studio.board.create(lead, { title: 'next hour' })).not.toThrow();
    for (let i = 1; i < MAX_TASK_WRITES_PER_HOUR; i++) studio.board.create(lead, { title: `u${i}` });
    expect(() => studio.board.create(lead, { title: 'more' })).toThrow();
    expect(quotaNotices()).toBe(2);
  });

  it("never refuses the person's own tasks and changes", async () => {
    const person = studio.agents.person;
    const big = 'p'.repeat(60 * 1024);
    for (let i = 0; i < MAX_TASK_WRITES_PER_HOUR + 50; i++)
      studio.board.create(person, { title: `t${i}`, body: big });
    await expect(studio.service.createTask({ title: 'and through the service' })).resolves.toBeDefined();
    await expect(studio.service.updateTask({ id: 1, note: 'a note' })).resolves.toBeDefined();
    expect(events.some((e) => e.type === 'quota.refused')).toBe(false);
  });
});
