// Per-agent hourly budgets for what an agent's own tools store (the messages it sends, the task
// changes it makes). Like the unread quota, a budget is counted from the stored rows themselves in
// the synchronous call that writes: nothing to keep in step, nothing forgotten at a restart, and
// two calls cannot both take the last room. The window slides: an hour is always the last hour, so
// no agent gets twice its budget across a boundary, and a refusal can say exactly when room frees.
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import {
  MAX_SENT_BYTES_PER_HOUR,
  MAX_SENT_MESSAGES_PER_HOUR,
  MAX_TASK_BYTES_PER_HOUR,
  MAX_TASK_WRITES_PER_HOUR,
  QUOTA_WINDOW_MS,
} from '../../contract/limits.js';
import type { Agent, QuotaKind } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';

/** Rows and bytes one agent may store in any QUOTA_WINDOW_MS. */
export interface Budget {
  rows: number;
  bytes: number;
}

export type WriteBudgets = Record<QuotaKind, Budget>;

export const DEFAULT_WRITE_BUDGETS: WriteBudgets = {
  messages: { rows: MAX_SENT_MESSAGES_PER_HOUR, bytes: MAX_SENT_BYTES_PER_HOUR },
  tasks: { rows: MAX_TASK_WRITES_PER_HOUR, bytes: MAX_TASK_BYTES_PER_HOUR },
};

/** One stored row a budget counts: when it was written, and its size. */
export interface Write {
  at: number;
  bytes: number;
}

/** Where a budget reads what an agent stored: its owner's own table, through an index. */
export interface BudgetLedger {
  /** Rows and bytes the agent stored after `since`. */
  spent(agentId: number, since: number): { n: number; bytes: number };
  /** Those rows, oldest first: read only to say when room frees. */
  writes(agentId: number, since: number): Write[];
}

/** Where an owner's table keeps who stored each row; the names are the owner's constants, never input. */
export interface LedgerTable {
  table: string;
  /** An index on (actor, created_at): a check reads only the actor's last hour. */
  index: string;
  /** The column naming the agent who stored the row. */
  actor: string;
}

/** The ledger of a table whose rows carry `created_at` and `bytes`, read through its actor index. */
export function tableLedger(db: Db, from: LedgerTable): BudgetLedger {
  const rows = `FROM ${from.table} INDEXED BY ${from.index} WHERE ${from.actor} = ? AND created_at > ?`;
  const spent = db.prepare(`SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes ${rows}`);
  const writes = db.prepare(`SELECT created_at AS at, bytes ${rows} ORDER BY created_at`);
  return {
    spent: (agentId, since) => spent.get(agentId, since) as { n: number; bytes: number },
    writes: (agentId, since) => writes.all(agentId, since) as Write[],
  };
}

const WORDS: Record<QuotaKind, { did: string; may: string; unit: string; none: string; meanwhile: string }> =
  {
    messages: {
      did: 'sent',
      may: 'send',
      unit: 'messages',
      none: 'Nothing was sent.',
      meanwhile: 'Meanwhile put long content in a file and send its path, and gather short notes into one.',
    },
    tasks: {
      did: 'made',
      may: 'make',
      unit: 'task changes',
      none: 'Nothing was changed.',
      meanwhile:
        'Meanwhile put long bodies and results in a file and give its path, and change a task once with all you have to say.',
    },
  };

const mb = (bytes: number): string =>
  bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
const clockTime = (ms: number): string => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

/**
 * When enough of an agent's `writes` (oldest first) have left the window that one more row of
 * `bytes` fits `budget`.
 */
export function roomAt(writes: readonly Write[], budget: Budget, bytes: number, windowMs: number): number {
  let n = writes.length;
  let total = writes.reduce((sum, w) => sum + w.bytes, 0);
  let at = 0;
  for (const w of writes) {
    if (n < budget.rows && total + bytes <= budget.bytes) break;
    n--;
    total -= w.bytes;
    at = w.at + windowMs;
  }
  return at;
}

/** One kind of an agent's writes, checked before each (see the file's head). */
export class WriteBudget {
  constructor(
    private readonly deps: {
      kind: QuotaKind;
      budget: Budget;
      ledger: BudgetLedger;
      clock: Clock;
      events: Emitter<StudioEvent>;
    },
  ) {}

  /**
   * Refuses one more row of `bytes` that would take `agent` past its budget for the last hour,
   * saying when room frees, and tells the person (a quota.refused event; AttentionWatch says it
   * once an hour). Call it in the same synchronous call that then writes. Never the person.
   */
  check(agent: Agent, bytes: number): void {
    if (agent.kind === 'person') return;
    const { kind, budget, ledger, clock } = this.deps;
    const now = clock.now();
    const since = now - QUOTA_WINDOW_MS;
    const spent = ledger.spent(agent.id, since);
    if (spent.n < budget.rows && spent.bytes + bytes <= budget.bytes) return;
    const resetsAt = Math.max(now, roomAt(ledger.writes(agent.id, since), budget, bytes, QUOTA_WINDOW_MS));
    const words = WORDS[kind];
    const detail =
      `${words.did} ${spent.n} ${words.unit} (${mb(spent.bytes)}) in the last hour; ` +
      `an agent may ${words.may} ${budget.rows} ${words.unit} or ${mb(budget.bytes)} an hour`;
    this.deps.events.fire({
      type: 'quota.refused',
      agentId: agent.id,
      agent: agent.name,
      kind,
      detail,
      resetsAt,
    });
    const minutes = Math.max(1, Math.ceil((resetsAt - now) / 60_000));
    throw new StudioError(
      'conflict',
      `You have ${detail}. ${words.none} There is room again in ${minutes} minute${minutes === 1 ? '' : 's'} ` +
        `(at ${clockTime(resetsAt)}), as your oldest leave the hour. ${words.meanwhile} The person has been told.`,
    );
  }
}
