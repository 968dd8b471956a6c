// An agent's hourly budget for the messages it sends (direct, topic, broadcast), on the real
// limits, SQLite in memory and a fake clock; and the subscriptions bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { StudioError } from '../../../../main/contract/errors.js';
import {
  MAX_SENT_BYTES_PER_HOUR,
  MAX_SENT_MESSAGES_PER_HOUR,
  MAX_TOPICS_PER_AGENT,
  QUOTA_WINDOW_MS,
} from '../../../../main/contract/limits.js';
import type { Agent, Attention } from '../../../../main/contract/model.js';
import { roomAt } from '../../../../main/core/bus/writeBudget.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: StudioWithParts;
let clock: FakeClock;
let events: StudioEvent[];
let alice: Agent, bob: Agent;
beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  alice = studio.agents.add({ name: 'alice' }).agent;
  bob = studio.agents.add({ name: 'bob' }).agent;
  events = [];
  studio.events.on((e) => events.push(e));
});
afterEach(() => studio.close());

const messages = () => (studio.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
const notices = (): Attention[] => events.flatMap((e) => (e.type === 'attention' ? [e.attention] : []));
const refusal = (fn: () => unknown): StudioError => {
  try {
    fn();
  } catch (err) {
    return err as StudioError;
  }
  throw new Error('expected a refusal');
};
/** bob reads everything, so that only the hourly budget stands in alice's way. */
const drain = () => {
  while (studio.bus.inbox(bob, { limit: 500 }).items.length);
};

describe('the hourly budget for messages an agent sends', () => {
  it('counts publishes, broadcasts and direct mail together, refuses at the limit and not before, and stores nothing', () => {
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR; i++) {
      if (i % 3 === 0) studio.bus.publish(alice, 'nobody-follows', `p${i}`);
      else if (i % 3 === 1) studio.bus.broadcast(alice, `b${i}`);
      else studio.bus.send(alice, 'bob', `d${i}`);
      if (i % 200 === 0) drain();
      // The person reads too: a broadcast reaches the person's inbox.
      if (i % 200 === 0) studio.bus.inbox(studio.agents.person, { limit: 500 });
    }
    drain();
    const stored = messages();
    for (const send of [
      () => studio.bus.publish(alice, 'nobody-follows', 'one more'),
      () => studio.bus.broadcast(alice, 'one more'),
      () => studio.bus.send(alice, 'bob', 'one more'),
    ]) {
      const err = refusal(send);
      expect(err).toBeInstanceOf(StudioError);
      expect(err.message).toMatch(
        new RegExp(
          `^You have sent ${MAX_SENT_MESSAGES_PER_HOUR} messages \\(\\d KB\\) in the last hour; an agent may send ` +
            `${MAX_SENT_MESSAGES_PER_HOUR} messages or 8 MB an hour\\. Nothing was sent\\. There is room again in 60 minutes ` +
            `\\(at \\d\\d:\\d\\d:\\d\\d UTC\\), as your oldest leave the hour\\. Meanwhile put long content in a file`,
        ),
      );
    }
    expect(messages()).toBe(stored);
    // Another agent has a budget of its own.
    expect(() => studio.bus.send(bob, 'alice', 'still here')).not.toThrow();
  });

  it("counts bytes: 60 KB publishes stop at the hour's bytes, whoever follows the topic", () => {
    const big = 'x'.repeat(60 * 1024);
    let sent = 0;
    const err = refusal(() => {
      for (; sent < 1000; sent++) studio.bus.publish(alice, 'nobody-follows', big);
    });
    expect(sent).toBe(Math.floor(MAX_SENT_BYTES_PER_HOUR / big.length));
    expect(err.message).toMatch(/^You have sent 136 messages \(8 MB\) in the last hour/);
  });

  it('frees room as the oldest leave the hour, and says when', () => {
    const sentAt: number[] = [];
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR; i++) {
      sentAt.push(clock.now());
      studio.bus.publish(alice, 'nobody-follows', `m${i}`);
      clock.advance(1000);
    }
    const first = sentAt[0]! + QUOTA_WINDOW_MS;
    expect(refusal(() => studio.bus.publish(alice, 'nobody-follows', 'late')).message).toContain(
      `(at ${new Date(first).toISOString().slice(11, 19)} UTC)`,
    );
    // Just before the oldest leaves the hour: still no room. At that moment: room for one.
    clock.time = first - 1;
    expect(() => studio.bus.publish(alice, 'nobody-follows', 'late')).toThrow(/room again in 1 minute /);
    clock.time = first;
    expect(() => studio.bus.publish(alice, 'nobody-follows', 'now')).not.toThrow();
    expect(() => studio.bus.publish(alice, 'nobody-follows', 'and again')).toThrow(/room again/);
    // A whole hour later, the whole budget.
    clock.advance(QUOTA_WINDOW_MS);
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR; i++) studio.bus.publish(alice, 'nobody-follows', `n${i}`);
  });

  it('tells the person once an hour per agent, not once per refused call', () => {
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR; i++) studio.bus.publish(alice, 'nobody-follows', `m${i}`);
    for (let i = 0; i < 5; i++) refusal(() => studio.bus.publish(alice, 'nobody-follows', 'more'));
    expect(events.filter((e) => e.type === 'quota.refused')).toHaveLength(5);
    expect(notices()).toEqual([
      expect.objectContaining({
        kind: 'quota',
        agent: 'alice',
        title: 'alice is over its hourly budget for messages',
        body: expect.stringMatching(
          /^It has sent 600 messages .* refused until \d\d:\d\d UTC; if it is looping/,
        ),
      }),
    ]);
    clock.advance(QUOTA_WINDOW_MS);
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR; i++) studio.bus.publish(alice, 'nobody-follows', `n${i}`);
    refusal(() => studio.bus.publish(alice, 'nobody-follows', 'more'));
    expect(notices()).toHaveLength(2);
  });

  it("never refuses the person's own mail", () => {
    const person = studio.agents.person;
    const big = 'y'.repeat(60 * 1024);
    for (let i = 0; i < MAX_SENT_MESSAGES_PER_HOUR + 200; i++) {
      studio.bus.send(person, 'bob', i % 10 ? `n${i}` : big);
      if (i % 100 === 0) drain();
    }
    drain();
    expect(() => studio.bus.broadcast(person, big)).not.toThrow();
    expect(events.some((e) => e.type === 'quota.refused')).toBe(false);
  });

  it('roomAt: the time the oldest writes that must go leave the window', () => {
    const writes = [
      { at: 10, bytes: 5 },
      { at: 20, bytes: 5 },
      { at: 30, bytes: 5 },
    ];
    expect(roomAt(writes, { rows: 3, bytes: 100 }, 1, 1000)).toBe(1010);
    expect(roomAt(writes, { rows: 10, bytes: 15 }, 6, 1000)).toBe(1020);
    expect(roomAt(writes, { rows: 2, bytes: 100 }, 1, 1000)).toBe(1020);
  });
});

describe('subscriptions', () => {
  it(`are bounded at ${MAX_TOPICS_PER_AGENT} topics per agent; one already followed is no new row`, () => {
    for (let i = 0; i < MAX_TOPICS_PER_AGENT; i++) studio.bus.subscribe(alice, `t${i}`);
    expect(studio.bus.subscribe(alice, 't0')).toBe(false);
    expect(() => studio.bus.subscribe(alice, 'one-more')).toThrow(
      /You follow 100 topics, the most one agent may; unsubscribe/,
    );
    expect(studio.bus.topicsOf(alice)).toHaveLength(MAX_TOPICS_PER_AGENT);
    studio.bus.unsubscribe(alice, 't0');
    expect(studio.bus.subscribe(alice, 'one-more')).toBe(true);
  });
});
