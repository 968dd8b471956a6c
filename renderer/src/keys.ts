import type { UiCommand } from '../../main/contract/pipe.js';

/**
 * Browser-mode shortcuts, the same commands the desktop menu sends. Alt is the modifier:
 * a browser keeps Ctrl+digit and Ctrl+N for its own tabs and windows.
 */
export function commandForKey(
  e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code'>,
): UiCommand | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (digit) return { type: 'focusTile', index: Number(digit[1]) - 1 };
  if (e.shiftKey) return e.code === 'KeyA' ? { type: 'addAgent' } : null;
  switch (e.code) {
    case 'KeyB':
      return { type: 'showBoard' };
    case 'KeyN':
      return { type: 'newTask' };
    case 'KeyL':
      return { type: 'toggleLayout' };
    default:
      return null;
  }
}
