// Each agent's received mail and its delivery state: reading the inbox (and marking it read), how
// much is unread and from whom, and the wakes that announce it (queued -> woken -> read; a new
// terminal puts woken mail back to queued). Every change of state is told as a delivery.changed.
import type { StudioEvent } from '../../contract/events.js';
import { MAX_ANSWER_BYTES } from '../../contract/limits.js';
import type { Agent, DeliveryState, DeliveryVia, InboxItem, MessageType } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import { fitBytes } from '../util/fitBytes.js';
import { clampPageLimit } from '../util/pageLimit.js';
import { messageOf, type MessageRow, type NameOf } from './messageRows.js';

/** An inbox read returns at most this many unless asked for more; the rest stay unread for the next call. */
export const DEFAULT_INBOX_LIMIT = 20;

/** Unread mail no wake has announced yet, as the notice that announces it needs it. */
export interface QueuedMail {
  id: number;
  from: string;
  type: MessageType;
  taskId: number | null;
  urgent: boolean;
}

export class Mailbox {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly deps: { nameOf: NameOf; events: Emitter<StudioEvent>; clock: Clock },
  ) {
    this.stmts = {
      // INDEXED BY: without it the planner walks the agent's whole delivery history (the primary
      // key covers more columns), so an empty inbox got slower with every message ever read.
      unread: db.prepare(
        `SELECT m.*, d.state AS state, d.bytes AS bytes
         FROM deliveries d INDEXED BY deliveries_unread JOIN messages m ON m.id = d.message_id
         WHERE d.agent_id = ? AND d.state <> 'read' ORDER BY d.message_id LIMIT ?`,
      ),
      markRead: db.prepare(
        `UPDATE deliveries SET state = 'read', read_at = ?
         WHERE agent_id = ? AND state <> 'read' AND message_id IN (SELECT value FROM json_each(?))`,
      ),
      markWoken: db.prepare(
        `UPDATE deliveries SET state = 'woken', woken_at = ?, via = ? WHERE agent_id = ? AND message_id = ? AND state = 'queued'`,
      ),
      requeueSome: db.prepare(
        `UPDATE deliveries SET state = 'queued', woken_at = NULL, via = NULL
         WHERE agent_id = ? AND state = 'woken' AND message_id IN (SELECT value FROM json_each(?))
         RETURNING message_id`,
      ),
      requeueAll: db.prepare(
        `UPDATE deliveries SET state = 'queued', woken_at = NULL, via = NULL
         WHERE agent_id = ? AND state <> 'read' AND state = 'woken' RETURNING message_id`,
      ),
      unreadCount: db.prepare(
        `SELECT count(*) AS n FROM deliveries INDEXED BY deliveries_unread WHERE agent_id = ? AND state <> 'read'`,
      ),
      unreadCounts: db.prepare(
        `SELECT agent_id, count(*) AS n FROM deliveries INDEXED BY deliveries_unread WHERE state <> 'read' GROUP BY agent_id`,
      ),
      unreadSenders: db.prepare(
        `SELECT m.sender_id, d.state, count(*) AS n FROM deliveries d INDEXED BY deliveries_unread
         JOIN messages m ON m.id = d.message_id
         WHERE d.agent_id = ? AND d.state <> 'read' GROUP BY m.sender_id, d.state`,
      ),
      queued: db.prepare(
        `SELECT m.id, m.sender_id, m.type, m.task_id, m.urgent FROM deliveries d INDEXED BY deliveries_unread
         JOIN messages m ON m.id = d.message_id
         WHERE d.agent_id = ? AND d.state <> 'read' AND d.state = 'queued' ORDER BY d.message_id LIMIT 100`,
      ),
    };
  }

  /** Unread mail, oldest first. With markRead (the default) it is marked read in the same transaction. */
  inbox(
    agent: Agent,
    opts: { limit?: number; markRead?: boolean } = {},
  ): { items: InboxItem[]; remaining: number } {
    const limit = clampPageLimit(opts.limit, DEFAULT_INBOX_LIMIT);
    const markRead = opts.markRead ?? true;
    // The common poll finds nothing: answer it without writing.
    const unread = this.unreadCount(agent.id);
    if (unread === 0) return { items: [], remaining: 0 };
    // No explicit transaction: this process is the only writer, the calls below run back to back on
    // one connection, and marking read is one atomic statement that only ever moves rows to 'read'.
    // BEGIN/COMMIT around them cost more than the reads themselves.
    const fetched = this.stmts.unread.all(agent.id, limit) as Array<
      MessageRow & { state: DeliveryState; bytes: number }
    >;
    // One answer stays within MAX_ANSWER_BYTES (always at least one message: each is at most
    // MAX_MESSAGE_BYTES); what did not fit stays unread for the next call.
    const rows = fitBytes(fetched, (r) => r.bytes, MAX_ANSWER_BYTES);
    const { clock, nameOf } = this.deps;
    if (markRead) this.stmts.markRead.run(clock.now(), agent.id, JSON.stringify(rows.map((r) => r.id)));
    const remaining = markRead ? unread - rows.length : unread;
    const items = rows.map((r) => ({ ...messageOf(r, nameOf), state: r.state }));
    const ids = items.map((i) => i.id);
    if (markRead && ids.length) this.changed(agent.id, ids, 'read', clock.now());
    return { items, remaining };
  }

  unreadCount(agentId: number): number {
    return (this.stmts.unreadCount.get(agentId) as { n: number }).n;
  }

  unreadCounts(): Map<number, number> {
    const rows = this.stmts.unreadCounts.all() as Array<{ agent_id: number; n: number }>;
    return new Map(rows.map((r) => [r.agent_id, r.n]));
  }

  /** Who the unread mail is from, for a wake prompt; `queued` counts mail no wake has announced yet. */
  unreadSummary(agentId: number): { total: number; queued: number; senders: string[] } {
    const rows = this.stmts.unreadSenders.all(agentId) as Array<{
      sender_id: number;
      state: DeliveryState;
      n: number;
    }>;
    const senders = [...new Set(rows.map((r) => this.deps.nameOf(r.sender_id)))];
    return {
      total: rows.reduce((s, r) => s + r.n, 0),
      queued: rows.filter((r) => r.state === 'queued').reduce((s, r) => s + r.n, 0),
      senders,
    };
  }

  /**
   * A new terminal for the agent: wakes typed into the old one are gone with it, so its unread
   * mail counts as unannounced again.
   */
  requeueWoken(agentId: number, only?: readonly number[]): number[] {
    const rows = (
      only ? this.stmts.requeueSome.all(agentId, JSON.stringify(only)) : this.stmts.requeueAll.all(agentId)
    ) as Array<{ message_id: number }>;
    const ids = rows.map((r) => r.message_id);
    if (ids.length) this.changed(agentId, ids, 'queued', this.deps.clock.now());
    return ids;
  }

  /** Unread mail no wake prompt has announced yet, oldest first. */
  queuedFor(agentId: number): QueuedMail[] {
    const rows = this.stmts.queued.all(agentId) as Array<{
      id: number;
      sender_id: number;
      type: MessageType;
      task_id: number | null;
      urgent: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      from: this.deps.nameOf(r.sender_id),
      type: r.type,
      taskId: r.task_id,
      urgent: r.urgent === 1,
    }));
  }

  /** Announced, and how: the mail is no longer queued, and no other wake announces it again. */
  markWoken(agentId: number, messageIds: number[], via: DeliveryVia): void {
    const now = this.deps.clock.now();
    this.db.transaction(() => {
      for (const id of messageIds) this.stmts.markWoken.run(now, via, agentId, id);
    })();
    if (messageIds.length) this.changed(agentId, messageIds, 'woken', now, via);
  }

  private changed(
    agentId: number,
    messageIds: number[],
    state: DeliveryState,
    at: number,
    via?: DeliveryVia,
  ): void {
    this.deps.events.fire({
      type: 'delivery.changed',
      agentId,
      messageIds,
      state,
      at,
      ...(via ? { via } : {}),
    });
  }
}
