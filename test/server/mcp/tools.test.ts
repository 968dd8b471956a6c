// What each tool does, through the SDK's own client on a real port: the tools that only the fuzz
// test used to call (with bad arguments) are called here the way a model calls them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { gitIn, makeRepo } from '../../support/gitRepo.js';
import {
  callJson,
  callText,
  startTestStudio,
  tempDir,
  ToolError,
  type TestStudio,
} from '../../support/studioHarness.js';

let t: TestStudio;
let alice: Client;
let bob: Client;
beforeEach(async () => {
  t = await startTestStudio();
  alice = await t.connect(t.studio.agents.add({ name: 'alice', role: 'builder', remote: true }).token);
  bob = await t.connect(t.studio.agents.add({ name: 'bob', remote: true, commander: true }).token);
});
afterEach(() => t.close());

type Peer = {
  name: string;
  role?: string;
  summary?: string;
  kind?: string;
  commander?: boolean;
  online?: boolean;
};

describe('the tools a model calls', () => {
  it('register tells an agent who it is and who is there; list_peers shows what each said', async () => {
    const me = await callJson<Record<string, unknown>>(alice, 'register', {
      summary: 'wiring the parser',
      cwd: '/src/parser',
      branch: 'feat/parser',
    });
    expect(me).toEqual({
      you: 'alice',
      role: 'builder',
      unread: 0,
      open_tasks: 0,
      peers: ['user', 'bob'],
      topics: [],
    });
    const peers = await callJson<Peer[]>(bob, 'list_peers');
    expect(peers.map((p) => p.name)).toEqual(['user', 'alice']);
    expect(peers[0]).toMatchObject({ name: 'user', kind: 'person' });
    expect(peers[1]).toMatchObject({
      name: 'alice',
      role: 'builder',
      summary: 'wiring the parser',
      cwd: '/src/parser',
      branch: 'feat/parser',
      online: true,
    });
  });

  it('subscribe, publish and unsubscribe: a topic reaches its subscribers only, and keeps its history', async () => {
    expect(await callJson(alice, 'subscribe', { topic: 'builds' })).toEqual({
      subscribed: 'builds',
      new: true,
      topics: ['builds'],
    });
    expect(await callJson(alice, 'subscribe', { topic: 'builds' })).toMatchObject({ new: false });
    expect(await callText(bob, 'publish', { topic: 'builds', text: 'main is green' })).toMatch(
      /^Published #\d+ to builds \(1 subscriber\(s\)\)\.$/,
    );
    const inbox = await callJson<{ messages: Array<{ from: string; topic?: string; text: string }> }>(
      alice,
      'check_inbox',
    );
    expect(inbox.messages).toEqual([
      expect.objectContaining({ from: 'bob', topic: 'builds', text: 'main is green' }),
    ]);
    expect(await callJson(alice, 'unsubscribe', { topic: 'builds' })).toEqual({
      unsubscribed: 'builds',
      was_subscribed: true,
      topics: [],
    });
    expect(await callText(bob, 'publish', { topic: 'builds', text: 'red again' })).toMatch(
      /nobody else received it/,
    );
    expect(await callJson(alice, 'check_inbox')).toEqual({ messages: [] });
    // The topic's history is there for anyone who asks by name.
    const history = await callJson<Array<{ text: string }>>(alice, 'get_history', { topic: 'builds' });
    expect(history.map((m) => m.text)).toEqual(['red again', 'main is green']);
  });

  it('get_history shows a conversation to its parties, newest first, paged with before_id', async () => {
    for (let i = 1; i <= 5; i++) await callText(alice, 'send_message', { to: 'bob', text: `m${i}` });
    await callText(bob, 'send_message', { to: 'alice', text: 'got them' });
    const page = await callJson<Array<{ id: number; from: string; text: string }>>(alice, 'get_history', {
      with: 'bob',
      limit: 3,
    });
    expect(page.map((m) => m.text)).toEqual(['got them', 'm5', 'm4']);
    const older = await callJson<Array<{ text: string }>>(alice, 'get_history', {
      with: 'bob',
      before_id: page[2]!.id,
    });
    expect(older.map((m) => m.text)).toEqual(['m3', 'm2', 'm1']);
    // A third agent sees none of it.
    const carol = await t.connect(t.studio.agents.add({ name: 'carol', remote: true }).token);
    expect(await callJson(carol, 'get_history')).toEqual([]);
  });

  it('broadcast reaches everyone but the sender, the person included', async () => {
    expect(await callText(alice, 'broadcast', { text: 'standup in 5' })).toMatch(
      /^Broadcast message #\d+ to 2 recipient\(s\)\.$/,
    );
    expect(t.studio.bus.unreadCount(t.studio.agents.person.id)).toBe(1);
    expect((await callJson<{ messages: Array<{ to: string }> }>(bob, 'check_inbox')).messages).toEqual([
      expect.objectContaining({ to: '*', text: 'standup in 5' }),
    ]);
    expect(await callJson(alice, 'check_inbox')).toEqual({ messages: [] });
  });

  it('list_tasks shows open tasks urgent first, filtered by status or assignee; studio_status sums it up', async () => {
    await callJson(bob, 'dispatch_task', { title: 'Low one', to: 'alice', priority: 'low' });
    const urgent = await callJson<{ id: number }>(bob, 'dispatch_task', {
      title: 'Fire',
      to: 'alice',
      priority: 'urgent',
    });
    await callJson(bob, 'dispatch_task', { title: 'Later' });
    const done = await callJson<{ id: number }>(bob, 'dispatch_task', { title: 'Done already', to: 'alice' });
    await callJson(alice, 'update_task', { task_id: done.id, status: 'done', result: 'ok' });

    type Page = { tasks: Array<{ title: string }>; next?: string };
    const open = await callJson<Page>(alice, 'list_tasks');
    expect(open).toEqual({ tasks: [expect.anything(), expect.anything(), expect.anything()] });
    expect(open.tasks.map((x) => x.title)).toEqual(['Fire', 'Later', 'Low one']);
    expect((await callJson<Page>(alice, 'list_tasks', { status: 'done' })).tasks.map((x) => x.title)).toEqual(
      ['Done already'],
    );
    expect(
      (await callJson<Page>(alice, 'list_tasks', { assignee: 'alice' })).tasks.map((x) => x.title),
    ).toEqual(['Fire', 'Low one']);

    const status = await callJson<{
      agents: Array<{ name: string; unread?: number; open_tasks?: number }>;
      tasks: Record<string, number>;
      open_tasks: Array<{ id: number }>;
      activity: string[];
    }>(bob, 'studio_status');
    expect(status.tasks).toEqual({ backlog: 1, assigned: 2, in_progress: 0, blocked: 0, review: 0, done: 1 });
    expect(status.agents.find((a) => a.name === 'alice')).toMatchObject({ open_tasks: 2, unread: 3 });
    expect(status.open_tasks[0]!.id).toBe(urgent.id);
    expect(status.activity.some((line) => line.includes('Fire'))).toBe(true);
  });

  it('list_tasks pages: next passed back as after gives the following page, once each', async () => {
    for (const title of ['one', 'two', 'three']) await callJson(bob, 'dispatch_task', { title });
    type Page = { tasks: Array<{ title: string }>; next?: string };
    const first = await callJson<Page>(alice, 'list_tasks', { limit: 2 });
    expect(first.tasks.map((x) => x.title)).toEqual(['three', 'two']);
    expect(first.next).toMatch(/^\d+-\d+$/);
    const second = await callJson<Page>(alice, 'list_tasks', { limit: 2, after: first.next });
    expect(second).toEqual({ tasks: [expect.objectContaining({ title: 'one' })] });
    await expect(callText(alice, 'list_tasks', { after: 'page 2' })).rejects.toThrow(
      /after is the next value of a list_tasks answer/,
    );
  });

  it('dispatch_task to a worktree agent answers with the task branch it made, and update_task keeps it', async () => {
    const repo = makeRepo(join(tempDir('ccstudio-mcp-ws-'), 'project'), { 'README.md': 'x\n' });
    await t.studio.service.addAgent({ name: 'wendy', cwd: repo, worktree: {} });
    const task = await callJson<{ id: number; branch: string; assignee: string }>(bob, 'dispatch_task', {
      title: 'Tidy the README',
      to: 'wendy',
    });
    expect(task).toMatchObject({
      assignee: 'wendy',
      branch: `ccstudio/wendy/task-${task.id}-tidy-the-readme`,
    });
    const wt = t.studio.agents.require('wendy').workspace!.path;
    expect(gitIn(wt, 'branch', '--show-current')).toBe(task.branch);
    const moved = await callJson<{ status: string; branch: string }>(bob, 'update_task', {
      task_id: task.id,
      status: 'review',
    });
    expect(moved).toMatchObject({ status: 'review', branch: task.branch });
  });

  it('a tool used wrongly says what to do, as an error the model sees', async () => {
    await expect(callText(alice, 'send_message', { to: 'alice', text: 'me' })).rejects.toThrow(ToolError);
    await expect(callText(alice, 'get_history', { with: 'nobody' })).rejects.toThrow(
      /No agent named "nobody"/,
    );
    await expect(callText(alice, 'subscribe', { topic: 'has space' })).rejects.toThrow(/A topic is/);
  });
});
