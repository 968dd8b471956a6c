// Each inbox's quota of unread mail: what one sender may leave unread in any inbox, and what an
// agent's inbox may hold in all (the person's has no overall bound). Counted from the deliveries
// themselves, inside the transaction that writes, so two senders cannot both take the last room.
import {
  MAX_UNREAD_BYTES,
  MAX_UNREAD_BYTES_FROM_ONE_SENDER,
  MAX_UNREAD_FROM_ONE_SENDER,
  MAX_UNREAD_MESSAGES,
} from '../../contract/limits.js';
import type { Agent } from '../../contract/model.js';
import type { Db } from '../store/database.js';

/** An inbox's unread mail: in all, and the part from one sender. */
export interface UnreadLoad {
  n: number;
  bytes: number;
  mine: number;
  mineBytes: number;
}

const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

/**
 * Why `recipient`, holding `load`, cannot take one more unread message of `bytes` from that
 * sender, or undefined: a sender's share of any inbox, and for agents the inbox's whole quota.
 */
export function noRoomReason(
  load: UnreadLoad,
  recipient: Pick<Agent, 'name' | 'kind'>,
  bytes: number,
): string | undefined {
  const later = `It takes more once ${recipient.name} reads its mail; until then, send a short note later or put long content in a file.`;
  if (load.mine >= MAX_UNREAD_FROM_ONE_SENDER || load.mineBytes + bytes > MAX_UNREAD_BYTES_FROM_ONE_SENDER) {
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

export class InboxQuota {
  private readonly unreadLoad;

  constructor(db: Db) {
    // sender_id sits before the body in a message row: reading it never touches the body's pages.
    this.unreadLoad = db.prepare(
      `SELECT count(*) AS n, coalesce(sum(d.bytes), 0) AS bytes,
         coalesce(sum(m.sender_id = @sender), 0) AS mine,
         coalesce(sum(CASE WHEN m.sender_id = @sender THEN d.bytes ELSE 0 END), 0) AS mineBytes
       FROM deliveries d INDEXED BY deliveries_unread JOIN messages m ON m.id = d.message_id
       WHERE d.agent_id = @recipient AND d.state <> 'read'`,
    );
  }

  /** Why `recipient` cannot take one more unread message of `bytes` from `sender` (noRoomReason). */
  noRoom(sender: Agent, recipient: Agent, bytes: number): string | undefined {
    const load = this.unreadLoad.get({ recipient: recipient.id, sender: sender.id }) as UnreadLoad;
    return noRoomReason(load, recipient, bytes);
  }
}
