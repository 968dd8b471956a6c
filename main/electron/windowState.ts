// The window's size and place between runs: what was saved, checked against the displays there are now.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximized) bounds, so un-maximizing after a restart lands somewhere sane. */
  bounds: Rect;
  maximized: boolean;
}

/** First launch, or a saved state that no longer fits any display. */
export const DEFAULT_WINDOW_SIZE = { width: 1400, height: 900 };
/** Smaller than this is not a layout anyone chose; the window would be unusable. */
export const MIN_WINDOW_SIZE = { width: 640, height: 400 };
/** Larger than any real display arrangement: a value this big is a corrupted file. */
const MAX_COORDINATE = 100_000;
/** How much of the window's top strip must lie on one display for the person to grab and move it. */
const GRAB_STRIP = { width: 100, height: 30 };

const isInt = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_COORDINATE;

/** Reads window-state.json; anything malformed or implausible counts as no saved state. */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const { bounds, maximized } = raw as { bounds?: Partial<Rect>; maximized?: unknown };
  if (!bounds || typeof bounds !== 'object') return undefined;
  const { x, y, width, height } = bounds;
  if (!isInt(x, -MAX_COORDINATE) || !isInt(y, -MAX_COORDINATE)) return undefined;
  if (!isInt(width, MIN_WINDOW_SIZE.width) || !isInt(height, MIN_WINDOW_SIZE.height)) return undefined;
  return { bounds: { x, y, width, height }, maximized: maximized === true };
}

export function serializeWindowState(state: WindowState): string {
  return JSON.stringify(state, null, 2) + '\n';
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where to open the window given the saved state and the displays' work areas now: the saved
 * bounds if the title strip is on a display (shrunk to fit it), otherwise no bounds (Electron
 * centres a default-sized window). A display that went away must not strand the window.
 */
export function restoreWindowState(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
): { bounds?: Rect; maximized: boolean } {
  if (!saved) return { maximized: false };
  const { bounds } = saved;
  const strip: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRAB_STRIP.height };
  const host = workAreas.find((area) => {
    const o = overlap(strip, area);
    return o.width >= GRAB_STRIP.width && o.height >= GRAB_STRIP.height;
  });
  if (!host) return { maximized: saved.maximized };
  return {
    bounds: {
      x: bounds.x,
      y: bounds.y,
      width: Math.min(bounds.width, Math.max(host.width, MIN_WINDOW_SIZE.width)),
      height: Math.min(bounds.height, Math.max(host.height, MIN_WINDOW_SIZE.height)),
    },
    maximized: saved.maximized,
  };
}
