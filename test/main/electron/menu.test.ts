// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import { studioMenuItems } from '../../../main/electron/menu.js';

describe('studio menu', () => {
  it('has the five actions and nine tile shortcuts, each a UiCommand', () => {
    const items = studioMenuItems('darwin');
    expect(items.slice(0, 5).map((i) => [i.label, i.accelerator, i.command.type])).toEqual([
      ['Board', 'Cmd+B', 'showBoard'],
      ['New task', 'Cmd+N', 'newTask'],
      ['Add agent', 'Cmd+Shift+A', 'addAgent'],
      ['Toggle grid / list', 'Cmd+L', 'toggleLayout'],
      ['Queue', 'Cmd+Shift+U', 'openQueue'],
    ]);
    expect(items.slice(5).map((i) => [i.label, i.accelerator, i.command])).toEqual(
      Array.from({ length: 9 }, (_, i) => [`Tile ${i + 1}`, `Cmd+${i + 1}`, { type: 'focusTile', index: i }]),
    );
  });

  it('leaves Ctrl and plain Alt+letter to the terminals off the Mac, as browser mode does', () => {
    const accelerators = studioMenuItems('linux').map((i) => i.accelerator);
    expect(accelerators.slice(0, 5)).toEqual([
      'Alt+Shift+B',
      'Alt+Shift+N',
      'Alt+Shift+A',
      'Alt+Shift+L',
      'Alt+Shift+Q',
    ]);
    expect(accelerators.slice(5)).toEqual(Array.from({ length: 9 }, (_, i) => `Alt+${i + 1}`));
  });
});
