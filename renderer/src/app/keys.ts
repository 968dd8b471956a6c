import type { UiCommand } from '../../../main/contract/pipe.js';

/**
 * Browser-mode shortcuts, the same commands the desktop menu sends: Alt+1..9 for tiles and
 * Alt+Shift+letter for actions. Not Ctrl (the browser keeps Ctrl+digit and Ctrl+N, and the
 * terminals need Ctrl+B, Ctrl+L...), not plain Alt+letter (readline's word moves in a shell).
 */
export function commandForKey(
  e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code'>,
): UiCommand | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (digit) return { type: 'focusTile', index: Number(digit[1]) - 1 };
  if (!e.shiftKey) return null;
  switch (e.code) {
    case 'KeyA':
      return { type: 'addAgent' };
    case 'KeyB':
      return { type: 'showBoard' };
    case 'KeyN':
      return { type: 'newTask' };
    case 'KeyL':
      return { type: 'toggleLayout' };
    case 'KeyQ':
      return { type: 'openQueue' };
    default:
      return null;
  }
}
