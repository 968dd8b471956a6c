// The app menu and its shortcuts, and which tile a shortcut means.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.
import type { Agent } from '../contract/model.js';
import type { UiCommand } from '../contract/pipe.js';

export interface StudioMenuItem {
  label: string;
  accelerator: string;
  command: UiCommand;
}

/** Tiles 1-9 have a shortcut each; a crew bigger than that is reached with the mouse or the list. */
const SHORTCUT_TILES = 9;

/**
 * The "Studio" menu: each item sends one UiCommand down the pipe, the same ones browser mode
 * raises from keys. Cmd on a Mac; elsewhere Alt+digit and Alt+Shift+letter, because the menu
 * takes its keys before the terminals do, and Ctrl+B, Ctrl+L (Claude Code, shells) and plain
 * Alt+letter (readline's word moves) belong to them.
 */
export function studioMenuItems(platform: string = process.platform): StudioMenuItem[] {
  const mac = platform === 'darwin';
  const mod = mac ? 'Cmd' : 'Alt';
  const act = mac ? 'Cmd' : 'Alt+Shift';
  return [
    { label: 'Board', accelerator: `${act}+B`, command: { type: 'showBoard' } },
    { label: 'New task', accelerator: `${act}+N`, command: { type: 'newTask' } },
    { label: 'Add agent', accelerator: `${mod}+Shift+A`, command: { type: 'addAgent' } },
    { label: 'Toggle grid / list', accelerator: `${act}+L`, command: { type: 'toggleLayout' } },
    // Cmd+Q quits on a Mac: the queue takes Cmd+Shift+U ("up next") there.
    { label: 'Queue', accelerator: mac ? 'Cmd+Shift+U' : 'Alt+Shift+Q', command: { type: 'openQueue' } },
    ...Array.from({ length: SHORTCUT_TILES }, (_, i) => ({
      label: `Tile ${i + 1}`,
      accelerator: `${mod}+${i + 1}`,
      command: { type: 'focusTile', index: i } as UiCommand,
    })),
  ];
}

// ---- Notifications ------------------------------------------------------------------------

/**
 * The tile an agent has in the window, in the renderer's order (renderer/src/state/studioState.ts
 * tileAgents): local agents, commander first, then by id. -1 for an agent without a tile.
 */
export function tileIndex(agents: readonly Agent[], agentId: number): number {
  return agents
    .filter((a) => a.kind === 'agent' && !a.remote)
    .sort((a, b) => Number(b.commander) - Number(a.commander) || a.id - b.id)
    .findIndex((a) => a.id === agentId);
}
