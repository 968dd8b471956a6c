import { describe, expect, it } from 'vitest';
import { MAX_PAGE_ITEMS } from '../../../../main/contract/limits.js';
import { clampPageLimit } from '../../../../main/core/util/pageLimit.js';

describe('clampPageLimit', () => {
  it('takes the fallback when not asked, else a whole number from 1 to MAX_PAGE_ITEMS', () => {
    expect(clampPageLimit(undefined, 20)).toBe(20);
    expect(clampPageLimit(7.9, 20)).toBe(7);
    expect(clampPageLimit(0, 20)).toBe(1);
    expect(clampPageLimit(-5, 20)).toBe(1);
    expect(clampPageLimit(MAX_PAGE_ITEMS + 1, 20)).toBe(MAX_PAGE_ITEMS);
  });
});
