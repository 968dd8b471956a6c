import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { Agent } from '../../../../main/contract/model.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: StudioWithParts;
let clock: FakeClock;
let events: StudioEvent[];
let lead: Agent, dev: Agent, other: Agent;
beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  lead = studio.agents.add({ name: 'lead' }).agent;
  dev = studio.agents.add({ name: 'dev' }).agent;
  other = studio.agents.add({ name: 'other' }).agent;
  events = [];
  studio.events.on((e) => events.push(e));
});
afterEach(() => studio.close());

const inbox = (a: Agent) => studio.bus.inbox(a).items;

describe('TaskBoard', () => {
  it('dispatching to an agent assigns it and sends the task as a message', () => {
    const t = studio.board.create(lead, {
      title: 'Write tests',
      body: 'cover the bus',
      assignee: 'dev',
      priority: 'high',
    });
    expect(t).toMatchObject({ status: 'assigned', assignee: 'dev', dispatcher: 'lead', priority: 'high' });
    const [m] = inbox(dev);
    expect(m).toMatchObject({ from: 'lead', type: 'task', taskId: t.id });
    expect(m!.body).toContain('Write tests');
    expect(m!.body).toContain('update_task');
    expect(events.map((e) => e.type)).toEqual(['task.created', 'message.sent', 'delivery.changed']);
  });

  it('without an assignee the task waits in the backlog and nobody is messaged', () => {
    const t = studio.board.create(lead, { title: 'Later' });
    expect(t.status).toBe('backlog');
    expect(studio.bus.unreadCount(dev.id)).toBe(0);
  });

  it('tells the dispatcher about every status change it did not make, with the result', () => {
    const t = studio.board.create(lead, { title: 'Build', assignee: 'dev' });
    inbox(dev);
    studio.board.update(dev, { id: t.id, status: 'in_progress' });
    clock.advance(10);
    studio.board.update(dev, { id: t.id, status: 'done', result: 'built in 3s' });
    const mail = inbox(lead);
    expect(mail.map((m) => m.type)).toEqual(['text', 'result']);
    expect(mail[0]!.body).toContain('assigned → in_progress');
    expect(mail[1]!.body).toContain('built in 3s');
    const detail = studio.board.detail(t.id);
    expect(detail.result).toBe('built in 3s');
    expect(detail.events.map((e) => e.kind)).toEqual(['created', 'status', 'status', 'result']);
    // The dispatcher's own changes do not message itself.
    studio.board.update(lead, { id: t.id, status: 'review' });
    expect(studio.bus.unreadCount(lead.id)).toBe(0);
  });

  it('only the assignee, dispatcher, a commander or the person may change a task', () => {
    const t = studio.board.create(lead, { title: 'Mine', assignee: 'dev' });
    expect(() => studio.board.update(other, { id: t.id, status: 'done' })).toThrow(/message them instead/);
    studio.board.update(studio.agents.person, { id: t.id, status: 'blocked', note: 'waiting on API keys' });
    expect(studio.board.get(t.id).status).toBe('blocked');
  });

  it('reassigning notifies the new owner; unassigning returns the task to the backlog', () => {
    const t = studio.board.create(lead, { title: 'Move me', assignee: 'dev' });
    studio.board.update(lead, { id: t.id, assignee: 'other' });
    expect(inbox(other)[0]).toMatchObject({ type: 'task', taskId: t.id });
    expect(studio.board.update(lead, { id: t.id, assignee: null }).status).toBe('backlog');
    expect(() => studio.board.update(lead, { id: t.id, status: 'in_progress' })).toThrow(/no assignee/);
  });

  it('tracks blockers, refuses cycles, and announces an unblocked task', () => {
    const a = studio.board.create(lead, { title: 'A', assignee: 'dev' });
    const b = studio.board.create(lead, { title: 'B', assignee: 'other', blockedBy: [a.id] });
    expect(b.blockedBy).toEqual([a.id]);
    expect(() => studio.board.update(lead, { id: a.id, blockedBy: [b.id] })).toThrow(/through a chain/);
    expect(() => studio.board.update(lead, { id: a.id, blockedBy: [a.id] })).toThrow(/itself/);
    expect(() => studio.board.create(lead, { title: 'C', blockedBy: [999] })).toThrow(/No task #999/);
    inbox(other);
    studio.board.update(dev, { id: a.id, status: 'done' });
    expect(inbox(other).map((m) => m.body)).toEqual([expect.stringContaining('is unblocked')]);
  });

  it('rejects bad input without writing anything', () => {
    const snapshot = () =>
      JSON.stringify([
        studio.db.prepare('SELECT * FROM tasks').all(),
        studio.db.prepare('SELECT * FROM task_events').all(),
      ]);
    const t = studio.board.create(lead, { title: 'ok', assignee: 'dev' });
    const before = snapshot();
    expect(() => studio.board.create(lead, { title: '' })).toThrow(/title/);
    expect(() => studio.board.create(lead, { title: 'x'.repeat(201) })).toThrow(/keep it under/);
    expect(() => studio.board.create(lead, { title: 'x', assignee: 'ghost' })).toThrow(/No agent/);
    expect(() => studio.board.create(lead, { title: 'x', priority: 'asap' as never })).toThrow(
      /priority must be/,
    );
    expect(() => studio.board.update(dev, { id: t.id, status: 'finished' as never })).toThrow(
      /status must be/,
    );
    expect(() => studio.board.update(dev, { id: 12345, status: 'done' })).toThrow(/No task #12345/);
    expect(() => studio.board.update(dev, { id: t.id })).toThrow(/Nothing to change/);
    expect(snapshot()).toBe(before);
  });

  it('lists by priority and filters; removed agents hand their tasks back', async () => {
    studio.board.create(lead, { title: 'low', priority: 'low', assignee: 'dev' });
    studio.board.create(lead, { title: 'urgent', priority: 'urgent', assignee: 'dev' });
    studio.board.create(lead, { title: 'backlog' });
    expect(studio.board.list({ assignee: 'dev' }).map((t) => t.title)).toEqual(['urgent', 'low']);
    expect(studio.board.list({ status: 'backlog' }).map((t) => t.title)).toEqual(['backlog']);
    expect(studio.board.counts()).toMatchObject({ assigned: 2, backlog: 1, done: 0 });
    await studio.service.removeAgent('dev');
    expect(studio.board.counts()).toMatchObject({ assigned: 0, backlog: 3 });
  });
});
