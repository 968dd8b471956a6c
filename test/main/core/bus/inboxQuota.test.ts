// Each inbox's quota of unread mail, as a rule on the load an inbox holds.
import { describe, expect, it } from 'vitest';
import {
  MAX_UNREAD_BYTES,
  MAX_UNREAD_BYTES_FROM_ONE_SENDER,
  MAX_UNREAD_FROM_ONE_SENDER,
  MAX_UNREAD_MESSAGES,
} from '../../../../main/contract/limits.js';
import { noRoomReason, type UnreadLoad } from '../../../../main/core/bus/inboxQuota.js';

const agent = { name: 'bob', kind: 'agent' as const };
const person = { name: 'you', kind: 'person' as const };
const empty: UnreadLoad = { n: 0, bytes: 0, mine: 0, mineBytes: 0 };

describe('noRoomReason', () => {
  it('takes mail up to one sender’s share, by count and by bytes, and not one more', () => {
    const share = { ...empty, mine: MAX_UNREAD_FROM_ONE_SENDER - 1, n: MAX_UNREAD_FROM_ONE_SENDER - 1 };
    expect(noRoomReason(share, agent, 10)).toBeUndefined();
    expect(noRoomReason({ ...share, mine: MAX_UNREAD_FROM_ONE_SENDER }, agent, 10)).toMatch(
      /^bob has not read \d+ of your messages .* Nothing was sent\./,
    );
    const bytes = { ...empty, mine: 1, mineBytes: MAX_UNREAD_BYTES_FROM_ONE_SENDER - 10, n: 1 };
    expect(noRoomReason(bytes, agent, 10)).toBeUndefined();
    expect(noRoomReason(bytes, agent, 11)).toMatch(/one sender may have/);
  });

  it("bounds an agent's whole inbox, by count and by bytes", () => {
    expect(noRoomReason({ ...empty, n: MAX_UNREAD_MESSAGES - 1 }, agent, 1)).toBeUndefined();
    expect(noRoomReason({ ...empty, n: MAX_UNREAD_MESSAGES }, agent, 1)).toMatch(/^bob's inbox is full/);
    expect(noRoomReason({ ...empty, n: 1, bytes: MAX_UNREAD_BYTES - 5 }, agent, 5)).toBeUndefined();
    expect(noRoomReason({ ...empty, n: 1, bytes: MAX_UNREAD_BYTES - 5 }, agent, 6)).toMatch(/inbox is full/);
  });

  it("the person's inbox has no overall bound, but each sender's share holds there too", () => {
    const full = { n: MAX_UNREAD_MESSAGES * 2, bytes: MAX_UNREAD_BYTES * 2, mine: 0, mineBytes: 0 };
    expect(noRoomReason(full, person, 1)).toBeUndefined();
    expect(noRoomReason({ ...full, mine: MAX_UNREAD_FROM_ONE_SENDER }, person, 1)).toMatch(
      /^you has not read/,
    );
  });
});
