import { MAX_PAGE_ITEMS } from '../../contract/limits.js';

/**
 * How many items a page holds when asked for `limit`: a whole number from 1 to MAX_PAGE_ITEMS, or
 * `fallback` when not asked. Every paged read (a history, an inbox, the board) takes it from here.
 */
export function clampPageLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.max(1, Math.min(MAX_PAGE_ITEMS, Math.floor(limit)));
}
