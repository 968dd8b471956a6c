// The queue's keyboard: what a key does to the selected item. Pure: tested in
// test/renderer/queueKeys.test.ts.
import type { DeskItem } from '../../../../../main/contract/desk.js';

export type QueueAction =
  | { type: 'move'; by: 1 | -1 }
  | { type: 'allow' }
  | { type: 'deny' }
  | { type: 'choose'; number: number }
  | { type: 'release' }
  | { type: 'restart' }
  | { type: 'open' };

/**
 * j/k or the arrows move; a allows, d denies (the note field opens first), a digit chooses that
 * option, r releases a hold or restarts, Enter or o opens the item where it lives (the tile, the
 * review). A key the selected item does not take does nothing.
 */
export function queueKey(key: string, item: DeskItem | undefined): QueueAction | undefined {
  if (key === 'ArrowDown' || key === 'j') return { type: 'move', by: 1 };
  if (key === 'ArrowUp' || key === 'k') return { type: 'move', by: -1 };
  if (!item) return undefined;
  if (key === 'Enter' || key === 'o') return { type: 'open' };
  if (key === 'a' && item.answers.includes('allow')) return { type: 'allow' };
  if (key === 'd' && item.answers.includes('deny')) return { type: 'deny' };
  if (key === 'r' && item.answers.includes('release')) return { type: 'release' };
  if (key === 'r' && item.answers.includes('restart')) return { type: 'restart' };
  if (/^[1-9]$/.test(key) && item.answers.includes('choose')) {
    const number = Number(key);
    return item.options?.some((o) => o.number === number) ? { type: 'choose', number } : undefined;
  }
  return undefined;
}

/** The selection after the list changed: the same item if it is still there, else the one now in its place. */
export function keepSelection(
  items: readonly DeskItem[],
  previousId: string | null,
  previousIndex: number,
): number {
  const same = previousId ? items.findIndex((i) => i.id === previousId) : -1;
  if (same >= 0) return same;
  return Math.max(0, Math.min(previousIndex, items.length - 1));
}
