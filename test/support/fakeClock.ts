import type { Clock } from '../../main/core/util/clock.js';

/** A clock tests move by hand; timers fire in order when time passes them. */
export class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return { cancel: () => void (this.timers = this.timers.filter((t) => t.id !== id)) };
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}
