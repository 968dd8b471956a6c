// Storing a message: its row and one delivery per recipient, written inside the caller's
// transaction, and the one check on what it answers. Who receives it, and whether they have room,
// the caller has decided (MessageBus).
import { StudioError } from '../../contract/errors.js';
import { UNRECEIVED_MESSAGE_RETENTION_MS } from '../../contract/limits.js';
import type { Agent, Message, MessageScope, MessageType } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import { toMessage, type MessageRow } from './messageRows.js';

export interface SendOptions {
  type?: MessageType;
  replyTo?: number;
  taskId?: number;
  /** Announced to a busy recipient at its next tool call, not only at its turn's end. */
  urgent?: boolean;
}

export class MessageWriter {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.stmts = {
      insertMessage: db.prepare(
        `INSERT INTO messages (sender_id, scope, type, topic, body, reply_to, task_id, created_at, recipient_id, urgent, bytes, expires_at)
         VALUES (@sender_id, @scope, @type, @topic, @body, @reply_to, @task_id, @created_at, @recipient_id, @urgent, @bytes, @expires_at)`,
      ),
      insertDelivery: db.prepare('INSERT INTO deliveries (agent_id, message_id, bytes) VALUES (?, ?, ?)'),
      canSee: db.prepare(
        `SELECT 1 FROM messages m WHERE m.id = @id AND (m.sender_id = @agent
           OR EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.agent_id = @agent))`,
      ),
    };
  }

  /** Refuses a reply to a message `sender` neither sent nor received. */
  checkReply(sender: Agent, replyTo: number | undefined): void {
    if (replyTo === undefined) return;
    if (!this.stmts.canSee.get({ id: replyTo, agent: sender.id })) {
      throw new StudioError(
        'not_found',
        `No message #${replyTo} in your history; check get_history for its id.`,
      );
    }
  }

  /** Must run inside the caller's transaction. */
  insert(
    sender: Agent,
    scope: MessageScope,
    recipients: Agent[],
    body: string,
    opts: SendOptions & { topic?: string },
  ): Message {
    // One reading of the clock: the stored time and the one returned (and announced) agree.
    const now = this.clock.now();
    const bytes = Buffer.byteLength(body, 'utf8');
    const row: Omit<MessageRow, 'id'> = {
      sender_id: sender.id,
      scope,
      type: opts.type ?? 'text',
      topic: opts.topic ?? null,
      body,
      reply_to: opts.replyTo ?? null,
      task_id: opts.taskId ?? null,
      created_at: now,
      recipient_id: scope === 'direct' ? recipients[0]!.id : null,
      urgent: opts.urgent ? 1 : 0,
    };
    // Received by nobody (a topic nobody follows): kept a while for the topic's history.
    const expires_at = recipients.length ? null : now + UNRECEIVED_MESSAGE_RETENTION_MS;
    const id = Number(this.stmts.insertMessage.run({ ...row, bytes, expires_at }).lastInsertRowid);
    for (const r of recipients) this.stmts.insertDelivery.run(r.id, id, bytes);
    const to = scope === 'direct' ? recipients.map((r) => r.name) : [];
    return toMessage({ ...row, id }, { from: sender.name, to });
  }
}
