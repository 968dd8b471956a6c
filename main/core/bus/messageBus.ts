import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import {
  MAX_ANSWER_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_PAGE_ITEMS,
  MAX_TOPICS_PER_AGENT,
  MAX_UNREAD_BYTES,
  MAX_UNREAD_BYTES_FROM_ONE_SENDER,
  MAX_UNREAD_FROM_ONE_SENDER,
  MAX_UNREAD_MESSAGES,
  TOPIC_PATTERN,
  UNRECEIVED_MESSAGE_RETENTION_MS,
} from '../../contract/limits.js';
import type {
  ActivityItem,
  Agent,
  DeliveryState,
  DeliveryVia,
  InboxItem,
  Message,
  MessageDelivery,
  MessageScope,
  MessageType,
} from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import { fitBytes } from '../util/fitBytes.js';
import { DEFAULT_WRITE_BUDGETS, WriteBudget, type Budget, type Write } from './writeBudget.js';

/**
 * The agents the bus looks up (the AgentRegistry). Stated here rather than imported: the registry
 * expires a removed agent's mail through this folder (messageExpiry.ts), so bus/ sits below agents/.
 */
export interface BusAgents {
  /** A name the caller gave; an unknown one throws an error that lists who is there. */
  require(name: unknown): Agent;
  getById(id: number): Agent | undefined;
  list(): Agent[];
  /** Any agent ever seen, removed ones too (for history). */
  nameOf(id: number): string;
}

/** An inbox read returns at most this many unless asked for more; the rest stay unread for the next call. */
export const DEFAULT_INBOX_LIMIT = 20;
/** A page of history when not asked for a number. */
export const DEFAULT_HISTORY_LIMIT = 20;

interface MessageRow {
  id: number;
  sender_id: number;
  scope: MessageScope;
  type: MessageType;
  topic: string | null;
  body: string;
  reply_to: number | null;
  task_id: number | null;
  created_at: number;
  recipient_id: number | null;
  urgent: number;
}

interface DeliveryRow {
  message_id: number;
  agent_id: number;
  state: DeliveryState;
  via: DeliveryVia | null;
  woken_at: number | null;
  read_at: number | null;
}

export interface SendOptions {
  type?: MessageType;
  replyTo?: number;
  taskId?: number;
  /** Announced to a busy recipient at its next tool call, not only at its turn's end. */
  urgent?: boolean;
}

/** Unread mail no wake has announced yet, as the notice that announces it needs it. */
export interface QueuedMail {
  id: number;
  from: string;
  type: MessageType;
  taskId: number | null;
  urgent: boolean;
}

export function validateBody(body: unknown): string {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new StudioError('invalid', 'The message text is empty; write what you want to say.');
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new StudioError(
      'invalid',
      `The message is ${bytes} bytes; the limit is ${MAX_MESSAGE_BYTES}. Write the content to a file and send its path.`,
    );
  }
  return body;
}

export function validateTopic(topic: unknown): string {
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
    throw new StudioError(
      'invalid',
      'A topic is 1-64 letters, digits, "_", ".", "/", ":" or "-", starting with a letter or digit.',
    );
  }
  return topic;
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.max(1, Math.min(MAX_PAGE_ITEMS, Math.floor(limit)));
}

/**
 * Messages and their per-recipient deliveries. A message and all its delivery rows are written in
 * one transaction before send returns, so an acknowledged message is on disk. Two quotas bound
 * what an agent can make it store: each inbox's unread mail (noRoom), and each sender's hour
 * (WriteBudget); a message nobody received expires (MessageExpiry).
 */
export class MessageBus {
  private readonly stmts;
  /** What each agent may send an hour (every message it stores, counted from messages_sent). */
  private readonly budget: WriteBudget;

