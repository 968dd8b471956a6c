import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { Agent } from '../../../../main/contract/model.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { StudioError } from '../../../../main/contract/errors.js';
import {
  MAX_ANSWER_BYTES,
  MAX_UNREAD_BYTES_FROM_ONE_SENDER,
  MAX_UNREAD_FROM_ONE_SENDER,
  MAX_UNREAD_MESSAGES,
} from '../../../../main/contract/limits.js';

let studio: StudioWithParts;
let events: StudioEvent[];
let alice: Agent, bob: Agent, carol: Agent;
beforeEach(() => {
  studio = createStudioWithParts({ databaseFile: ':memory:', clock: new FakeClock() });
  alice = studio.agents.add({ name: 'alice' }).agent;
  bob = studio.agents.add({ name: 'bob' }).agent;
  carol = studio.agents.add({ name: 'carol' }).agent;
  events = [];
  studio.events.on((e) => events.push(e));
});
afterEach(() => studio.close());

describe('MessageBus', () => {
  it('delivers a direct message to one inbox, marks it read, and emits events', () => {
    const m = studio.bus.send(alice, 'bob', 'hi bob', { type: 'question' });
    expect(m).toMatchObject({
      from: 'alice',
      to: ['bob'],
      scope: 'direct',
      type: 'question',
      body: 'hi bob',
    });
    expect(events[0]).toMatchObject({ type: 'message.sent', recipients: [{ name: 'bob' }] });
    expect(studio.bus.unreadCount(bob.id)).toBe(1);
    expect(studio.bus.unreadCount(carol.id)).toBe(0);
    const { items, remaining } = studio.bus.inbox(bob);
    expect(items.map((i) => i.body)).toEqual(['hi bob']);
    expect(remaining).toBe(0);
    expect(studio.bus.inbox(bob).items).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'delivery.changed', agentId: bob.id, state: 'read' });
  });

  it('peek leaves mail unread and the limit pages oldest first', () => {
    for (let i = 1; i <= 5; i++) studio.bus.send(alice, 'bob', `m${i}`);
    expect(studio.bus.inbox(bob, { markRead: false }).items).toHaveLength(5);
    const first = studio.bus.inbox(bob, { limit: 2 });
    expect(first.items.map((i) => i.body)).toEqual(['m1', 'm2']);
    expect(first.remaining).toBe(3);
    expect(studio.bus.inbox(bob).items.map((i) => i.body)).toEqual(['m3', 'm4', 'm5']);
  });

  it('keeps delivery state per recipient for a broadcast', () => {
    const { recipients } = studio.bus.broadcast(alice, 'all hands');
    expect(recipients).toBe(3); // bob, carol and the person
    studio.bus.inbox(bob);
    expect(studio.bus.unreadCount(bob.id)).toBe(0);
    expect(studio.bus.unreadCount(carol.id)).toBe(1);
    expect(studio.bus.unreadCount(alice.id)).toBe(0);
  });

  it('publishes to subscribers only, persists subscriptions, and keeps topic history', () => {
    expect(studio.bus.subscribe(bob, 'builds')).toBe(true);
    expect(studio.bus.subscribe(bob, 'builds')).toBe(false);
    studio.bus.subscribe(alice, 'builds');
    expect(studio.bus.publish(alice, 'builds', 'green').recipients).toBe(1);
    expect(studio.bus.unreadCount(bob.id)).toBe(1);
    expect(studio.bus.unreadCount(carol.id)).toBe(0);
    expect(studio.bus.history(carol, { topic: 'builds' }).map((m) => m.body)).toEqual(['green']);
    studio.bus.unsubscribe(bob, 'builds');
    expect(studio.bus.publish(alice, 'builds', 'red').recipients).toBe(0);
    expect(studio.bus.topicsOf(alice)).toEqual(['builds']);
  });

  it('threads replies and only lets you reply to what you can see', () => {
    const q = studio.bus.send(alice, 'bob', 'question?');
    const a = studio.bus.send(bob, 'alice', 'answer', { replyTo: q.id });
    expect(a.replyTo).toBe(q.id);
    expect(() => studio.bus.send(carol, 'alice', 'sneaky', { replyTo: q.id })).toThrow(/No message #/);
  });

  it('history shows a conversation to its parties only', () => {
    studio.bus.send(alice, 'bob', 'one');
    studio.bus.send(bob, 'alice', 'two');
    studio.bus.send(alice, 'carol', 'three');
    expect(studio.bus.history(alice, { with: 'bob' }).map((m) => m.body)).toEqual(['two', 'one']);
    expect(studio.bus.history(carol).map((m) => m.body)).toEqual(['three']);
    expect(studio.bus.history(bob, { with: 'carol' })).toEqual([]);
    expect(studio.bus.history(alice, { limit: 1, beforeId: 3 }).map((m) => m.body)).toEqual(['two']);
  });

  it('rejects bad input and writes nothing', () => {
    const count = () => (studio.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    expect(() => studio.bus.send(alice, 'nobody', 'x')).toThrow(
      /No agent named "nobody". Agents here: user, alice, bob, carol/,
    );
    expect(() => studio.bus.send(alice, 'alice', 'x')).toThrow(/another agent/);
    expect(() => studio.bus.send(alice, 'bob', '   ')).toThrow(/empty/);
    expect(() => studio.bus.send(alice, 'bob', 'x'.repeat(64 * 1024 + 1))).toThrow(/limit is 65536/);
    expect(() => studio.bus.publish(alice, 'bad topic!', 'x')).toThrow(/topic/);
    expect(count()).toBe(0);
    expect(events).toEqual([]);
    // Exactly at the limit is fine, and multi-byte text is measured in bytes.
    studio.bus.send(alice, 'bob', 'x'.repeat(64 * 1024));
    expect(() => studio.bus.send(alice, 'bob', 'é'.repeat(32 * 1024 + 1))).toThrow(/bytes/);
  });

  it('summarises unread mail for a wake prompt and tracks woken state', () => {
    const m1 = studio.bus.send(alice, 'carol', 'a');
    studio.bus.send(bob, 'carol', 'b');
    expect(studio.bus.unreadSummary(carol.id)).toEqual({ total: 2, queued: 2, senders: ['alice', 'bob'] });
    studio.bus.markWoken(carol.id, [m1.id], 'typed');
    expect(studio.bus.unreadSummary(carol.id)).toMatchObject({ total: 2, queued: 1 });
  });

  it("refuses mail past a sender's share or an inbox's quota, with a clear error, and writes nothing", () => {
    const big = 'x'.repeat(60 * 1024);
    const flood = (from: Agent, to: string): { sent: number; refusal: unknown } => {
      for (let sent = 0; ; sent++) {
        try {
          studio.bus.send(from, to, big);
        } catch (err) {
          return { sent, refusal: err };
        }
      }
    };
    // One sender fills its share of bob's inbox, not all of it...
    const a = flood(alice, 'bob');
    expect(a.sent).toBe(Math.floor(MAX_UNREAD_BYTES_FROM_ONE_SENDER / big.length));
    expect(a.refusal).toBeInstanceOf(StudioError);
    expect((a.refusal as StudioError).message).toMatch(
      /^bob has not read \d+ of your messages .*Nothing was sent/,
    );
    // ...so another can still reach bob, until the inbox itself is full.
    const c = flood(carol, 'bob');
    expect(c.sent).toBeGreaterThan(0);
    const rows = () => (studio.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    const before = rows();
    const person = studio.agents.person;
    expect(() => studio.bus.send(person, 'bob', big)).toThrow(/^bob's inbox is full .*nothing was sent/);
    expect(rows()).toBe(before);
    // A broadcast still reaches everyone with room and names who it left out.
    const b = studio.bus.broadcast(person, big);
    expect(b.full).toEqual(['bob']);
    expect(b.recipients).toBe(2);
    // Reading makes room again.
    while (studio.bus.inbox(bob, { limit: 200 }).items.length);
    expect(() => studio.bus.send(person, 'bob', big)).not.toThrow();
  });

  it('a broadcast that no inbox has room for stores nothing', () => {
    const person = studio.agents.person;
    const rows = () => (studio.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    const fill = (to: Agent, from: Agent[]) => {
      for (const f of from)
        for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(f, to.name, 'x');
    };
    // bob and carol full (two senders' shares each), the person holding alice's share.
    fill(bob, [person, carol]);
    fill(carol, [person, bob]);
    fill(person, [alice]);
    const before = rows();
    expect(() => studio.bus.broadcast(alice, 'y'.repeat(60 * 1024))).toThrow(
      /^Nobody can take a broadcast now: every inbox is full or holds your share of unread mail \(user, bob, carol\)\. Nothing was sent\./,
    );
    expect(rows()).toBe(before);
    // Room in one inbox: stored once, for that one.
    studio.bus.inbox(carol, { limit: 10 });
    const b = studio.bus.broadcast(alice, 'now');
    expect([b.recipients, b.full]).toEqual([1, ['user', 'bob']]);
    expect(rows()).toBe(before + 1);
  });

  it('caps unread mail by count too, per sender and per inbox', () => {
    for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(alice, 'bob', `a${i}`);
    expect(() => studio.bus.send(alice, 'bob', 'one more')).toThrow(/has not read 250 of your messages/);
    for (let i = 0; i < MAX_UNREAD_MESSAGES - MAX_UNREAD_FROM_ONE_SENDER; i++)
      studio.bus.send(carol, 'bob', `c${i}`);
    expect(() => studio.bus.send(studio.agents.person, 'bob', 'and me')).toThrow(/inbox is full/);
    expect(studio.bus.unreadCount(bob.id)).toBe(MAX_UNREAD_MESSAGES);
  });

  it('mail to the person always lands unless that one sender has its share unread there', () => {
    const dave = studio.agents.add({ name: 'dave' }).agent;
    for (const from of [alice, bob, carol])
      for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(from, 'user', `${from.name} ${i}`);
    // 750 unread: more than any agent's inbox holds, and still a fourth agent gets through.
    expect(studio.bus.unreadCount(studio.agents.person.id)).toBe(3 * MAX_UNREAD_FROM_ONE_SENDER);
    expect(() => studio.bus.send(dave, 'user', 'status: done')).not.toThrow();
    expect(() => studio.bus.send(alice, 'user', 'one more')).toThrow(
      /user has not read 250 of your messages/,
    );
  });

  it('answers an inbox read within MAX_ANSWER_BYTES, leaving the rest unread for the next call', () => {
    const big = 'y'.repeat(60 * 1024);
    // From two senders: one sender's share of an inbox is 4 MB.
    for (let i = 0; i < 100; i++) studio.bus.send(i % 2 ? alice : carol, 'bob', `${i} ${big}`);
    const first = studio.bus.inbox(bob, { limit: 200 });
    const bytes = first.items.reduce((n, m) => n + Buffer.byteLength(m.body), 0);
    expect(bytes).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    expect(first.items.length).toBe(Math.floor(MAX_ANSWER_BYTES / (big.length + 3)));
    expect(first.remaining).toBe(100 - first.items.length);
    expect(studio.bus.unreadCount(bob.id)).toBe(first.remaining);
    // Paging on reads every message once, in order.
    const seen = [...first.items];
    for (
      let page = studio.bus.inbox(bob, { limit: 200 });
      page.items.length;
      page = studio.bus.inbox(bob, { limit: 200 })
    )
      seen.push(...page.items);
    expect(seen.map((m) => Number(m.body.split(' ')[0]))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // History pages by size the same way.
    const history = studio.bus.history(bob, { limit: 200 });
    expect(history.reduce((n, m) => n + Buffer.byteLength(m.body), 0)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
  });

  it('a task cannot be given to an agent whose inbox is full; a progress notice never blocks the work', () => {
    const dave = studio.agents.add({ name: 'dave' }).agent;
    for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(carol, 'bob', `m${i}`);
    for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(dave, 'bob', `n${i}`);
    const tasks = () => (studio.db.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
    expect(() => studio.board.create(alice, { title: 'More work', assignee: 'bob' })).toThrow(
      /bob's inbox is full/,
    );
    expect(tasks()).toBe(0);
    // carol finishes a task for alice while carol's share of alice's inbox is used up: the task
    // still moves, and alice sees it on the board (the notice itself is left out).
    const task = studio.board.create(alice, { title: 'Fix it', assignee: 'carol' });
    for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++) studio.bus.send(carol, 'alice', `o${i}`);
    expect(studio.board.update(carol, { id: task.id, status: 'done', result: 'fixed' }).status).toBe('done');
    expect(studio.bus.unreadCount(alice.id)).toBe(MAX_UNREAD_FROM_ONE_SENDER);
  });
});
