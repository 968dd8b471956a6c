// Browser tabs' sessions on a real studio (SQLite on disk) with a fake clock.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import {
  MAX_TAB_CODES,
  MAX_TAB_SESSIONS,
  TAB_CODE_REPLAY_WATCH_MS,
  TAB_CODE_TTL_MS,
  TAB_SESSION_IDLE_MS,
  TAB_SESSION_MAX_AGE_MS,
  TAB_TOUCH_EVERY_MS,
} from '../../../../main/core/tabs/tabSessions.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { tempDir } from '../../../support/studioHarness.js';

const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

let studio: StudioWithParts | undefined;
let dir: string;
let clock: FakeClock;
let seen: StudioEvent[];

function start(): StudioWithParts {
  studio = createStudioWithParts({ dataDir: dir, clock });
  seen = [];
  studio.events.on((e) => seen.push(e));
  return studio;
}

afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

function fresh(): StudioWithParts {
  dir = tempDir('ccstudio-tabs-');
  clock = new FakeClock();
  return start();
}

const redeemed = (s: StudioWithParts, code: string) => {
  const r = s.tabs.redeemCode(code, UA);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
};

describe('tab sessions', () => {
  it('a code buys one session, once; its token is random, kept only as a hash, and verifies', () => {
    const s = fresh();
    const code = s.tabs.issueCode();
    expect(code).toMatch(/^ccsc_[A-Za-z0-9_-]{32}$/);
    const { token, tab } = redeemed(s, code);
    expect(token).toMatch(/^ccst_[A-Za-z0-9_-]{32}$/);
    expect(tab).toMatchObject({ via: 'code', userAgent: UA, connections: 0 });
    expect(s.tabs.verify(token)?.id).toBe(tab.id);
    expect(s.tabs.verify(code)).toBeUndefined();
    expect(s.tabs.verify('ccst_' + 'A'.repeat(32))).toBeUndefined();
    // Neither the token nor the code is anywhere in the database files.
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(dir, 'studio.db'), 'latin1');
    expect(bytes).not.toContain(token);
    expect(bytes).not.toContain(code);
  });

  it('a code presented again is refused, ends the tab its first use let in, and is told once', () => {
    const s = fresh();
    const code = s.tabs.issueCode();
    const first = redeemed(s, code);
    const ended: number[] = [];
    s.tabs.onDidEnd((e) => ended.push(e.id));
    expect(s.tabs.redeemCode(code, 'curl/8')).toEqual({ ok: false, reason: 'replayed' });
    expect(s.tabs.verify(first.token)).toBeUndefined();
    expect(ended).toEqual([first.tab.id]);
    expect(s.tabs.redeemCode(code, 'curl/8')).toEqual({ ok: false, reason: 'replayed' });
    const notices = seen.flatMap((e) => (e.type === 'attention' ? [e.attention] : []));
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'security', title: 'A one-time studio link was used twice' }),
    ]);
    expect(notices[0]!.body).toMatch(/tab the first use let in was ended/);
    expect(s.tabs.list()).toEqual([]);
  });

  it('a replay is recognised for an hour after the use, then the code is just unknown', () => {
    const s = fresh();
    const code = s.tabs.issueCode();
    redeemed(s, code);
    clock.advance(TAB_CODE_REPLAY_WATCH_MS - 1);
    expect(s.tabs.redeemCode(code, UA)).toMatchObject({ reason: 'replayed' });
    const other = s.tabs.issueCode();
    redeemed(s, other);
    clock.advance(TAB_CODE_REPLAY_WATCH_MS);
    expect(s.tabs.redeemCode(other, UA)).toMatchObject({ reason: 'unknown' });
  });

  it('a code expires unused; unknown codes and guesses open nothing and are not told as replays', () => {
    const s = fresh();
    const late = s.tabs.issueCode();
    clock.advance(TAB_CODE_TTL_MS);
    expect(s.tabs.redeemCode(late, UA)).toEqual({ ok: false, reason: 'unknown' });
    const inTime = s.tabs.issueCode();
    clock.advance(TAB_CODE_TTL_MS - 1);
    expect(s.tabs.redeemCode(inTime, UA).ok).toBe(true);
    expect(s.tabs.redeemCode('ccsc_guess', UA)).toEqual({ ok: false, reason: 'unknown' });
    expect(seen.some((e) => e.type === 'attention')).toBe(false);
  });

  it('keeps at most MAX_TAB_CODES codes: the oldest go first', () => {
    const s = fresh();
    const first = s.tabs.issueCode();
    for (let i = 0; i < MAX_TAB_CODES; i++) s.tabs.issueCode();
    expect(s.tabs.redeemCode(first, UA)).toMatchObject({ reason: 'unknown' });
  });

  it('a session unused for the idle limit is refused; one used keeps going until its age limit', () => {
    const s = fresh();
    const idle = s.tabs.open('token', UA);
    const used = s.tabs.open('code', UA);
    clock.advance(TAB_SESSION_IDLE_MS - 1000);
    s.tabs.attach(used.tab.id)!.dispose();
    clock.advance(1000);
    expect(s.tabs.verify(idle.token)).toBeUndefined();
    expect(s.tabs.verify(used.token)?.id).toBe(used.tab.id);
    // Used every day, it still ends at its age.
    while (clock.now() < used.tab.createdAt + TAB_SESSION_MAX_AGE_MS - 24 * 3600_000) {
      clock.advance(24 * 3600_000);
      expect(s.tabs.verify(used.token)).toBeDefined();
      s.tabs.attach(used.tab.id)!.dispose();
    }
    clock.advance(24 * 3600_000);
    expect(s.tabs.verify(used.token)).toBeUndefined();
    expect(s.tabs.list()).toEqual([]);
  });

  it('a connected tab never idles out, but is ended at its age, connection and all', () => {
    const s = fresh();
    const { token, tab } = s.tabs.open('code', UA);
    const attached = s.tabs.attach(tab.id)!;
    expect(s.tabs.list()[0]).toMatchObject({ id: tab.id, connections: 1 });
    const ended: Array<{ id: number; reason: string }> = [];
    s.tabs.onDidEnd((e) => ended.push(e));
    clock.advance(TAB_SESSION_IDLE_MS * 2);
    expect(s.tabs.verify(token)?.id).toBe(tab.id);
    clock.advance(TAB_SESSION_MAX_AGE_MS - TAB_SESSION_IDLE_MS * 2);
    expect(ended).toEqual([{ id: tab.id, reason: 'expired' }]);
    expect(s.tabs.verify(token)).toBeUndefined();
    attached.dispose();
  });

  it('ending a session refuses its token at once and tells its connections; ending it again says so', async () => {
    const s = fresh();
    const a = s.tabs.open('code', UA);
    const b = s.tabs.open('token', 'Mozilla/5.0 (Macintosh) Firefox/128.0');
    const ended: number[] = [];
    s.tabs.onDidEnd((e) => ended.push(e.id));
    s.tabs.attach(a.tab.id);
    await s.service.endTab(a.tab.id);
    expect(ended).toEqual([a.tab.id]);
    expect(s.tabs.verify(a.token)).toBeUndefined();
    expect(s.tabs.attach(a.tab.id)).toBeUndefined();
    expect((await s.service.listTabs()).map((t) => t.id)).toEqual([b.tab.id]);
    await expect(s.service.endTab(a.tab.id)).rejects.toMatchObject({ code: 'not_found' });
    const changed = seen.filter((e) => e.type === 'tabs.changed');
    expect(changed.at(-1)).toEqual({
      type: 'tabs.changed',
      tabs: [expect.objectContaining({ id: b.tab.id })],
    });
  });

  it('keeps at most MAX_TAB_SESSIONS: a new one ends the least recently used, a connected one last', () => {
    const s = fresh();
    const made = [];
    for (let i = 0; i < MAX_TAB_SESSIONS; i++) {
      made.push(s.tabs.open('token', UA));
      // The oldest is connected (marked used when it connected, before all the others).
      if (i === 0) s.tabs.attach(made[0]!.tab.id);
      clock.advance(1000);
    }
    s.tabs.open('code', UA);
    expect(s.tabs.list()).toHaveLength(MAX_TAB_SESSIONS);
    expect(s.tabs.verify(made[0]!.token)).toBeDefined();
    expect(s.tabs.verify(made[1]!.token)).toBeUndefined();
    expect(s.tabs.verify(made[2]!.token)).toBeDefined();
  });

  it('a browser name is kept as one short printable line', () => {
    const s = fresh();
    const { tab } = s.tabs.open('token', `evil\u001b]0;title\u0007\nname${'x'.repeat(500)}`);
    // eslint-disable-next-line no-control-regex
    expect(tab.userAgent).not.toMatch(/[\u0000-\u001f]/);
    expect(tab.userAgent.length).toBeLessThanOrEqual(200);
  });

  it('sessions outlive a restart; a tab connected when the studio was killed counts as used then', async () => {
    const s = fresh();
    const { token, tab } = s.tabs.open('code', UA);
    s.tabs.attach(tab.id);
    // Connected for days; the studio marks it used as it goes, then dies without a clean stop:
    // the database as it was then is what the next start finds.
    clock.advance(TAB_SESSION_IDLE_MS + TAB_TOUCH_EVERY_MS / 2);
    s.db.pragma('wal_checkpoint(TRUNCATE)');
    const crashed = tempDir('ccstudio-tabs-crashed-');
    copyFileSync(join(dir, 'studio.db'), join(crashed, 'studio.db'));
    await s.close();
    dir = crashed;
    clock.advance(TAB_SESSION_IDLE_MS - TAB_TOUCH_EVERY_MS);
    expect(start().tabs.verify(token)?.id).toBe(tab.id);
  });

  it('a clean stop marks connected tabs used, so their idle time starts there', async () => {
    const s = fresh();
    const { token, tab } = s.tabs.open('code', UA);
    s.tabs.attach(tab.id);
    clock.advance(TAB_SESSION_IDLE_MS - 1);
    await s.close();
    studio = undefined;
    clock.advance(TAB_SESSION_IDLE_MS - 1);
    expect(start().tabs.verify(token)?.id).toBe(tab.id);
  });
});
