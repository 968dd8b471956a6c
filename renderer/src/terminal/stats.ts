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
    /** A tile's visible text by agent name: the WebGL renderer draws to a canvas tests cannot read. */
    __studioTileText?: (name: string) => string | null;
  }
}

const tileTexts = new Map<string, () => string>();

/** Registers a tile's text reader; returns the unregister function. */
export function registerTileText(name: string, read: () => string): () => void {
  tileTexts.set(name, read);
  window.__studioTileText ??= (n) => tileTexts.get(n)?.() ?? null;
  return () => {
    if (tileTexts.get(name) === read) tileTexts.delete(name);
  };
}

export function renderStats(): RenderStats {
  window.__studioStats ??= { charsDrawn: 0, webglTiles: 0, domTiles: 0 };
  return window.__studioStats;
}
