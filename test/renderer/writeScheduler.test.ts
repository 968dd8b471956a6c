import { describe, expect, it } from 'vitest';
import {
  MIN_BUDGET,
  SLOW_FRAME_MS,
  START_BUDGET,
  WriteScheduler,
  type FrameSource,
  type WriteSink,
} from '../../renderer/src/terminal/writeScheduler.js';

/** Frames the test runs by hand, at the times it chooses. */
function handFrames() {
  let next: ((now: number) => void) | undefined;
  const source: FrameSource = { request: (cb) => void (next = cb) };
  return {
    source,
    run(now: number) {
      const cb = next;
      next = undefined;
      cb?.(now);
      return !!cb;
    },
  };
}

function sink() {
  const log: string[] = [];
  const s: WriteSink & { log: string[]; text(): string } = {
    log,
    write: (data, cb) => {
      log.push(data);
      cb?.();
    },
    text: () => log.filter((l) => !l.startsWith('<')).join(''),
  };
  return s;
}

describe('the frame-paced write scheduler', () => {
  it('writes everything in order, with operations where they were queued, and reports what was drawn', () => {
    const frames = handFrames();
    const sched = new WriteScheduler(frames.source);
    const a = sink();
    const drawn: number[] = [];
    sched.write(a, 'one ', (n) => drawn.push(n));
    sched.run(a, () => a.log.push('<reset>'));
    sched.write(a, 'two', (n) => drawn.push(n));
    expect(a.log).toEqual([]);
    frames.run(0);
    expect(a.log).toEqual(['one ', '<reset>', 'two']);
    expect(drawn).toEqual([4, 3]);
    expect(frames.run(16)).toBe(false);
  });

  it('spreads a flood over frames within the budget and shares it between tiles', () => {
    const frames = handFrames();
    const sched = new WriteScheduler(frames.source);
    const a = sink();
    const b = sink();
    const big = 'x'.repeat(START_BUDGET * 3);
    sched.write(a, big);
    sched.write(b, 'y'.repeat(1000));
    frames.run(0);
    // b is small and fully written at once; a gets the rest of the budget.
    expect(b.text()).toHaveLength(1000);
    expect(a.text().length).toBeLessThanOrEqual(START_BUDGET);
    expect(a.text().length).toBeGreaterThan(0);
    let t = 0;
    while (frames.run((t += 16)));
    expect(a.text()).toBe(big);
  });

  it('shrinks its budget and feeds fewer tiles when frames are slow, down to a floor', () => {
    const frames = handFrames();
    const sched = new WriteScheduler(frames.source);
    const sinks = [sink(), sink(), sink(), sink()];
    for (const s of sinks) sched.write(s, 'z'.repeat(50 * START_BUDGET));
    let t = 0;
    for (let i = 0; i < 40; i++) frames.run((t += SLOW_FRAME_MS + 20));
    expect(sched.budget).toBe(MIN_BUDGET);
    expect(sched.tilesPerFrame).toBe(1);
    // Every tile still gets its turn.
    expect(sinks.every((s) => s.text().length > 0)).toBe(true);
    for (let i = 0; i < 40; i++) frames.run((t += 10));
    expect(sched.budget).toBeGreaterThan(MIN_BUDGET);
    expect(sched.tilesPerFrame).toBe(Number.POSITIVE_INFINITY);
  });

  it('never splits a surrogate pair between two writes, and drops a forgotten tile', () => {
    const frames = handFrames();
    const sched = new WriteScheduler(frames.source);
    const a = sink();
    const text = '😀'.repeat(START_BUDGET);
    sched.write(a, text);
    let t = 0;
    while (frames.run((t += 16)));
    expect(a.log.every((piece) => !/[\ud800-\udbff]$/.test(piece))).toBe(true);
    expect(a.text()).toBe(text);
    const b = sink();
    sched.write(b, 'never drawn');
    sched.forget(b);
    frames.run((t += 16));
    expect(b.log).toEqual([]);
  });
});
