// Reading the bus's past: a page of the messages one viewer may see (a topic, a conversation, an
// agent's mail, or all of it for the person), how each direct message reached its recipient, and
// the feed's lines for recent messages. Nothing here writes.
import type { ActivityItem, Agent, Message, MessageDelivery } from '../../contract/model.js';
import { MAX_ANSWER_BYTES } from '../../contract/limits.js';
import type { Db } from '../store/database.js';
import { fitBytes } from '../util/fitBytes.js';
import { clampPageLimit } from '../util/pageLimit.js';
import type { BusAgents } from './busAgents.js';
import { deliveryOf, messageOf, type DeliveryRow, type MessageRow, type NameOf } from './messageRows.js';
import { validateTopic } from './topics.js';

/** A page of history when not asked for a number. */
export const DEFAULT_HISTORY_LIMIT = 20;
/** How much of a message's text a line of the feed quotes. */
const ACTIVITY_TEXT_CHARS = 120;

export interface HistoryQuery {
  with?: string;
  topic?: string;
  limit?: number;
  beforeId?: number;
}

/**
 * Each shape of history is read newest first from an index that holds it in id order, so a page
 * costs its own rows however many others the table holds: a topic (messages_topic), a
 * conversation both ways (messages_direct), one agent's mail (what it sent, messages_sender, and
 * what it was given, the deliveries' key), or everything (the table's own order). `peer` is the
 * agent `query.with` names; a topic's query never looks at it.
 */
export function historyQuery(
  viewer: Agent | null,
  peer: Agent | undefined,
  query: HistoryQuery,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { limit: clampPageLimit(query.limit, DEFAULT_HISTORY_LIMIT) };
  const below = (column: string) => (query.beforeId !== undefined ? `AND ${column} < @before` : '');
  if (query.beforeId !== undefined) params.before = query.beforeId;
  const newest = (ids: string) =>
    `SELECT m.* FROM messages m WHERE m.id IN (${ids}) ORDER BY m.id DESC LIMIT @limit`;
  const page = (select: string) => `SELECT * FROM (${select} LIMIT @limit)`;
  if (query.topic !== undefined) {
    // A topic's history is open to anyone who asks by name, like a channel's backlog.
    params.topic = query.topic;
    return {
      sql: `SELECT m.* FROM messages m WHERE m.topic = @topic ${below('m.id')} ORDER BY m.id DESC LIMIT @limit`,
      params,
    };
  }
  if (viewer && peer) {
    Object.assign(params, { viewer: viewer.id, peer: peer.id });
    const way = (from: string, to: string) =>
      page(
        `SELECT id FROM messages WHERE sender_id = ${from} AND recipient_id = ${to} ${below('id')} ORDER BY id DESC`,
      );
    return { sql: newest(`${way('@viewer', '@peer')} UNION ALL ${way('@peer', '@viewer')}`), params };
  }
  const party = viewer ?? peer;
  if (party) {
    params.party = party.id;
    const sent = page(`SELECT id FROM messages WHERE sender_id = @party ${below('id')} ORDER BY id DESC`);
    const given = page(
      `SELECT message_id FROM deliveries WHERE agent_id = @party ${below('message_id')} ORDER BY message_id DESC`,
    );
    return { sql: newest(`${sent} UNION ALL ${given}`), params };
  }
  return {
    sql: `SELECT m.* FROM messages m ${query.beforeId !== undefined ? 'WHERE m.id < @before' : ''} ORDER BY m.id DESC LIMIT @limit`,
    params,
  };
}

export class MessageHistory {
  private readonly stmts;
  private readonly nameOf: NameOf = (id) => this.agents.nameOf(id);

  constructor(
    private readonly db: Db,
    private readonly agents: Pick<BusAgents, 'require' | 'nameOf'>,
  ) {
    this.stmts = {
      // Looked up by (recipient, message), the table's key: deliveries have no index by message alone.
      deliveriesOf: db.prepare(
        `SELECT d.message_id, d.agent_id, d.state, d.via, d.woken_at, d.read_at
         FROM messages m JOIN deliveries d ON d.agent_id = m.recipient_id AND d.message_id = m.id
         WHERE m.id IN (SELECT value FROM json_each(?)) AND m.scope = 'direct' ORDER BY d.message_id`,
      ),
      recentDeliveries: db.prepare(
        `SELECT d.message_id, d.agent_id, d.state, d.via, d.woken_at, d.read_at, m.sender_id
         FROM deliveries d INDEXED BY deliveries_woken JOIN messages m ON m.id = d.message_id
         WHERE d.woken_at IS NOT NULL ORDER BY d.woken_at DESC LIMIT ?`,
      ),
    };
  }

  /**
   * Messages visible to `viewer` (sent or received), newest first. `with` narrows to the direct
   * conversation with one agent; `topic` to a topic. A null viewer (the person's admin view) sees all.
   */
  history(viewer: Agent | null, query: HistoryQuery = {}): Message[] {
    if (query.topic !== undefined) validateTopic(query.topic);
    const peer =
      query.topic === undefined && query.with !== undefined ? this.agents.require(query.with) : undefined;
    const { sql, params } = historyQuery(viewer, peer, query);
    // A page stays within MAX_ANSWER_BYTES; the next one starts before its oldest id.
    const rows = fitBytes(
      this.db.prepare(sql).all(params) as MessageRow[],
      (r) => Buffer.byteLength(r.body, 'utf8'),
      MAX_ANSWER_BYTES,
    );
    return rows.map((r) => messageOf(r, this.nameOf));
  }

  /** The recipient's delivery of each of these direct messages (the person's view of the history). */
  deliveriesOf(messageIds: number[]): Map<number, MessageDelivery[]> {
    const out = new Map<number, MessageDelivery[]>();
    if (!messageIds.length) return out;
    const rows = this.stmts.deliveriesOf.all(JSON.stringify(messageIds)) as DeliveryRow[];
    for (const r of rows) {
      const list = out.get(r.message_id) ?? [];
      list.push(deliveryOf(r, this.nameOf));
      out.set(r.message_id, list);
    }
    return out;
  }

  /** The latest announced deliveries, newest first: how mail reached agents, and how soon it was read. */
  recentDeliveries(limit: number): Array<MessageDelivery & { messageId: number; from: string }> {
    const rows = this.stmts.recentDeliveries.all(limit) as Array<DeliveryRow & { sender_id: number }>;
    return rows.map((r) => ({
      ...deliveryOf(r, this.nameOf),
      messageId: r.message_id,
      from: this.nameOf(r.sender_id),
    }));
  }

  recentActivity(limit: number): ActivityItem[] {
    return this.history(null, { limit }).map((m) => ({
      at: m.createdAt,
      kind: 'message' as const,
      actor: m.from,
      messageId: m.id,
      ...(m.taskId !== null ? { taskId: m.taskId } : {}),
      text: `${addressOf(m)}: ${oneLine(m.body, ACTIVITY_TEXT_CHARS)}`,
    }));
  }
}

/** Who a message went to, as the feed says it. */
function addressOf(m: Message): string {
  if (m.scope === 'direct') return `→ ${m.to.join(', ')}`;
  return m.scope === 'topic' ? `→ #${m.topic}` : '→ everyone';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 3) + '...' : flat;
}
