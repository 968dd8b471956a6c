import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../context/StudioContext.js';
import { linkToAgent } from './agentLink.js';
import { renderStats } from './stats.js';
import { openTerminal, type RendererKind } from './xterm.js';

export interface TerminalHandle {
  focus(): void;
  find(text: string, backwards?: boolean): boolean;
}

interface Props {
  agentId: number;
  name: string;
  /** Changes when the agent's process may have changed (so a failed attach is retried). */
  attachKey: string;
  onReady?: (handle: TerminalHandle) => void;
  onError?: (message: string | null) => void;
}

/**
 * One agent's live terminal: attaches to its PTY through the studio, draws every byte in order,
 * sends keys back, and resizes the PTY to fit the tile.
 */
export function TerminalView({ agentId, name, attachKey, onReady, onError }: Props) {
  const { client } = useStudio();
  const host = useRef<HTMLDivElement>(null);
  const [renderer, setRenderer] = useState<RendererKind>('dom');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const stats = renderStats();
    const terminal = openTerminal(el, stats, () => setRenderer('dom'));
    setRenderer(terminal.renderer);
    el.dataset.renderer = terminal.renderer;
    const unlink = linkToAgent(el, terminal, { client, agentId, name, stats, onError });
    onReady?.({
      focus: () => terminal.term.focus(),
      find: (text, backwards) =>
        backwards
          ? terminal.search.findPrevious(text)
          : terminal.search.findNext(text, { incremental: true }),
    });
    return () => {
      unlink();
      terminal.dispose();
    };
    // onReady/onError are callbacks from the parent; a new one must not re-attach the terminal.
  }, [client, agentId, name, attachKey]);

  return <div className="terminal" ref={host} data-testid={`terminal-${name}`} data-renderer={renderer} />;
}
