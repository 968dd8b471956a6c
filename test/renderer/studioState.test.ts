import { describe, expect, it } from 'vitest';
import type { DeskItem } from '../../main/contract/desk.js';
import type { StudioEvent } from '../../main/contract/events.js';
import type { Agent, Message, Task, TaskEvent } from '../../main/contract/model.js';
import {
  applyEvent,
  emptyState,
  FEED_LIMIT,
  filterFeed,
  fromStatus,
  keepUnchanged,
  tileAgents,
  type StudioState,
} from '../../renderer/src/state/studioState.js';
import { commandForKey } from '../../renderer/src/app/keys.js';
import { makeAgent, makeTask } from '../support/modelFixtures.js';

const agent = (id: number, name: string, over: Partial<Agent> = {}): Agent =>
  makeAgent({ id, name, ...over });
const message = (id: number, over: Partial<Message> = {}): Message => ({
  id,
  from: 'user',
  scope: 'direct',
  type: 'text',
  to: ['ann'],
  topic: null,
  body: `m${id}`,
  replyTo: null,
  taskId: null,
  createdAt: id,
  ...over,
});
const task = (over: Partial<Task> = {}): Task => makeTask({ status: 'assigned', assignee: 'ann', ...over });
const tEvent = (id: number, over: Partial<TaskEvent> = {}): TaskEvent => ({
  id,
  taskId: 1,
  actor: 'ann',
  kind: 'status',
  fromStatus: 'assigned',
  toStatus: 'in_progress',
  note: '',
  createdAt: id,
  ...over,
});

const apply = (state: StudioState, ...events: StudioEvent[]) => events.reduce(applyEvent, state);
const start = (): StudioState => ({
  ...emptyState,
  agents: [
    { ...agent(1, 'user', { kind: 'person' }), unread: 0, openTasks: 0 },
    { ...agent(2, 'ann'), unread: 1, openTasks: 0 },
  ],
});

describe('the window state', () => {
  it('adds, updates and removes agents, keeping their counters', () => {
    let s = apply(start(), { type: 'agent.added', agent: agent(3, 'bob') });
    s = apply(s, { type: 'agent.added', agent: agent(3, 'bob') });
    expect(s.agents.map((a) => a.name)).toEqual(['user', 'ann', 'bob']);
    s = apply(s, { type: 'agent.updated', agent: agent(2, 'ann', { state: 'busy' }) });
    expect(s.agents[1]).toMatchObject({ state: 'busy', unread: 1 });
    s = apply(s, { type: 'agent.removed', agentId: 3, name: 'bob' });
    expect(s.agents).toHaveLength(2);
  });

  it('counts unread mail up on delivery and down when read', () => {
    let s = apply(start(), {
      type: 'message.sent',
      message: message(5),
      recipients: [{ id: 2, name: 'ann' }],
    });
    expect(s.agents[1]!.unread).toBe(2);
    s = apply(s, {
      type: 'delivery.changed',
      agentId: 2,
      messageIds: [5],
      state: 'woken',
      at: 1,
      via: 'typed',
    });
    expect(s.agents[1]!.unread).toBe(2);
    s = apply(s, { type: 'delivery.changed', agentId: 2, messageIds: [1, 5, 9], state: 'read', at: 2 });
    expect(s.agents[1]!.unread).toBe(0);
    expect(s.feed.map((f) => f.key)).toEqual(['m5']);
  });

  it('moves task cards live and keeps open-task counts right', () => {
    let s = apply(start(), {
      type: 'task.created',
      task: task(),
      event: tEvent(1, { kind: 'created', fromStatus: null, toStatus: 'assigned' }),
    });
    expect(s.tasks[1]!.status).toBe('assigned');
    expect(s.agents[1]!.openTasks).toBe(1);
    s = apply(s, { type: 'task.updated', task: task({ status: 'in_progress' }), event: tEvent(2) });
    expect(s.tasks[1]!.status).toBe('in_progress');
    expect(s.agents[1]!.openTasks).toBe(1);
    s = apply(s, {
      type: 'task.updated',
      task: task({ status: 'done' }),
      event: tEvent(3, { toStatus: 'done', note: 'shipped' }),
    });
    expect(s.agents[1]!.openTasks).toBe(0);
    expect(s.feed.at(-1)!.text).toBe('moved #1 to done — shipped');
  });

  it('keeps the feed bounded and filters it by agent and topic', () => {
    let s = fromStatus(
      { agents: [], taskCounts: {} as never, openTasks: [], activity: [], deliveries: [] },
      [],
      {
        messages: [message(2), message(1)],
        taskEvents: [],
      },
    );
    expect(s.feed.map((f) => f.key)).toEqual(['m1', 'm2']);
    for (let i = 3; i < FEED_LIMIT + 20; i++)
      s = apply(s, {
        type: 'message.sent',
        message: message(i, i % 2 ? { scope: 'topic', topic: 'Build', to: [] } : {}),
        recipients: [],
      });
    expect(s.feed).toHaveLength(FEED_LIMIT);
    expect(filterFeed(s.feed, { topic: '#build' }).every((f) => f.topic === 'Build')).toBe(true);
    expect(filterFeed(s.feed, { agent: 'ann' }).every((f) => f.agents.includes('ann'))).toBe(true);
  });

  it("loads the feed's history of messages and task events in time order, as after a restart", () => {
    const t = task({ id: 1, title: 'Ship it' });
    const s = fromStatus(
      { agents: [], taskCounts: {} as never, openTasks: [], activity: [], deliveries: [] },
      [t],
      {
        messages: [message(30), message(10)],
        taskEvents: [
          { task: t, event: tEvent(7, { createdAt: 20 }) },
          {
            task: t,
            event: tEvent(5, { kind: 'created', fromStatus: null, toStatus: 'assigned', createdAt: 5 }),
          },
        ],
      },
    );
    expect(s.feed.map((f) => f.key)).toEqual(['t5', 'm10', 't7', 'm30']);
    expect(s.feed[2]!.text).toBe('moved #1 to in_progress');
  });

  it('tiles are the local agents, commander first', () => {
    const views = [
      agent(1, 'user', { kind: 'person' }),
      agent(2, 'a'),
      agent(3, 'far', { remote: true }),
      agent(4, 'boss', { commander: true }),
    ].map((a) => ({ ...a, unread: 0, openTasks: 0 }));
    expect(tileAgents(views).map((a) => a.name)).toEqual(['boss', 'a']);
  });
});

