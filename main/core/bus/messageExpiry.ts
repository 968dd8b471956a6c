// Messages nobody can receive (published to a topic nobody follows, or left with no recipient when
// the agents they were for were removed unread) are kept UNRECEIVED_MESSAGE_RETENTION_MS for the
// topic's and the sender's history, then deleted. Each carries its time to go (expires_at); one
// timer is set for the earliest, and a sweep deletes what is due through that column's index, in
// batches that give the event loop back between them. Nothing reads the whole table, and when
// nothing is due no timer runs.
import type { StudioEvent } from '../../contract/events.js';
import { UNRECEIVED_MESSAGE_RETENTION_MS } from '../../contract/limits.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';

/** Messages one transaction deletes (a few ms); the next batch waits for the event loop. */
export const EXPIRY_BATCH = 200;
/** Sweeps are at least this far apart: messages due moments apart go in one sweep. */
export const EXPIRY_GAP_MS = 60_000;

/**
 * Inside the caller's transaction, after deliveries were deleted: those of `messageIds` that now
 * have no delivery left expire UNRECEIVED_MESSAGE_RETENTION_MS from `now`.
 */
export function expireUnreceived(db: Db, messageIds: readonly number[], now: number): void {
  if (!messageIds.length) return;
  db.prepare(
    `UPDATE messages SET expires_at = ?
     WHERE id IN (SELECT value FROM json_each(?)) AND expires_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)`,
  ).run(now + UNRECEIVED_MESSAGE_RETENTION_MS, JSON.stringify(messageIds));
}

export class MessageExpiry {
  private readonly store = new DisposableStore();
  private readonly stmts;
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private lastSweep = -Infinity;
  private disposed = false;

  constructor(private readonly deps: { db: Db; events: Emitter<StudioEvent>; clock: Clock; logger: Logger }) {
    const { db } = deps;
    this.stmts = {
      next: db.prepare('SELECT min(expires_at) AS at FROM messages WHERE expires_at IS NOT NULL'),
      due: db.prepare(
        'SELECT id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
      ),
      // A reply outlives what it answered.
      unlinkReplies: db.prepare(
        `UPDATE messages SET reply_to = NULL WHERE reply_to IN (
           SELECT m.id FROM messages m WHERE m.id IN (SELECT value FROM json_each(?)) AND m.expires_at IS NOT NULL)`,
      ),
      // Never due while someone has it: a message that has a delivery after all is kept for good.
      keep: db.prepare(
        `UPDATE messages SET expires_at = NULL WHERE id IN (SELECT value FROM json_each(?))
           AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)`,
      ),
      delete: db.prepare(
        `DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)`,
      ),
    };
    this.store.add(
      deps.events.on((e) => {
        if (e.type === 'message.sent' && e.recipients.length === 0)
          this.arm(e.message.createdAt + UNRECEIVED_MESSAGE_RETENTION_MS);
        else if (e.type === 'agent.removed') this.armFromTable();
      }),
    );
    this.armFromTable();
  }

  private armFromTable(): void {
    const { at } = this.stmts.next.get() as { at: number | null };
    if (at !== null) this.arm(at);
  }

  /** A timer for `at` (or the earliest sweep allowed after the last), unless one is due sooner. */
  private arm(at: number, gap = EXPIRY_GAP_MS): void {
    if (this.disposed) return;
    const when = Math.max(at, this.lastSweep + gap);
    if (this.timer && this.timerAt <= when) return;
    this.timer?.cancel();
    this.timerAt = when;
    this.timer = this.deps.clock.setTimeout(() => this.run(), Math.max(0, when - this.deps.clock.now()));
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    try {
      const deleted = this.sweep();
      // A full batch: more may be due; the next one after the event loop has turned.
      if (deleted === EXPIRY_BATCH) this.arm(this.deps.clock.now(), 0);
      else this.armFromTable();
    } catch (err) {
      // A busy database (the CLI writing) or a full disk: try again at the next gap.
      this.deps.logger.warn('could not delete expired messages', { err: String(err) });
      this.arm(this.deps.clock.now());
    }
  }

  /** Deletes one batch of messages whose time has come; returns how many. */
  sweep(): number {
    const now = this.deps.clock.now();
    this.lastSweep = now;
    const ids = (this.stmts.due.all(now, EXPIRY_BATCH) as Array<{ id: number }>).map((r) => r.id);
    if (!ids.length) return 0;
    const list = JSON.stringify(ids);
    this.deps.db.transaction(() => {
      this.stmts.keep.run(list);
      this.stmts.unlinkReplies.run(list);
      this.stmts.delete.run(list);
    })();
    this.deps.logger.debug('deleted messages nobody could receive', { count: ids.length });
    return ids.length;
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.store.dispose();
  }
}
