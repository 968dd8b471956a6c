// Paces terminal output to the display: every tile's output waits in its own queue and is handed
// to xterm in animation frames, within a byte budget that adapts to how long frames take. Under a
// flood the window keeps drawing at a usable rate; the bytes not yet drawn are not acknowledged,
// so the studio pauses the flooding agent instead of the window freezing.

/** Where one tile's output goes (an xterm Terminal has this shape). */
export interface WriteSink {
  write(data: string, callback?: () => void): void;
}

type Item = { kind: 'data'; data: string; done?: (chars: number) => void } | { kind: 'op'; run(): void };

/** Frames slower than this shrink the budget: aim above 30 fps (the slowest that feels live) with room for noise. */
export const SLOW_FRAME_MS = 28;
/** Frames faster than this grow it. */
export const FAST_FRAME_MS = 22;
/** Bounds on characters handed to xterm per frame across all tiles. */
export const MIN_BUDGET = 16 * 1024;
export const MAX_BUDGET = 2 * 1024 * 1024;
export const START_BUDGET = 256 * 1024;

export interface FrameSource {
  request(callback: (now: number) => void): void;
}

export class WriteScheduler {
  private readonly queues = new Map<WriteSink, Item[]>();
  private scheduled = false;
  private lastFrame: number | undefined;
  /** Where the next frame's round robin starts, so every tile gets its turn. */
  private cursor = 0;
  budget = START_BUDGET;
  /**
   * How many tiles get output in one frame. A tile that receives output repaints its whole
   * screen when it scrolls; under a flood, feeding half the tiles each frame halves the painting
   * per frame while each tile still updates many times a second.
   */
  tilesPerFrame = Number.POSITIVE_INFINITY;

  constructor(private readonly frames: FrameSource) {}

  /** Output for a tile; `done` is called with its length once xterm has parsed it. */
  write(sink: WriteSink, data: string, done?: (chars: number) => void): void {
    if (!data) return;
    this.push(sink, done ? { kind: 'data', data, done } : { kind: 'data', data });
  }

  /** Something to do to the tile in order with its output (reset, resize). */
  run(sink: WriteSink, op: () => void): void {
    this.push(sink, { kind: 'op', run: op });
  }

  /** A tile that is gone: its queued output is dropped. */
  forget(sink: WriteSink): void {
    this.queues.delete(sink);
  }

  pending(sink: WriteSink): number {
    return (this.queues.get(sink) ?? []).reduce((n, i) => n + (i.kind === 'data' ? i.data.length : 0), 0);
  }

  private push(sink: WriteSink, item: Item): void {
    let q = this.queues.get(sink);
    if (!q) this.queues.set(sink, (q = []));
    q.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.frames.request((now) => this.frame(now));
  }

  private frame(now: number): void {
    this.scheduled = false;
    if (this.lastFrame !== undefined) {
      const took = now - this.lastFrame;
      const busy = [...this.queues.values()].filter((q) => q.length).length;
      if (took > SLOW_FRAME_MS) {
        // Painting costs per tile fed and parsing per byte: feed fewer tiles and fewer bytes.
        this.budget = Math.max(MIN_BUDGET, Math.floor(this.budget * 0.7));
        this.tilesPerFrame = Math.max(1, Math.min(this.tilesPerFrame, busy) - 1);
      } else if (took < FAST_FRAME_MS) {
        this.budget = Math.min(MAX_BUDGET, Math.floor(this.budget * 1.25));
        this.tilesPerFrame = this.tilesPerFrame >= busy ? Number.POSITIVE_INFINITY : this.tilesPerFrame + 1;
      }
    }
    // Round robin, a slice at a time, so one flooding tile cannot starve the others.
    let left = this.budget;
    const all = [...this.queues.entries()].filter(([, q]) => q.length);
    const start = all.length ? this.cursor % all.length : 0;
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    const active = rotated.slice(0, Math.min(rotated.length, this.tilesPerFrame));
    this.cursor = start + active.length;
    const share = Math.max(1024, Math.floor(left / Math.max(1, active.length)));
    while (left > 0 && active.length) {
      for (let i = 0; i < active.length && left > 0;) {
        const [sink, q] = active[i]!;
        let quota = Math.min(share, left);
        while (q.length && quota > 0) {
          const item = q[0]!;
          if (item.kind === 'op') {
            q.shift();
            item.run();
            continue;
          }
          const piece = item.data.length <= quota ? item.data : item.data.slice(0, cutAt(item.data, quota));
          if (piece.length === item.data.length) q.shift();
          else item.data = item.data.slice(piece.length);
          quota -= piece.length;
          left -= piece.length;
          const done = item.done;
          sink.write(piece, done ? () => done(piece.length) : undefined);
        }
        if (!q.length) active.splice(i, 1);
        else i++;
      }
    }
    const waiting = [...this.queues.values()].some((q) => q.length);
    this.lastFrame = waiting ? now : undefined;
    if (waiting) this.schedule();
  }
}

/** Where to cut a string near `at` without splitting a surrogate pair. */
function cutAt(s: string, at: number): number {
  const code = s.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

export const animationFrames: FrameSource = { request: (cb) => requestAnimationFrame(cb) };
