import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../../../main/core/studio.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { Agent } from '../../../../main/contract/model.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: Studio;
let events: StudioEvent[];
let alice: Agent, bob: Agent, carol: Agent;
beforeEach(() => {
  studio = createStudio({ databaseFile: ':memory:', clock: new FakeClock() });
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
    studio.bus.markWoken(carol.id, [m1.id]);
    expect(studio.bus.unreadSummary(carol.id)).toMatchObject({ total: 2, queued: 1 });
  });
});
