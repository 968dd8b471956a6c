// How a delivery is told to the person, the same words in the feed, `ccstudio status` and the
// tile: how the studio announced the mail, and how soon it was read.
import type { AgentBudget, DeliveryVia, MessageDelivery } from './model.js';

export const VIA_WORDS: Record<DeliveryVia, string> = {
  typed: 'typed at its prompt',
  turn_end: 'at the end of its turn',
  mid_turn: 'mid-turn',
  rewake: 'woken by its hook, nothing typed',
  resume: 'as its session resumed, nothing typed',
};

/** A gap as a person reads it: "800 ms", "3 s", "2 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** "at the end of its turn, read 3 s after delivery"; "queued" for mail not announced yet. */
export function describeDelivery(d: Pick<MessageDelivery, 'state' | 'via' | 'wokenAt' | 'readAt'>): string {
  if (d.state === 'queued') return 'queued';
  // Read before any notice announced it (it checked its inbox by itself).
  if (!d.via || d.wokenAt === null) return d.readAt === null ? 'announced, not read yet' : 'read';
  const how = VIA_WORDS[d.via];
  if (d.readAt === null) return `${how}, not read yet`;
  return `${how}, read ${duration(d.readAt - d.wokenAt)} after delivery`;
}

/** "500k tokens or 20 turns an hour". */
export function describeBudget(b: AgentBudget): string {
  const parts = [
    b.tokensPerHour !== undefined ? `${compactCount(b.tokensPerHour)} tokens` : '',
    b.turnsPerHour !== undefined ? `${b.turnsPerHour} turn${b.turnsPerHour === 1 ? '' : 's'}` : '',
  ];
  return `${parts.filter(Boolean).join(' or ')} an hour`;
}

/** "12.3k" for token counts on a tile or a status line. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "230 MB" for an agent's memory on a tile or a status line (MB of 2^20 bytes, as `ps` and top show). */
export function formatBytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  if (mb < 10) return `${mb.toFixed(1)} MB`;
  if (mb < 10_240) return `${Math.round(mb)} MB`;
  return `${(mb / 1024).toFixed(1)} GB`;
}
