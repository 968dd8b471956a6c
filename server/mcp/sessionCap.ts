// How many sessions and event streams one agent may hold: past either cap its oldest go first.
import type { McpSession } from './mcpSession.js';

/**
 * One Claude Code keeps one session; reconnects and one-shot clients (the Inspector CLI opens one
 * per call) add more. Past this many, an agent's least recently used session is closed.
 */
export const MAX_SESSIONS_PER_AGENT = 8;
/**
 * Event streams (an SSE GET held open) one agent may hold at once. Claude Code holds one; a
 * reconnect or two may overlap. Past this the agent's oldest stream is closed: 1,500 streams on
 * one token were once all kept (+170 MB, 1,529 descriptors).
 */
export const MAX_STREAMS_PER_AGENT = 4;

/**
 * Makes room for one more session among an agent's `mine` by closing its least recently used.
 * Sessions a client holds a stream on are left to capStreams: some clients do not re-initialize
 * after a 404 and would lose their tools until restarted.
 */
export function capSessions(mine: readonly McpSession[], max = MAX_SESSIONS_PER_AGENT): void {
  const excess = mine.length - max + 1;
  if (excess <= 0) return;
  const evictable = mine.filter((s) => !s.streaming()).sort((a, b) => a.lastUsed - b.lastUsed);
  for (const s of evictable.slice(0, excess)) void s.close();
}

/** Makes room for one more event stream among an agent's `mine` by closing its oldest. */
export function capStreams(mine: readonly McpSession[], max = MAX_STREAMS_PER_AGENT): void {
  const open = mine.filter((s) => s.streaming()).sort((a, b) => a.streamSince - b.streamSince);
  for (const s of open.slice(0, Math.max(0, open.length - max + 1))) void s.close();
}
