import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import { MAX_MESSAGE_BYTES } from '../../contract/limits.js';
import type {
  ActivityItem,
  Agent,
  DeliveryVia,
  InboxItem,
  Message,
  MessageDelivery,
  MessageScope,
} from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import type { BusAgents } from './busAgents.js';
import { InboxQuota } from './inboxQuota.js';
import { Mailbox, type QueuedMail } from './mailbox.js';
import { MessageHistory, type HistoryQuery } from './messageHistory.js';
import { MessageWriter, type SendOptions } from './messageWriter.js';
import { Topics, validateTopic } from './topics.js';
import { DEFAULT_WRITE_BUDGETS, tableLedger, WriteBudget, type Budget } from './writeBudget.js';

export type { BusAgents } from './busAgents.js';
export type { QueuedMail } from './mailbox.js';
export type { SendOptions } from './messageWriter.js';

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

/** A message to many (a broadcast, a topic): who got it, and who had no room. */
export interface SentToMany {
  message: Message;
  recipients: number;
  full: string[];
}

/** One message to those of `candidates` with room; see MessageBus.fanOut. */
interface FanOut {
  scope: MessageScope;
  body: string;
  bytes: number;
  opts: SendOptions & { topic?: string };
  candidates: () => Agent[];
  /** The error when nobody can take it; without it, a message nobody receives is stored all the same. */
  refuseUnreceived?: (full: string[]) => StudioError;
}

/**
 * Messages and their per-recipient deliveries. A message and all its delivery rows are written in
 * one transaction before send returns, so an acknowledged message is on disk. Two quotas bound
 * what an agent can make it store: each inbox's unread mail (InboxQuota), and each sender's hour
 * (WriteBudget); a message nobody received expires (MessageExpiry). Here: who receives a message
 * and in what order it is checked, written and announced; topics (Topics), reading mail and its
 * delivery state (Mailbox) and the history (MessageHistory) each a module of its own.
 */
export class MessageBus {
  private readonly writer: MessageWriter;
  private readonly quota: InboxQuota;
  private readonly topics: Topics;
  private readonly mailbox: Mailbox;
  private readonly past: MessageHistory;
  /** What each agent may send an hour (every message it stores, counted from messages_sent). */
  private readonly budget: WriteBudget;

  constructor(
    private readonly db: Db,
    private readonly agents: BusAgents,
    private readonly events: Emitter<StudioEvent>,
    clock: Clock,
    budget: Budget = DEFAULT_WRITE_BUDGETS.messages,
  ) {
    this.writer = new MessageWriter(db, clock);
    this.quota = new InboxQuota(db);
    this.topics = new Topics(db, events, clock);
    this.mailbox = new Mailbox(db, { nameOf: (id) => agents.nameOf(id), events, clock });
    this.past = new MessageHistory(db, agents);
    const ledger = tableLedger(db, { table: 'messages', index: 'messages_sent', actor: 'sender_id' });
    this.budget = new WriteBudget({ kind: 'messages', budget, clock, events, ledger });
  }

  private announce(message: Message, recipients: Agent[]): void {
    this.events.fire({
      type: 'message.sent',
      message,
      recipients: recipients.map((r) => ({ id: r.id, name: r.name })),
    });
  }

  /**
   * What every send checks once its text is valid: what it answers, and the sender's hourly budget.
   * In the same synchronous call as the write that follows: nothing of this sender's lands in
   * between. Returns the message's size.
   */
  private admit(sender: Agent, body: string, replyTo: number | undefined): number {
    this.writer.checkReply(sender, replyTo);
    const bytes = Buffer.byteLength(body, 'utf8');
    this.budget.check(sender, bytes);
    return bytes;
  }

  /** Whether `recipient` can take this message from `sender` (see InboxQuota). */
  hasRoomFor(sender: Agent, recipient: Agent, body: string): boolean {
    return this.quota.noRoom(sender, recipient, Buffer.byteLength(body, 'utf8')) === undefined;
  }

  /** Refuses a message that `recipient`'s quota has no room for; nothing is written. */
  checkRoom(sender: Agent, recipient: Agent, body: string): void {
    const reason = this.quota.noRoom(sender, recipient, Buffer.byteLength(body, 'utf8'));
    if (reason) throw new StudioError('conflict', reason);
  }

