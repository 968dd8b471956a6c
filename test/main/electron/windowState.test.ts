// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import {
  parseWindowState,
  restoreWindowState,
  serializeWindowState,
  type Rect,
} from '../../../main/electron/windowState.js';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('window state', () => {
  it('round-trips what it saved', () => {
    const state = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true };
    expect(parseWindowState(serializeWindowState(state))).toEqual(state);
  });

  it('treats a missing, corrupted or implausible file as no saved state', () => {
    for (const text of [
      undefined,
      '',
      '{',
      'null',
      '[]',
      '"bounds"',
      '{"maximized":true}',
      '{"bounds":{"x":"10","y":0,"width":1200,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":1200.5,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":10,"height":10}}',
      '{"bounds":{"x":1e12,"y":0,"width":1200,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":1200,"height":1e9}}',
    ]) {
      expect(parseWindowState(text), String(text)).toBeUndefined();
    }
  });

  it('only true is maximized', () => {
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":800,"height":600},"maximized":"yes"}')).toEqual({
      bounds: { x: 0, y: 0, width: 800, height: 600 },
      maximized: false,
    });
  });

  it('restores bounds that are on a display, including a second one', () => {
    const onLaptop = { bounds: { x: 50, y: 40, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(onLaptop, [laptop])).toEqual(onLaptop);
    const onMonitor = { bounds: { x: 2200, y: 100, width: 1600, height: 1000 }, maximized: true };
    expect(restoreWindowState(onMonitor, [laptop, rightMonitor])).toEqual(onMonitor);
  });

  it('drops bounds off every display (an unplugged monitor) but keeps maximized', () => {
    const onMonitor = { bounds: { x: 2200, y: 100, width: 1600, height: 1000 }, maximized: true };
    expect(restoreWindowState(onMonitor, [laptop])).toEqual({ maximized: true });
    expect(restoreWindowState({ ...onMonitor, bounds: { ...onMonitor.bounds, x: -5000 } }, [laptop])).toEqual(
      {
        maximized: true,
      },
    );
  });

  it('drops bounds whose title bar cannot be grabbed: above the top, or a sliver at the edge', () => {
    const aboveTop = { bounds: { x: 100, y: -700, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(aboveTop, [laptop]).bounds).toBeUndefined();
    const sliver = { bounds: { x: 1900, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(sliver, [laptop]).bounds).toBeUndefined();
  });

  it('shrinks a window saved on a bigger display to fit the one it is on now', () => {
    const big = { bounds: { x: 0, y: 0, width: 2500, height: 1400 }, maximized: false };
    expect(restoreWindowState(big, [laptop]).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });

  it('opens a default window with no saved state', () => {
    expect(restoreWindowState(undefined, [laptop])).toEqual({ maximized: false });
  });
});