describe('browser shortcuts', () => {
  const key = (
    code: string,
    mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {},
  ) => commandForKey({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, code, ...mods });
  it('maps Alt shortcuts to the same commands as the desktop menu', () => {
    expect(key('Digit3', { altKey: true })).toEqual({ type: 'focusTile', index: 2 });
    expect(key('KeyB', { altKey: true, shiftKey: true })).toEqual({ type: 'showBoard' });
    expect(key('KeyN', { altKey: true, shiftKey: true })).toEqual({ type: 'newTask' });
    expect(key('KeyA', { altKey: true, shiftKey: true })).toEqual({ type: 'addAgent' });
    expect(key('KeyL', { altKey: true, shiftKey: true })).toEqual({ type: 'toggleLayout' });
    expect(key('KeyQ', { altKey: true, shiftKey: true })).toEqual({ type: 'openQueue' });
  });
  it('leaves plain typing and the browser’s own shortcuts alone', () => {
    expect(key('Digit3')).toBeNull();
    expect(key('KeyN', { ctrlKey: true })).toBeNull();
    expect(key('KeyN', { altKey: true, ctrlKey: true })).toBeNull();
    expect(key('Digit0', { altKey: true })).toBeNull();
    // Alt+B / Alt+F move by words in a shell's line editor.
    expect(key('KeyB', { altKey: true })).toBeNull();
  });
});

describe('workspace changes in the window', () => {
  it('keeps each worktree agent’s latest changes, loaded and then from events, and forgets a removed agent', () => {
    const changes = (agentName: string, files: number) => ({
      agent: agentName,
      path: `/w/${agentName}`,
      branch: `ccstudio/${agentName}`,
      base: 'main',
      ahead: 1,
      behind: 0,
      committed: { files, added: files, removed: 0 },
      uncommitted: { files: 0, added: 0, removed: 0 },
      total: { files, added: files, removed: 0 },
      files: [],
      filesTruncated: false,
      at: files,
    });
    const status = {
      agents: [{ ...agent(2, 'bob'), unread: 0, openTasks: 0 }],
      taskCounts: { backlog: 0, assigned: 0, in_progress: 0, blocked: 0, review: 0, done: 0 },
      openTasks: [],
      activity: [],
      deliveries: [],
    };
    // Changes of an agent the status does not list (removed meanwhile) are dropped.
    let state = fromStatus(status, [], { messages: [], taskEvents: [] }, [
      changes('bob', 1),
      changes('gone', 5),
    ]);
    expect(state.changes).toEqual({ 2: changes('bob', 1) });
    state = applyEvent(state, { type: 'workspace.changed', agentId: 2, changes: changes('bob', 3) });
    expect(state.changes[2]?.total.files).toBe(3);
    state = applyEvent(state, { type: 'agent.removed', agentId: 2, name: 'bob' });
    expect(state.changes).toEqual({});
  });
});

describe('the queue in the window', () => {
  it('keeps each item that did not change as the same object, so its row is not drawn again', () => {
    const item = (id: string, title: string) =>
      ({
        id,
        kind: 'review',
        agent: 'bob',
        agentId: 1,
        since: 1,
        title,
        detail: '',
        answers: [],
      }) as DeskItem;
    const before = [item('r1', 'one'), item('r2', 'two')];
    const after = keepUnchanged(before, [item('r1', 'one'), item('r2', 'two, edited'), item('r3', 'three')]);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after.map((i) => i.title)).toEqual(['one', 'two, edited', 'three']);
  });
});