  /** A direct message: checked, committed, then announced (the wake engine hears of it). */
  send(sender: Agent, to: string, body: string, opts: SendOptions = {}): Message {
    validateBody(body);
    const recipient = this.agents.require(to);
    if (recipient.id === sender.id) {
      throw new StudioError('invalid', `You are ${sender.name}; send to another agent (see list_peers).`);
    }
    this.admit(sender, body, opts.replyTo);
    const message = this.db
      .transaction(() => {
        // Checked inside the writing transaction, so two senders cannot both take the last room.
        this.checkRoom(sender, recipient, body);
        return this.writer.insert(sender, 'direct', [recipient], body, opts);
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
    return this.writer.insert(sender, 'direct', [to], body, opts);
  }

  announceDirect(message: Message, to: Agent): void {
    this.announce(message, [to]);
  }

  /**
   * To every live agent and the person, except the sender. A recipient whose inbox is full is
   * left out and named in `full`; when that is everyone, nothing is stored and it is refused.
   */
  broadcast(sender: Agent, body: string, opts: SendOptions = {}): SentToMany {
    validateBody(body);
    const bytes = this.admit(sender, body, opts.replyTo);
    return this.fanOut(sender, {
      scope: 'broadcast',
      body,
      bytes,
      opts,
      candidates: () => this.agents.list().filter((a) => a.id !== sender.id),
      refuseUnreceived: nobodyToReceive,
    });
  }

  /**
   * To a topic's subscribers with room. Stored even when none receives it, for the topic's
   * history, until UNRECEIVED_MESSAGE_RETENTION_MS has passed (MessageExpiry).
   */
  publish(sender: Agent, topic: string, body: string, opts: SendOptions = {}): SentToMany {
    validateTopic(topic);
    validateBody(body);
    const bytes = this.admit(sender, body, opts.replyTo);
    const candidates = () =>
      this.topics
        .subscriberIds(topic)
        .filter((id) => id !== sender.id)
        .map((id) => this.agents.getById(id))
        .filter((a): a is Agent => !!a);
    return this.fanOut(sender, { scope: 'topic', body, bytes, opts: { ...opts, topic }, candidates });
  }

  /**
   * One message to those of the candidates with room, the rest named in `full`: chosen, checked
   * and written in one transaction, so two senders cannot both take the last room; announced once
   * committed.
   */
  private fanOut(sender: Agent, out: FanOut): SentToMany {
    const { message, recipients, full } = this.db
      .transaction(() => {
        const candidates = out.candidates();
        const recipients = candidates.filter((a) => !this.quota.noRoom(sender, a, out.bytes));
        const full = candidates.filter((a) => !recipients.includes(a)).map((a) => a.name);
        if (!recipients.length && out.refuseUnreceived) throw out.refuseUnreceived(full);
        const message = this.writer.insert(sender, out.scope, recipients, out.body, out.opts);
        return { message, recipients, full };
      })
      .immediate();
    this.announce(message, recipients);
    return { message, recipients: recipients.length, full };
  }

  subscribe(agent: Agent, topic: string): boolean {
    return this.topics.subscribe(agent, topic);
  }

  unsubscribe(agent: Agent, topic: string): boolean {
    return this.topics.unsubscribe(agent, topic);
  }

  topicsOf(agent: Agent): string[] {
    return this.topics.topicsOf(agent);
  }

  /** Unread mail, oldest first. With markRead (the default) it is marked read in the same transaction. */
  inbox(
    agent: Agent,
    opts: { limit?: number; markRead?: boolean } = {},
  ): { items: InboxItem[]; remaining: number } {
    return this.mailbox.inbox(agent, opts);
  }

  unreadCount(agentId: number): number {
    return this.mailbox.unreadCount(agentId);
  }

  unreadCounts(): Map<number, number> {
    return this.mailbox.unreadCounts();
  }

  /** Who the unread mail is from, for a wake prompt; `queued` counts mail no wake has announced yet. */
  unreadSummary(agentId: number): { total: number; queued: number; senders: string[] } {
    return this.mailbox.unreadSummary(agentId);
  }

  /** A new terminal for the agent: its woken mail counts as unannounced again (Mailbox.requeueWoken). */
  requeueWoken(agentId: number, only?: readonly number[]): number[] {
    return this.mailbox.requeueWoken(agentId, only);
  }

  /** Unread mail no wake prompt has announced yet, oldest first. */
  queuedFor(agentId: number): QueuedMail[] {
    return this.mailbox.queuedFor(agentId);
  }

  /** Announced, and how: the mail is no longer queued, and no other wake announces it again. */
  markWoken(agentId: number, messageIds: number[], via: DeliveryVia): void {
    this.mailbox.markWoken(agentId, messageIds, via);
  }

  /** The recipient's delivery of each of these direct messages (the person's view of the history). */
  deliveriesOf(messageIds: number[]): Map<number, MessageDelivery[]> {
    return this.past.deliveriesOf(messageIds);
  }

  /** The latest announced deliveries, newest first: how mail reached agents, and how soon it was read. */
  recentDeliveries(limit: number): Array<MessageDelivery & { messageId: number; from: string }> {
    return this.past.recentDeliveries(limit);
  }

  /**
   * Messages visible to `viewer` (sent or received), newest first. `with` narrows to the direct
   * conversation with one agent; `topic` to a topic. A null viewer (the person's admin view) sees all.
   */
  history(viewer: Agent | null, query: HistoryQuery = {}): Message[] {
    return this.past.history(viewer, query);
  }

  recentActivity(limit: number): ActivityItem[] {
    return this.past.recentActivity(limit);
  }
}

function nobodyToReceive(full: string[]): StudioError {
  return new StudioError(
    'conflict',
    full.length
      ? `Nobody can take a broadcast now: every inbox is full or holds your share of unread mail ` +
          `(${full.join(', ')}). Nothing was sent. They take more once they read their mail; send a short note later or put long content in a file.`
      : 'There is nobody else in the studio to receive a broadcast. Nothing was sent.',
  );
}
