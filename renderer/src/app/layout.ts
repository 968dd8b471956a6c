import { useEffect, useState } from 'react';
import { LIST_LAYOUT_FROM, type Layout } from '../components/tiles/Tiles.js';

/** Where the window keeps its layout between runs (both modes have localStorage). */
const LAYOUT_KEY = 'ccstudio.layout';

/** The window's layout as the person left it. */
export interface SavedLayout {
  layout: 'auto' | Layout;
  boardOpen: boolean;
  maximized: string | null;
}

function loadLayout(): SavedLayout {
  const fallback: SavedLayout = { layout: 'auto', boardOpen: true, maximized: null };
  try {
    const saved = JSON.parse(
      window.localStorage.getItem(LAYOUT_KEY) ?? 'null',
    ) as Partial<SavedLayout> | null;
    if (!saved || typeof saved !== 'object') return fallback;
    return {
      layout: saved.layout === 'grid' || saved.layout === 'list' ? saved.layout : 'auto',
      boardOpen: saved.boardOpen !== false,
      maximized: typeof saved.maximized === 'string' ? saved.maximized : null,
    };
  } catch {
    return fallback;
  }
}

/** The saved layout, written back on every change. */
export function useSavedLayout() {
  const [saved, setSaved] = useState(loadLayout);
  useEffect(() => window.localStorage.setItem(LAYOUT_KEY, JSON.stringify(saved)), [saved]);
  return [saved, setSaved] as const;
}

/** Grid or list: the person's choice, else a list from LIST_LAYOUT_FROM agents. */
export const layoutFor = (saved: SavedLayout, agents: number): Layout =>
  saved.layout === 'auto' ? (agents >= LIST_LAYOUT_FROM ? 'list' : 'grid') : saved.layout;
