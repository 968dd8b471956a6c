// A tile's xterm.js terminal: its addons (fit, search, Unicode 11, web links), drawn with WebGL
// where a GPU draws faster than the DOM renderer.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { RenderStats } from './stats.js';

/** Scrollback a tile keeps; the studio's mirror keeps 2,000 lines for a late attach. */
const TILE_SCROLLBACK_LINES = 5000;

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
function webglDrawsFaster(): boolean {
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

export type RendererKind = 'webgl' | 'dom';

export interface TileTerminal {
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** What it draws with (counted in the page's render stats until disposed). */
  renderer: RendererKind;
  dispose(): void;
}

/** A terminal opened in `el`; `onDomFallback` hears when the GPU went away and the DOM draws instead. */
export function openTerminal(el: HTMLElement, stats: RenderStats, onDomFallback: () => void): TileTerminal {
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
  const renderer = loadWebgl(term, stats, onDomFallback) ? 'webgl' : 'dom';
  if (renderer === 'webgl') stats.webglTiles++;
  else stats.domTiles++;
  return {
    term,
    fit,
    search,
    renderer,
    dispose: () => {
      if (renderer === 'webgl') stats.webglTiles--;
      else stats.domTiles--;
      term.dispose();
    },
  };
}

/** Draws with WebGL if it is worth it and works; false leaves the DOM renderer. */
function loadWebgl(term: Terminal, stats: RenderStats, onDomFallback: () => void): boolean {
  if (!webglDrawsFaster()) return false;
  try {
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => {
      // The GPU went away (driver reset, too many contexts): keep drawing with the DOM renderer.
      webgl.dispose();
      stats.webglTiles--;
      stats.domTiles++;
      onDomFallback();
    });
    term.loadAddon(webgl);
    return true;
  } catch {
    return false;
  }
}
