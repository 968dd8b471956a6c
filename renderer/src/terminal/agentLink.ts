// A tile's terminal joined to its agent's PTY through the studio: output drawn in order at the
// pace of animation frames (and acknowledged once drawn), keys sent back, the PTY sized to fit.
import type { StudioClient } from '../../../main/contract/pipe.js';
import { registerTileText, type RenderStats } from './stats.js';
import { animationFrames, WriteScheduler } from './writeScheduler.js';
import type { TileTerminal } from './xterm.js';

/** One scheduler for every tile in the window: the frame budget is shared. */
const scheduler = new WriteScheduler(animationFrames);

/** A resize is sent once the tile has stopped changing size for this long (drags, layout flips). */
const RESIZE_SETTLE_MS = 60;
/** The smallest PTY a tile asks for, however small it is drawn. */
const MIN_COLS = 20;
const MIN_ROWS = 5;

export interface AgentLink {
  client: StudioClient;
  agentId: number;
  name: string;
  stats: RenderStats;
  onError?: ((message: string | null) => void) | undefined;
}

/** Attaches the terminal in `el` to the agent; returns what detaches it. */
export function linkToAgent(el: HTMLElement, { term, fit }: TileTerminal, link: AgentLink): () => void {
  const { client, agentId, name, stats, onError } = link;
  let disposed = false;
  const pty = fitPty(el, term, fit, (cols, rows) => {
    if (!disposed) client.resizeTerminal(name, cols, rows).catch(() => {});
  });
  const outputSub = client.onDidOutput((o) => {
    if (o.agentId !== agentId || disposed) return;
    if (o.reset) {
      // What is still queued belongs to the screen being replaced (an attach, a new process, or a
      // snapshot after the window was hidden): drawing it first would only cost time.
      scheduler.forget(term);
      scheduler.run(term, () => term.reset());
    }
    if (o.snapshot) {
      const drawn = o.snapshot;
      scheduler.run(term, () => {
        pty.forget();
        term.resize(drawn.cols, drawn.rows);
      });
    }
    const live = !o.snapshot;
    scheduler.write(term, o.data, (chars) => {
      stats.charsDrawn += chars;
      if (live && !disposed) client.ackOutput(agentId, chars);
    });
    // Drawn at the PTY's size; now make the PTY fit this tile.
    if (o.snapshot) scheduler.run(term, () => term.write('', pty.fit));
  });
  const inputSub = term.onData((data) => {
    client.terminalInput(name, data).catch((err: Error) => onError?.(err.message));
  });

  client
    .attachTerminal(name)
    .then(() => onError?.(null))
    .catch((err: Error) => onError?.(err.message));

  const unregisterText = registerTileText(name, () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < term.rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  });

  return () => {
    disposed = true;
    unregisterText();
    scheduler.forget(term);
    pty.dispose();
    outputSub.dispose();
    inputSub.dispose();
    client.detachTerminal(name).catch(() => {});
  };
}

/**
 * Keeps the PTY the size the tile draws: after the tile settles in a size, and on `fit()`;
 * `resize` hears each new size once (until `forget()`, when the PTY's size was set elsewhere).
 */
function fitPty(
  el: HTMLElement,
  term: TileTerminal['term'],
  fitAddon: TileTerminal['fit'],
  resize: (cols: number, rows: number) => void,
) {
  let sized = { cols: 0, rows: 0 };
  let disposed = false;
  const fit = () => {
    if (disposed) return;
    const d = fitAddon.proposeDimensions();
    if (!d || !Number.isFinite(d.cols) || !Number.isFinite(d.rows)) return;
    const cols = Math.max(MIN_COLS, d.cols);
    const rows = Math.max(MIN_ROWS, d.rows);
    if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
    if (cols === sized.cols && rows === sized.rows) return;
    sized = { cols, rows };
    resize(cols, rows);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(fit, RESIZE_SETTLE_MS);
  });
  observer.observe(el);
  return {
    fit,
    forget: () => {
      sized = { cols: 0, rows: 0 };
    },
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
      observer.disconnect();
    },
  };
}
