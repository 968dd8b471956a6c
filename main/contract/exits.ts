// How an agent's exit is judged and said, the same in the core, the UI and the CLI. Pure.

/** An exit this soon after a start is "at once": the program never got going. */
export const QUICK_EXIT_MS = 10_000;
/** After this many quick exits in a row the studio stops restarting the agent. */
export const MAX_QUICK_EXITS = 3;

/** "exited with code 1 after 0.4 s", "was killed by signal 9 after 2 min". */
export function describeExit(e: { code: number | null; signal: number | null; ranMs: number }): string {
  const how = e.signal ? `was killed by signal ${e.signal}` : `exited with code ${e.code ?? '?'}`;
  return `${how} after ${formatDuration(e.ranMs)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3600_000)} h`;
}
