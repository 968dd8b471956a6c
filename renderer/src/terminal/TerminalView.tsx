import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../app/StudioContext.js';
import { registerTileText, renderStats } from './stats.js';
import { animationFrames, WriteScheduler } from './writeScheduler.js';

/** One scheduler for every tile in the window: the frame budget is shared. */
const scheduler = new WriteScheduler(animationFrames);

/** Scrollback a tile keeps; the studio's mirror keeps 2,000 lines for a late attach. */
const TILE_SCROLLBACK_LINES = 5000;
/** A resize is sent once the tile has stopped changing size for this long (drags, layout flips). */
const RESIZE_SETTLE_MS = 60;

const THEME = {
  background: '#0d1117',
  foreground: '#d1d7e0',
  cursor: '#d1d7e0',
  selectionBackground: '#264f78',
};

/** Software GL (Chromium's SwiftShader, Mesa's llvmpipe) draws slower than the DOM renderer. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

let webglVerdict: boolean | undefined;
/**
 * Whether tiles should draw with WebGL: a GPU-backed context must exist. `?renderer=dom|webgl`
 * in the page address overrides it (for comparisons and for machines that misreport).
 */
export function useWebgl(): boolean {
  const forced = new URLSearchParams(window.location.search).get('renderer');
  if (forced === 'dom') return false;
  if (forced === 'webgl') return true;
  if (webglVerdict === undefined) {
    try {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      const name = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
      webglVerdict = !!gl && !SOFTWARE_GL.test(name);
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
    } catch {
      webglVerdict = false;
    }
  }
  return webglVerdict;
}

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
  const [renderer, setRenderer] = useState<'webgl' | 'dom'>('dom');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const stats = renderStats();
    const term = new Terminal({
      allowProposedApi: true,
      scrollback: TILE_SCROLLBACK_LINES,
      fontSize: 12,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      theme: THEME,
      cursorBlink: false,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    const unicode = new Unicode11Addon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(unicode);
    term.unicode.activeVersion = '11';
    term.loadAddon(
      new WebLinksAddon((_event, uri) => {
        if (/^https?:\/\//i.test(uri)) window.open(uri, '_blank', 'noopener,noreferrer');
      }),
    );
    term.open(el);
    let kind: 'webgl' | 'dom' = 'dom';
    try {
      if (!useWebgl()) throw new Error('no GPU-backed WebGL');
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        // The GPU went away (driver reset, too many contexts): keep drawing with the DOM renderer.
        webgl.dispose();
        stats.webglTiles--;
        stats.domTiles++;
        setRenderer('dom');
      });
      term.loadAddon(webgl);
      kind = 'webgl';
    } catch {
      kind = 'dom';
    }
    if (kind === 'webgl') stats.webglTiles++;
    else stats.domTiles++;
    setRenderer(kind);
    el.dataset.renderer = kind;

    let disposed = false;
    let sized = { cols: 0, rows: 0 };
    const sendSize = () => {
      if (disposed) return;
      const d = fit.proposeDimensions();
      if (!d || !Number.isFinite(d.cols) || !Number.isFinite(d.rows)) return;
      const cols = Math.max(20, d.cols);
      const rows = Math.max(5, d.rows);
      if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
      if (cols === sized.cols && rows === sized.rows) return;
      sized = { cols, rows };
      client.resizeTerminal(name, cols, rows).catch(() => {});
    };
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(sendSize, RESIZE_SETTLE_MS);
    });
    observer.observe(el);

    const outputSub = client.onDidOutput((o) => {
      if (o.agentId !== agentId || disposed) return;
      if (o.reset) {
        // What is still queued belongs to the screen being replaced (an attach, a new process, or a
        // snapshot after the window was hidden): drawing it first would only cost time.
        scheduler.forget(term);
        scheduler.run(term, () => term.reset());
      }
      if (o.snapshot) {
        const size = o.snapshot;
        scheduler.run(term, () => {
          sized = { cols: 0, rows: 0 };
          term.resize(size.cols, size.rows);
        });
      }
      const live = !o.snapshot;
      scheduler.write(term, o.data, (chars) => {
        stats.charsDrawn += chars;
        if (live && !disposed) client.ackOutput(agentId, chars);
      });
      // Drawn at the PTY's size; now make the PTY fit this tile.
      if (o.snapshot) scheduler.run(term, () => term.write('', sendSize));
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
      for (let i = 0; i < term.rows; i++)
        lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
      return lines.join('\n');
    });

    onReady?.({
      focus: () => term.focus(),
      find: (text, backwards) =>
        backwards ? search.findPrevious(text) : search.findNext(text, { incremental: true }),
    });

    return () => {
      disposed = true;
      unregisterText();
      scheduler.forget(term);
      clearTimeout(resizeTimer);
      observer.disconnect();
      outputSub.dispose();
      inputSub.dispose();
      client.detachTerminal(name).catch(() => {});
      if (kind === 'webgl') stats.webglTiles--;
      else stats.domTiles--;
      term.dispose();
    };
    // onReady/onError are callbacks from the parent; a new one must not re-attach the terminal.
  }, [client, agentId, name, attachKey]);

  return <div className="terminal" ref={host} data-testid={`terminal-${name}`} data-renderer={renderer} />;
}
