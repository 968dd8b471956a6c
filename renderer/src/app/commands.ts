// The window's commands (focus a tile, show the board, new task, add agent, switch the layout):
// from the desktop menu through the studio's pipe, and in browser mode from the keyboard too.
import { useCallback, useEffect, type Dispatch, type SetStateAction } from 'react';
import type { StudioClient, UiCommand } from '../../../main/contract/pipe.js';
import type { Layout } from '../components/tiles/Tiles.js';
import { commandForKey } from './keys.js';
import type { AgentView } from '../state/studioState.js';
import type { TerminalHandle } from '../terminal/TerminalView.js';
import type { SavedLayout } from './layout.js';

export interface CommandTargets {
  /** The tiles in order: focusTile's index counts from the first. */
  agents: readonly AgentView[];
  layout: Layout;
  saved: SavedLayout;
  setSaved: Dispatch<SetStateAction<SavedLayout>>;
  select(name: string): void;
  open(dialog: 'newTask' | 'addAgent'): void;
  /** The person's queue, at an item or an agent's first when given. */
  openQueue(focus?: string): void;
  /** The tiles' terminals by agent name, to focus one. */
  terminals: ReadonlyMap<string, TerminalHandle>;
}

/** Runs commands as they come; returns the runner for the window's own buttons. */
export function useCommands(
  client: StudioClient,
  keyboard: boolean,
  { agents, layout, saved, setSaved, select, open, openQueue, terminals }: CommandTargets,
): (command: UiCommand) => void {
  const runCommand = useCallback(
    (command: UiCommand) => {
      switch (command.type) {
        case 'focusTile': {
          const agent = agents[command.index];
          if (!agent) return;
          select(agent.name);
          if (saved.maximized) setSaved((s) => ({ ...s, maximized: agent.name }));
          // After the list layout has swapped the terminal in.
          setTimeout(() => terminals.get(agent.name)?.focus(), 0);
          return;
        }
        case 'showBoard':
          return setSaved((s) => ({ ...s, boardOpen: !s.boardOpen }));
        case 'newTask':
          return open('newTask');
        case 'addAgent':
          return open('addAgent');
        case 'toggleLayout':
          return setSaved((s) => ({ ...s, layout: layout === 'grid' ? 'list' : 'grid' }));
        case 'openQueue':
          return openQueue(command.focus);
      }
    },
    // What else it uses keeps its identity, or only calls what does (state setters).
    [agents, layout, saved.maximized],
  );
  useEffect(() => {
    const sub = client.onDidCommand(runCommand);
    // Browser mode: the same commands from the keyboard (the desktop menu sends them itself).
    const onKey = (e: KeyboardEvent) => {
      const command = keyboard ? commandForKey(e) : null;
      if (!command) return;
      e.preventDefault();
      e.stopPropagation();
      runCommand(command);
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      sub.dispose();
      window.removeEventListener('keydown', onKey, true);
    };
  }, [client, runCommand, keyboard]);
  return runCommand;
}
