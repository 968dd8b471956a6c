import { describe, expect, it } from 'vitest';
import { Emitter } from '../../../../main/core/util/emitter.js';

describe('Emitter', () => {
  it('delivers an event fired from a listener only after the current one reached every listener', () => {
    const e = new Emitter<string>();
    const seen: string[] = [];
    // The first listener reacts to "sent" by firing "woken", as the wake engine does.
    e.on((ev) => {
      seen.push(`first:${ev}`);
      if (ev === 'sent') e.fire('woken');
    });
    // A listener added later (a UI connection) must see the cause before the effect.
    e.on((ev) => seen.push(`later:${ev}`));
    e.fire('sent');
    expect(seen).toEqual(['first:sent', 'later:sent', 'first:woken', 'later:woken']);
  });

  it('keeps delivering after a listener throws, and logs it', () => {
    const errors: string[] = [];
    const e = new Emitter<number>({
      debug() {},
      info() {},
      warn() {},
      error: (m) => void errors.push(m),
    });
    const seen: number[] = [];
    e.on(() => {
      throw new Error('boom');
    });
    e.on((n) => seen.push(n));
    e.fire(1);
    e.fire(2);
    expect(seen).toEqual([1, 2]);
    expect(errors).toEqual(['event listener failed', 'event listener failed']);
  });
});
