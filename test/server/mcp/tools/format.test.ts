import { describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES } from '../../../../main/contract/limits.js';
import type { Message, TaskDetail } from '../../../../main/contract/model.js';
import {
  fitAnswer,
  formatMessage,
  formatPeer,
  formatTask,
  formatTaskDetail,
  iso,
  ONLINE_WINDOW_MS,
} from '../../../../server/mcp/tools/format.js';
import { makeAgent, makeTask } from '../../../support/modelFixtures.js';

const message = (over: Partial<Message> = {}): Message => ({
  id: 7,
  from: 'alice',
  scope: 'direct',
  type: 'text',
  to: ['bob'],
  topic: null,
  body: 'hi',
  replyTo: null,
  taskId: null,
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  ...over,
});

describe('answers shaped for the model', () => {
  it('a message: no nulls, no default type, its addressee and time', () => {
    expect(formatMessage(message())).toEqual({
      id: 7,
      from: 'alice',
      to: 'bob',
      at: '2026-01-02T03:04:05.000Z',
      text: 'hi',
    });
    expect(
      formatMessage(message({ scope: 'broadcast', to: [], type: 'question', replyTo: 3, taskId: 9 })),
    ).toEqual({
      id: 7,
      from: 'alice',
      to: '*',
      type: 'question',
      reply_to: 3,
      task_id: 9,
      at: '2026-01-02T03:04:05.000Z',
      text: 'hi',
    });
    expect(formatMessage(message({ scope: 'topic', to: [], topic: 'builds' }))).toMatchObject({
      topic: 'builds',
    });
    expect(formatMessage(message({ scope: 'topic', to: [], topic: 'builds' }))).not.toHaveProperty('to');
  });

  it('a peer is online if heard from within ONLINE_WINDOW_MS; the person has no state', () => {
    const now = 1_000_000_000;
    const agent = makeAgent({ name: 'bob', role: 'reviewer', lastSeenAt: now - ONLINE_WINDOW_MS + 1 });
    expect(formatPeer(agent, now)).toMatchObject({
      name: 'bob',
      role: 'reviewer',
      state: 'idle',
      online: true,
    });
    expect(formatPeer({ ...agent, lastSeenAt: now - ONLINE_WINDOW_MS }, now).online).toBe(false);
    expect(formatPeer({ ...agent, lastSeenAt: 0 }, now).online).toBe(false);
    const person = formatPeer(makeAgent({ name: 'user', kind: 'person' }), now);
    expect(person).toEqual({ name: 'user', kind: 'person' });
    expect(formatPeer(makeAgent({ cwd: '', reportedCwd: '/there' }), now).cwd).toBe('/there');
    expect(formatPeer(makeAgent({ cwd: '/here', reportedCwd: '/there' }), now).cwd).toBe('/here');
  });

  it('a task leaves its body out of lists and keeps it in full answers', () => {
    const task = makeTask({ id: 3, title: 'Fix', body: 'details', assignee: 'bob' });
    expect(formatTask(task)).not.toHaveProperty('body');
    expect(formatTask(task, true)).toMatchObject({ id: 3, title: 'Fix', body: 'details', assignee: 'bob' });
    expect(iso(0)).toBeUndefined();
  });

  it('a list is cut to fit one answer, always keeping its first item', () => {
    const big = { text: 'x'.repeat(100_000) };
    expect(fitAnswer([big, big, big, big]).length).toBe(2);
    expect(fitAnswer([{ text: 'y'.repeat(MAX_ANSWER_BYTES * 2) }, big])).toHaveLength(1);
    expect(fitAnswer([])).toEqual([]);
  });

  it("a task's long history keeps its newest entries and says how many it left out", () => {
    const events = Array.from({ length: 400 }, (_, i) => ({
      id: i + 1,
      taskId: 3,
      actor: 'bob',
      kind: 'note' as const,
      fromStatus: null,
      toStatus: null,
      note: `note ${i} ${'n'.repeat(1000)}`,
      createdAt: i + 1,
    }));
    const detail: TaskDetail = { ...makeTask({ id: 3 }), events };
    const out = formatTaskDetail(detail) as {
      history: Array<{ note: string }>;
      older_history_left_out?: number;
    };
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(out.history.at(-1)!.note).toMatch(/^note 399 /);
    expect(out.older_history_left_out).toBe(400 - out.history.length);
    const short = formatTaskDetail({ ...detail, events: events.slice(0, 2) });
    expect(short).not.toHaveProperty('older_history_left_out');
  });
});
