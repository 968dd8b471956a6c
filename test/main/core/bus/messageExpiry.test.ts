// Messages nobody can receive expire; what someone has, or can still read, stays. SQLite in
// memory, a fake clock whose timers are counted (nothing runs when nothing is due).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { UNRECEIVED_MESSAGE_RETENTION_MS } from '../../../../main/contract/limits.js';
import type { Agent } from '../../../../main/contract/model.js';
import { EXPIRY_BATCH, EXPIRY_GAP_MS, MessageExpiry } from '../../../../main/core/bus/messageExpiry.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { openDatabase } from '../../../../main/core/store/database.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { FakeClock } from '../../../support/fakeClock.js';

/** A fake clock that counts the timers set on it. */
class CountingClock extends FakeClock {
  armed: number[] = [];
  override setTimeout(fn: () => void, ms: number): { cancel(): void } {
    this.armed.push(ms);
    return super.setTimeout(fn, ms);
  }
}

let studio: StudioWithParts;
let clock: CountingClock;
let alice: Agent, bob: Agent, carol: Agent;
beforeEach(() => {
  clock = new CountingClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  alice = studio.agents.add({ name: 'alice' }).agent;
  bob = studio.agents.add({ name: 'bob' }).agent;
  carol = studio.agents.add({ name: 'carol' }).agent;
});
afterEach(() => studio.close());

const ids = () =>
  (studio.db.prepare('SELECT id FROM messages ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);

describe('messages nobody can receive', () => {
  it('a topic nobody follows keeps its messages for the retention, then they go; a followed one keeps them', () => {
    expect(clock.armed).toEqual([]);
    const lost = studio.bus.publish(alice, 'nobody-follows', 'into the void').message;
    studio.bus.subscribe(bob, 'builds');
    const heard = studio.bus.publish(alice, 'builds', 'main is green').message;
    // One timer, for when the first is due; none for the one someone received.
    expect(clock.armed).toEqual([UNRECEIVED_MESSAGE_RETENTION_MS]);
    clock.advance(UNRECEIVED_MESSAGE_RETENTION_MS - 1);
    expect(studio.bus.history(carol, { topic: 'nobody-follows' }).map((m) => m.id)).toEqual([lost.id]);
    clock.advance(1);
    expect(studio.bus.history(carol, { topic: 'nobody-follows' })).toEqual([]);
    expect(ids()).toEqual([heard.id]);
    // Days later the received one is still there, read or not, and no timer has run for it.
    clock.advance(10 * UNRECEIVED_MESSAGE_RETENTION_MS);
    expect(ids()).toEqual([heard.id]);
    expect(clock.armed).toHaveLength(1);
  });

  it('mail left unread by removed agents expires; what someone else has or read stays', () => {
    const toBob = studio.bus.send(alice, 'bob', 'for bob only');
    const readByBob = studio.bus.send(alice, 'bob', 'read');
    studio.bus.inbox(bob); // reads both
    const unreadByBob = studio.bus.send(alice, 'bob', 'never read');
    const toAll = studio.bus.broadcast(alice, 'everyone').message;
    studio.bus.inbox(carol);
    const reply = studio.bus.send(alice, 'carol', 'about my note to bob', { replyTo: unreadByBob.id });
    // Sweeps are spaced: the one due after removal runs once a gap has passed since the last.
    clock.advance(EXPIRY_GAP_MS);
    studio.agents.remove('bob');
    clock.advance(UNRECEIVED_MESSAGE_RETENTION_MS - 1);
    expect(ids()).toContain(unreadByBob.id);
    clock.advance(1);
    expect(ids()).not.toContain(unreadByBob.id);
    // The broadcast reached carol (and the person); bob read the first two; the reply stays, unlinked.
    expect(ids()).toEqual(expect.arrayContaining([toBob.id, readByBob.id, toAll.id, reply.id]));
    expect(studio.bus.history(carol, { limit: 1 })[0]).toMatchObject({ id: reply.id, replyTo: null });
  });
});

describe('MessageExpiry', () => {
  it('deletes what is due in batches through its index, turning the event loop between them', () => {
    const db = openDatabase(':memory:');
    const events = new Emitter<StudioEvent>();
    const own = new CountingClock();
    db.exec(`INSERT INTO agents (id, name, created_at) VALUES (1, 'a', 1);`);
    const insert = db.prepare(
      `INSERT INTO messages (sender_id, scope, type, topic, body, created_at, expires_at) VALUES (1, 'topic', 'text', 't', 'x', 0, ?)`,
    );
    const due = 2 * EXPIRY_BATCH + 50;
    db.transaction(() => {
      for (let i = 0; i < due; i++) insert.run(own.now() - 1);
      for (let i = 0; i < 10; i++) insert.run(own.now() + 1000);
    })();
    const plan = (
      db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
        )
        .all(own.now(), EXPIRY_BATCH) as Array<{ detail: string }>
    ).map((r) => r.detail);
    expect(plan).toEqual([
      'SEARCH messages USING COVERING INDEX messages_expiry (expires_at>? AND expires_at<?)',
    ]);

    const expiry = new MessageExpiry({ db, events, clock: own, logger: silentLogger });
    const left = () => (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    expect(own.armed).toEqual([0]);
    expect(expiry.sweep()).toBe(EXPIRY_BATCH);
    expect(left()).toBe(due + 10 - EXPIRY_BATCH);
    // Run by its timer: a full batch sets a timer of 0 for the next, then one for the rest's time.
    own.advance(0);
    expect(left()).toBe(10);
    expect(own.armed.slice(1)).toEqual([0, EXPIRY_GAP_MS]);
    own.advance(EXPIRY_GAP_MS);
    expect(left()).toBe(0);
    expiry.dispose();
    db.close();
  });
});
