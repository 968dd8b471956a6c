// A message's and a delivery's rows as SQLite holds them, and the one mapping of each to the
// contract's shape. A row holds agents' ids; their names come from the caller.
import type {
  DeliveryState,
  DeliveryVia,
  Message,
  MessageDelivery,
  MessageScope,
  MessageType,
} from '../../contract/model.js';

export interface MessageRow {
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

export interface DeliveryRow {
  message_id: number;
  agent_id: number;
  state: DeliveryState;
  via: DeliveryVia | null;
  woken_at: number | null;
  read_at: number | null;
}

/** An agent's name by its id, removed agents' too (BusAgents.nameOf). */
export type NameOf = (id: number) => string;

/** A message as the contract shows it; `from` and `to` are its sender's and direct recipient's names. */
export function toMessage(r: MessageRow, names: { from: string; to: string[] }): Message {
  return {
    id: r.id,
    from: names.from,
    scope: r.scope,
    type: r.type,
    to: names.to,
    topic: r.topic,
    body: r.body,
    replyTo: r.reply_to,
    taskId: r.task_id,
    createdAt: r.created_at,
    ...(r.urgent ? { urgent: true as const } : {}),
  };
}

/** A stored message, its agents named by `nameOf`. */
export function messageOf(r: MessageRow, nameOf: NameOf): Message {
  const to = r.scope === 'direct' && r.recipient_id !== null ? [nameOf(r.recipient_id)] : [];
  return toMessage(r, { from: nameOf(r.sender_id), to });
}

export function deliveryOf(r: DeliveryRow, nameOf: NameOf): MessageDelivery {
  return {
    to: nameOf(r.agent_id),
    state: r.state,
    via: r.via,
    wokenAt: r.woken_at,
    readAt: r.read_at,
  };
}
