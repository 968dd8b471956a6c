// Counters the render benchmark and the tests read from the page (window.__studioStats).

export interface RenderStats {
  /** Characters of agent output written into tiles and parsed by xterm. */
  charsDrawn: number;
  /** Tiles drawing with WebGL, and with the DOM renderer after WebGL was unavailable. */
  webglTiles: number;
  domTiles: number;
}

declare global {
  interface Window {
    __studioStats?: RenderStats;
  }
}

export function renderStats(): RenderStats {
  window.__studioStats ??= { charsDrawn: 0, webglTiles: 0, domTiles: 0 };
  return window.__studioStats;
}