  constructor(
    private readonly db: Db,
    private readonly agents: BusAgents,
    private readonly events: Emitter<StudioEvent>,
    private readonly clock: Clock,
    budget: Budget = DEFAULT_WRITE_BUDGETS.messages,
  ) {
    this.stmts = {
      insertMessage: db.prepare(
        `INSERT INTO messages (sender_id, scope, type, topic, body, reply_to, task_id, created_at, recipient_id, urgent, bytes, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      sentSince: db.prepare(
        `SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM messages INDEXED BY messages_sent
         WHERE sender_id = ? AND created_at > ?`,
      ),
      sentWrites: db.prepare(
        `SELECT created_at AS at, bytes FROM messages INDEXED BY messages_sent
         WHERE sender_id = ? AND created_at > ? ORDER BY created_at`,
      ),
      subscriptionCount: db.prepare('SELECT count(*) AS n FROM subscriptions WHERE agent_id = ?'),
      isSubscribed: db.prepare('SELECT 1 FROM subscriptions WHERE agent_id = ? AND topic = ?'),
      insertDelivery: db.prepare('INSERT INTO deliveries (agent_id, message_id, bytes) VALUES (?, ?, ?)'),
      // sender_id sits before the body in a message row: reading it never touches the body's pages.
      unreadLoad: db.prepare(
        `SELECT count(*) AS n, coalesce(sum(d.bytes), 0) AS bytes,
           coalesce(sum(m.sender_id = @sender), 0) AS mine,
           coalesce(sum(CASE WHEN m.sender_id = @sender THEN d.bytes ELSE 0 END), 0) AS mineBytes
         FROM deliveries d INDEXED BY deliveries_unread JOIN messages m ON m.id = d.message_id
         WHERE d.agent_id = @recipient AND d.state <> 'read'`,
      ),
      canSee: db.prepare(
        `SELECT 1 FROM messages m WHERE m.id = @id AND (m.sender_id = @agent
           OR EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.agent_id = @agent))`,
      ),
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
      subscribe: db.prepare(
        'INSERT OR IGNORE INTO subscriptions (agent_id, topic, created_at) VALUES (?, ?, ?)',
      ),
      unsubscribe: db.prepare('DELETE FROM subscriptions WHERE agent_id = ? AND topic = ?'),
      subscribers: db.prepare('SELECT agent_id FROM subscriptions WHERE topic = ?'),
      topicsOf: db.prepare('SELECT topic FROM subscriptions WHERE agent_id = ? ORDER BY topic'),
    };
    this.budget = new WriteBudget({
      kind: 'messages',
      budget,
      clock,
      events,
      ledger: {
        spent: (id, since) => this.stmts.sentSince.get(id, since) as { n: number; bytes: number },
        writes: (id, since) => this.stmts.sentWrites.all(id, since) as Write[],
      },
    });
  }

  private toMessage(r: MessageRow): Message {
    const to = r.scope === 'direct' && r.recipient_id !== null ? [this.agents.nameOf(r.recipient_id)] : [];
    return {
      id: r.id,
      from: this.agents.nameOf(r.sender_id),
      scope: r.scope,
      type: r.type,
      to,
      topic: r.topic,
      body: r.body,
      replyTo: r.reply_to,
      taskId: r.task_id,
      createdAt: r.created_at,
      ...(r.urgent ? { urgent: true as const } : {}),
    };
  }

  /** Must run inside the caller's transaction when part of a larger change (see TaskBoard). */
  private insert(
    sender: Agent,
    scope: MessageScope,
    recipients: Agent[],
    body: string,
    opts: SendOptions & { topic?: string },
  ): Message {
    // One reading of the clock: the stored time and the one returned (and announced) agree.
    const now = this.clock.now();
    const bytes = Buffer.byteLength(body, 'utf8');
    const info = this.stmts.insertMessage.run(
      sender.id,
      scope,
      opts.type ?? 'text',
      opts.topic ?? null,
      body,
      opts.replyTo ?? null,
      opts.taskId ?? null,
      now,
      scope === 'direct' ? recipients[0]!.id : null,
      opts.urgent ? 1 : 0,
      bytes,
      // Received by nobody (a topic nobody follows): kept a while for the topic's history.
      recipients.length ? null : now + UNRECEIVED_MESSAGE_RETENTION_MS,
    );
    const id = Number(info.lastInsertRowid);
    for (const r of recipients) this.stmts.insertDelivery.run(r.id, id, bytes);
    return {
      id,
      from: sender.name,
      scope,
      type: opts.type ?? 'text',
      to: scope === 'direct' ? recipients.map((r) => r.name) : [],
      topic: opts.topic ?? null,
      body,
      replyTo: opts.replyTo ?? null,
      taskId: opts.taskId ?? null,
      createdAt: now,
      ...(opts.urgent ? { urgent: true as const } : {}),
    };
  }

  private announce(message: Message, recipients: Agent[]): void {
    this.events.fire({
      type: 'message.sent',
      message,
      recipients: recipients.map((r) => ({ id: r.id, name: r.name })),
    });
  }

  private checkReply(sender: Agent, replyTo: number | undefined): void {
    if (replyTo === undefined) return;
    if (!this.stmts.canSee.get({ id: replyTo, agent: sender.id })) {
      throw new StudioError(
        'not_found',
        `No message #${replyTo} in your history; check get_history for its id.`,
      );
    }
  }

  /**
   * Why `recipient` cannot take one more unread message of `bytes` from `sender`, or undefined:
   * a sender's share of any inbox, and for agents the inbox's whole quota.
   */
  private noRoom(sender: Agent, recipient: Agent, bytes: number): string | undefined {
    const load = this.stmts.unreadLoad.get({ recipient: recipient.id, sender: sender.id }) as {
      n: number;
      bytes: number;
      mine: number;
      mineBytes: number;
    };
    const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
    const later = `It takes more once ${recipient.name} reads its mail; until then, send a short note later or put long content in a file.`;
    if (
      load.mine >= MAX_UNREAD_FROM_ONE_SENDER ||
      load.mineBytes + bytes > MAX_UNREAD_BYTES_FROM_ONE_SENDER
    ) {
      return (
        `${recipient.name} has not read ${load.mine} of your messages (${mb(load.mineBytes)}); one sender may have ` +
        `${MAX_UNREAD_FROM_ONE_SENDER} or ${mb(MAX_UNREAD_BYTES_FROM_ONE_SENDER)} unread there. Nothing was sent. ${later}`
      );
    }
    if (recipient.kind === 'person') return undefined;
    if (load.n >= MAX_UNREAD_MESSAGES || load.bytes + bytes > MAX_UNREAD_BYTES) {
      return (
        `${recipient.name}'s inbox is full (${MAX_UNREAD_MESSAGES} unread messages or ${mb(MAX_UNREAD_BYTES)}); ` +
        `nothing was sent. ${later}`
      );
    }
    return undefined;
  }

  /** Whether `recipient` can take this message from `sender` (see noRoom). */
  hasRoomFor(sender: Agent, recipient: Agent, body: string): boolean {
    return this.noRoom(sender, recipient, Buffer.byteLength(body, 'utf8')) === undefined;
  }

  /** Refuses a message that `recipient`'s quota has no room for; nothing is written. */
  checkRoom(sender: Agent, recipient: Agent, body: string): void {
    const reason = this.noRoom(sender, recipient, Buffer.byteLength(body, 'utf8'));
    if (reason) throw new StudioError('conflict', reason);
  }

  /** A direct message: checked, committed, then announced (the wake engine hears of it). */
  send(sender: Agent, to: string, body: string, opts: SendOptions = {}): Message {
    validateBody(body);
    const recipient = this.agents.require(to);
    if (recipient.id === sender.id) {
      throw new StudioError('invalid', `You are ${sender.name}; send to another agent (see list_peers).`);
    }
    this.checkReply(sender, opts.replyTo);
    // In the same synchronous call as the write below: nothing of this sender's lands in between.
    this.budget.check(sender, Buffer.byteLength(body, 'utf8'));
    const message = this.db
      .transaction(() => {
        // Checked inside the writing transaction, so two senders cannot both take the last room.
        this.checkRoom(sender, recipient, body);
        return this.insert(sender, 'direct', [recipient], body, opts);
      })
      .immediate();
    this.announce(message, [recipient]);
    return message;
  }

  /**
   * The other way to send a direct message, for a change that writes more than the message (a
   * task and its assignment mail): write inside the caller's open transaction, then call
   * announceDirect once it has committed. The caller decides what a full inbox means (checkRoom
   * to refuse, hasRoomFor to leave a notice out). Not checked against the sender's hourly budget:
   * the change that causes it was (the board's own); it counts toward it all the same.
   */
  writeDirect(sender: Agent, to: Agent, body: string, opts: SendOptions = {}): Message {
    return this.insert(sender, 'direct', [to], body, opts);
  }

  announceDirect(message: Message, to: Agent): void {
    this.announce(message, [to]);
  }

  /**
   * To every live agent and the person, except the sender. A recipient whose inbox is full is
   * left out and named in `full`; when that is everyone, nothing is stored and it is refused.
   */
  broadcast(
    sender: Agent,
    body: string,
    opts: SendOptions = {},
  ): { message: Message; recipients: number; full: string[] } {
    validateBody(body);
    this.checkReply(sender, opts.replyTo);
    const bytes = Buffer.byteLength(body, 'utf8');
    this.budget.check(sender, bytes);
    const { message, recipients, full } = this.db
      .transaction(() => {
        const everyone = this.agents.list().filter((a) => a.id !== sender.id);
        const recipients = everyone.filter((a) => !this.noRoom(sender, a, bytes));
        const full = everyone.filter((a) => !recipients.includes(a)).map((a) => a.name);
        if (!recipients.length) throw this.nobodyToReceive(full);
        return { message: this.insert(sender, 'broadcast', recipients, body, opts), recipients, full };
      })
      .immediate();
    this.announce(message, recipients);
    return { message, recipients: recipients.length, full };
  }

  private nobodyToReceive(full: string[]): StudioError {
    return new StudioError(
      'conflict',
      full.length
        ? `Nobody can take a broadcast now: every inbox is full or holds your share of unread mail ` +
            `(${full.join(', ')}). Nothing was sent. They take more once they read their mail; send a short note later or put long content in a file.`
        : 'There is nobody else in the studio to receive a broadcast. Nothing was sent.',
    );
  }

  /**
   * To a topic's subscribers with room. Stored even when none receives it, for the topic's
   * history, until UNRECEIVED_MESSAGE_RETENTION_MS has passed (MessageExpiry).
   */
  publish(
    sender: Agent,
    topic: string,
    body: string,
    opts: SendOptions = {},
  ): { message: Message; recipients: number; full: string[] } {
    validateTopic(topic);
    validateBody(body);
    this.checkReply(sender, opts.replyTo);
    const bytes = Buffer.byteLength(body, 'utf8');
    this.budget.check(sender, bytes);
    const { message, recipients, full } = this.db
      .transaction(() => {
        const ids = (this.stmts.subscribers.all(topic) as Array<{ agent_id: number }>)
          .map((r) => r.agent_id)
          .filter((id) => id !== sender.id);
        const subscribers = ids.map((id) => this.agents.getById(id)).filter((a): a is Agent => !!a);
        const recipients = subscribers.filter((a) => !this.noRoom(sender, a, bytes));
        const full = subscribers.filter((a) => !recipients.includes(a)).map((a) => a.name);
        return {
          message: this.insert(sender, 'topic', recipients, body, { ...opts, topic }),
          recipients,
          full,
        };
      })
      .immediate();
    this.announce(message, recipients);
    return { message, recipients: recipients.length, full };
  }

  subscribe(agent: Agent, topic: string): boolean {
    validateTopic(topic);
    if (
      agent.kind !== 'person' &&
      !this.stmts.isSubscribed.get(agent.id, topic) &&
      (this.stmts.subscriptionCount.get(agent.id) as { n: number }).n >= MAX_TOPICS_PER_AGENT
    ) {
      throw new StudioError(
        'conflict',
        `You follow ${MAX_TOPICS_PER_AGENT} topics, the most one agent may; unsubscribe from one you no longer need first.`,
      );
    }
    const added = this.stmts.subscribe.run(agent.id, topic, this.clock.now()).changes > 0;
    if (added) this.events.fire({ type: 'topic.subscription', agent: agent.name, topic, subscribed: true });
    return added;
  }

  unsubscribe(agent: Agent, topic: string): boolean {
    validateTopic(topic);
    const removed = this.stmts.unsubscribe.run(agent.id, topic).changes > 0;
    if (removed)
      this.events.fire({ type: 'topic.subscription', agent: agent.name, topic, subscribed: false });
    return removed;
  }

  topicsOf(agent: Agent): string[] {
    return (this.stmts.topicsOf.all(agent.id) as Array<{ topic: string }>).map((r) => r.topic);
  }

  /** Unread mail, oldest first. With markRead (the default) it is marked read in the same transaction. */
  inbox(
    agent: Agent,
    opts: { limit?: number; markRead?: boolean } = {},
  ): { items: InboxItem[]; remaining: number } {
    const limit = clampLimit(opts.limit, DEFAULT_INBOX_LIMIT);
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
    if (markRead) this.stmts.markRead.run(this.clock.now(), agent.id, JSON.stringify(rows.map((r) => r.id)));
    const remaining = markRead ? unread - rows.length : unread;
    const items = rows.map((r) => ({ ...this.toMessage(r), state: r.state }));
    if (markRead && items.length) {
      this.events.fire({
        type: 'delivery.changed',
        agentId: agent.id,
        messageIds: items.map((i) => i.id),
        state: 'read',
        at: this.clock.now(),
      });
    }
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
    const senders = [...new Set(rows.map((r) => this.agents.nameOf(r.sender_id)))];
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
      only
        ? this.db
            .prepare(
              `UPDATE deliveries SET state = 'queued', woken_at = NULL, via = NULL
               WHERE agent_id = ? AND state = 'woken' AND message_id IN (SELECT value FROM json_each(?))
               RETURNING message_id`,
            )
            .all(agentId, JSON.stringify(only))
        : this.db
            .prepare(
              `UPDATE deliveries SET state = 'queued', woken_at = NULL, via = NULL
               WHERE agent_id = ? AND state <> 'read' AND state = 'woken' RETURNING message_id`,
            )
            .all(agentId)
    ) as Array<{ message_id: number }>;
    const ids = rows.map((r) => r.message_id);
    if (ids.length)
      this.events.fire({
        type: 'delivery.changed',
        agentId,
        messageIds: ids,
        state: 'queued',
        at: this.clock.now(),
      });
    return ids;
  }

  /** Unread mail no wake prompt has announced yet, oldest first. */
  queuedFor(agentId: number): QueuedMail[] {
    return (
      this.stmts.queued.all(agentId) as Array<{
        id: number;
        sender_id: number;
        type: MessageType;
        task_id: number | null;
        urgent: number;
      }>
    ).map((r) => ({
      id: r.id,
      from: this.agents.nameOf(r.sender_id),
      type: r.type,
      taskId: r.task_id,
      urgent: r.urgent === 1,
    }));
  }

  /** Announced, and how: the mail is no longer queued, and no other wake announces it again. */
  markWoken(agentId: number, messageIds: number[], via: DeliveryVia): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const id of messageIds) this.stmts.markWoken.run(now, via, agentId, id);
    })();
    if (messageIds.length)
      this.events.fire({ type: 'delivery.changed', agentId, messageIds, state: 'woken', at: now, via });
  }

  /**
   * The recipient's delivery of each of these direct messages (the person's view of the history).
   * Looked up by (recipient, message), the table's key: deliveries have no index by message alone.
   */
  deliveriesOf(messageIds: number[]): Map<number, MessageDelivery[]> {
    const out = new Map<number, MessageDelivery[]>();
    if (!messageIds.length) return out;
    const rows = this.db
      .prepare(
        `SELECT d.message_id, d.agent_id, d.state, d.via, d.woken_at, d.read_at
         FROM messages m JOIN deliveries d ON d.agent_id = m.recipient_id AND d.message_id = m.id
         WHERE m.id IN (SELECT value FROM json_each(?)) AND m.scope = 'direct' ORDER BY d.message_id`,
      )
      .all(JSON.stringify(messageIds)) as DeliveryRow[];
    for (const r of rows) {
      const list = out.get(r.message_id) ?? [];
      list.push(this.toDelivery(r));
      out.set(r.message_id, list);
    }
    return out;
  }

  /** The latest announced deliveries, newest first: how mail reached agents, and how soon it was read. */
  recentDeliveries(limit: number): Array<MessageDelivery & { messageId: number; from: string }> {
    const rows = this.db
      .prepare(
        `SELECT d.message_id, d.agent_id, d.state, d.via, d.woken_at, d.read_at, m.sender_id
         FROM deliveries d INDEXED BY deliveries_woken JOIN messages m ON m.id = d.message_id
         WHERE d.woken_at IS NOT NULL ORDER BY d.woken_at DESC LIMIT ?`,
      )
      .all(limit) as Array<DeliveryRow & { sender_id: number }>;
    return rows.map((r) => ({
      ...this.toDelivery(r),
      messageId: r.message_id,
      from: this.agents.nameOf(r.sender_id),
    }));
  }

  private toDelivery(r: DeliveryRow): MessageDelivery {
    return {
      to: this.agents.nameOf(r.agent_id),
      state: r.state,
      via: r.via,
      wokenAt: r.woken_at,
      readAt: r.read_at,
    };
  }

  /**
   * Messages visible to `viewer` (sent or received), newest first. `with` narrows to the direct
   * conversation with one agent; `topic` to a topic. A null viewer (the person's admin view) sees all.
   */
  history(
    viewer: Agent | null,
    query: { with?: string; topic?: string; limit?: number; beforeId?: number } = {},
  ): Message[] {
    const { sql, params } = this.historyQuery(viewer, query);
    // A page stays within MAX_ANSWER_BYTES; the next one starts before its oldest id.
    const rows = fitBytes(
      this.db.prepare(sql).all(params) as MessageRow[],
      (r) => Buffer.byteLength(r.body, 'utf8'),
      MAX_ANSWER_BYTES,
    );
    return rows.map((r) => this.toMessage(r));
  }

  /**
   * Each shape of history is read newest first from an index that holds it in id order, so a page
   * costs its own rows however many others the table holds: a topic (messages_topic), a
   * conversation both ways (messages_direct), one agent's mail (what it sent, messages_sender, and
   * what it was given, the deliveries' key), or everything (the table's own order).
   */
  private historyQuery(
    viewer: Agent | null,
    query: { with?: string; topic?: string; limit?: number; beforeId?: number },
  ): { sql: string; params: Record<string, unknown> } {
    const params: Record<string, unknown> = { limit: clampLimit(query.limit, DEFAULT_HISTORY_LIMIT) };
    const below = (column: string) => (query.beforeId !== undefined ? `AND ${column} < @before` : '');
    if (query.beforeId !== undefined) params.before = query.beforeId;
    const newest = (ids: string) =>
      `SELECT m.* FROM messages m WHERE m.id IN (${ids}) ORDER BY m.id DESC LIMIT @limit`;
    const page = (select: string) => `SELECT * FROM (${select} LIMIT @limit)`;
    if (query.topic !== undefined) {
      validateTopic(query.topic);
      // A topic's history is open to anyone who asks by name, like a channel's backlog.
      params.topic = query.topic;
      return {
        sql: `SELECT m.* FROM messages m WHERE m.topic = @topic ${below('m.id')} ORDER BY m.id DESC LIMIT @limit`,
        params,
      };
    }
    const peer = query.with !== undefined ? this.agents.require(query.with) : undefined;
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

  recentActivity(limit: number): ActivityItem[] {
    return this.history(null, { limit }).map((m) => ({
      at: m.createdAt,
      kind: 'message' as const,
      actor: m.from,
      messageId: m.id,
      ...(m.taskId !== null ? { taskId: m.taskId } : {}),
      text:
        (m.scope === 'direct'
          ? `→ ${m.to.join(', ')}`
          : m.scope === 'topic'
            ? `→ #${m.topic}`
            : '→ everyone') + `: ${oneLine(m.body, 120)}`,
    }));
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 3) + '...' : flat;
}
