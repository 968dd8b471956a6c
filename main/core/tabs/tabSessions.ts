// Browser tabs let into the studio's UI. The printed link (the UI token) and a one-time link's code
// each buy a tab a session of its own, never the UI token itself: a random token the studio keeps
// only as its hash, refused once unused for a while or past an age, that the person can end from
// the UI or the CLI (its connections close at once), and that outlives a restart of the studio so
// a tab left open reconnects by itself. A code is good once: presented again, it is refused, the
// tab its first use let in is ended (one of the two presenters was not the person's browser, and
// the studio cannot tell which), and the person is told.
import { randomBytes } from 'node:crypto';
import type { Disposable, StudioEvent } from '../../contract/events.js';
import type { TabSession } from '../../contract/model.js';
import { hashToken } from '../agents/agentRegistry.js';
import { sanitizeForTerminal } from '../util/sanitize.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import { Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** A one-time link is opened by a browser the moment it is made: a minute is plenty. */
export const TAB_CODE_TTL_MS = 60_000;
/**
 * A code used once is remembered this long, so that a second use (a watcher's after the person's
 * browser, or the person's browser after a watcher's) is recognised and told, not just refused.
 */
export const TAB_CODE_REPLAY_WATCH_MS = HOUR_MS;
/** Codes kept in memory at most, issued or used (one per `open`); past this the oldest go. */
export const MAX_TAB_CODES = 32;
/** A tab not connected for this long is signed out; a weekend with the laptop shut is not. */
export const TAB_SESSION_IDLE_MS = 3 * DAY_MS;
/** Any tab is signed out at this age, connected or not: a stolen session does not last. */
export const TAB_SESSION_MAX_AGE_MS = 14 * DAY_MS;
/** Sessions kept at most; a new one past this ends the one used least recently. */
export const MAX_TAB_SESSIONS = 32;
/**
 * How often a connected tab is marked used: a studio killed without a clean stop still knows it
 * was in use, so its idle time after a restart counts from at most this long before.
 */
export const TAB_TOUCH_EVERY_MS = HOUR_MS;
/** A browser's name is one line of a list. */
const MAX_USER_AGENT_CHARS = 200;
const RANDOM_BYTES = 24;
const CODE_PREFIX = 'ccsc_';
const TAB_TOKEN_PREFIX = 'ccst_';

/** What redeeming a code gave: a tab's session, or why not. */
export type Redeemed =
  { ok: true; token: string; tab: TabSession } | { ok: false; reason: 'unknown' | 'expired' | 'replayed' };

interface CodeRecord {
  expiresAt: number;
  /** Set once it bought a session. */
  used?: { tabId: number; at: number };
  /** A replay was told already (a watcher that keeps trying raises one notice). */
  told?: boolean;
}

interface TabRow {
  id: number;
  via: TabSession['via'];
  user_agent: string;
  created_at: number;
  last_used_at: number;
}

/**
 * Why a session ended: the person ended it, its age or idleness, a replayed code, a new UI token,
 * or too many tabs (it was the one used least recently).
 */
export type TabEndReason = 'ended' | 'expired' | 'replayed' | 'revoked' | 'crowded';

export class TabSessions {
  private readonly codes = new Map<string, CodeRecord>();
  /** Sessions with connections open, and the timer that ends each at its age. */
  private readonly connected = new Map<number, { connections: number; ages: { cancel(): void } }>();
  private readonly ended = new Emitter<{ id: number; reason: TabEndReason }>();
  private touchTimer: { cancel(): void } | undefined;
  private readonly stmts;

  constructor(private readonly deps: { db: Db; clock: Clock; events: Emitter<StudioEvent>; logger: Logger }) {
    const { db } = deps;
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO tab_sessions (token_hash, via, user_agent, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
      ),
      byHash: db.prepare(
        'SELECT id, via, user_agent, created_at, last_used_at FROM tab_sessions WHERE token_hash = ?',
      ),
      byId: db.prepare('SELECT id, via, user_agent, created_at, last_used_at FROM tab_sessions WHERE id = ?'),
      all: db.prepare(
        'SELECT id, via, user_agent, created_at, last_used_at FROM tab_sessions ORDER BY created_at DESC, id DESC',
      ),
      touch: db.prepare('UPDATE tab_sessions SET last_used_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM tab_sessions WHERE id = ?'),
    };
  }

  /** A one-time code for a link (`/#code=...`), good once within TAB_CODE_TTL_MS. */
  issueCode(): string {
    const now = this.deps.clock.now();
    this.pruneCodes(now);
    while (this.codes.size >= MAX_TAB_CODES) this.codes.delete(this.codes.keys().next().value!);
    const code = CODE_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
    this.codes.set(hashToken(code), { expiresAt: now + TAB_CODE_TTL_MS });
    return code;
  }

  /**
   * Trades a code for a new tab's session, once. A code used before is refused, ends the tab its
   * first use let in (RFC 6749 §4.1.2 asks the same of an OAuth authorization code used twice),
   * and is told as an attention notice.
   */
  redeemCode(code: string, userAgent: string): Redeemed {
    const now = this.deps.clock.now();
    this.pruneCodes(now);
    // Pruned above: a code not used by its expiry is forgotten, so it is unknown now.
    const record = this.codes.get(hashToken(code));
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.used) {
      const ended = this.end(record.used.tabId, 'replayed');
      if (!record.told) {
        record.told = true;
        this.deps.logger.warn('a one-time UI link was used twice', {
          endedTab: ended ? record.used.tabId : null,
        });
        this.deps.events.fire({ type: 'tabs.linkReplayed', endedTabId: ended ? record.used.tabId : null });
      }
      return { ok: false, reason: 'replayed' };
    }
    const opened = this.open('code', userAgent);
    record.used = { tabId: opened.tab.id, at: now };
    return { ok: true, ...opened };
  }

  /** A new tab's session (the caller checked what it was let in with). */
  open(via: TabSession['via'], userAgent: string): { token: string; tab: TabSession } {
    const now = this.deps.clock.now();
    this.makeRoom(now);
    const token = TAB_TOKEN_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
    const ua = sanitizeForTerminal(userAgent, MAX_USER_AGENT_CHARS);
    const id = Number(this.stmts.insert.run(hashToken(token), via, ua, now, now).lastInsertRowid);
    this.changed();
    return { token, tab: this.view(this.row(id)!, now) };
  }

  /** The live session a tab's token belongs to; an expired one is removed and refused. */
  verify(token: string): TabSession | undefined {
    const row = this.stmts.byHash.get(hashToken(token)) as TabRow | undefined;
    if (!row) return undefined;
    const now = this.deps.clock.now();
    if (!this.alive(row, now)) {
      this.end(row.id, 'expired');
      return undefined;
    }
    return this.view(row, now);
  }

  /**
   * A connection opened with a session: it counts as in use until the returned disposer runs.
   * Undefined when the session is gone (ended between its check and now).
   */
  attach(id: number): Disposable | undefined {
    const now = this.deps.clock.now();
    const row = this.row(id);
    if (!row || !this.alive(row, now)) return undefined;
    this.stmts.touch.run(now, id);
    let entry = this.connected.get(id);
    if (!entry) {
      const ages = this.deps.clock.setTimeout(
        () => this.end(id, 'expired'),
        row.created_at + TAB_SESSION_MAX_AGE_MS - now,
      );
      entry = { connections: 0, ages };
      this.connected.set(id, entry);
    }
    entry.connections++;
    this.touchTimer ??= this.deps.clock.setTimeout(() => this.touchConnected(), TAB_TOUCH_EVERY_MS);
    this.changed();
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        const current = this.connected.get(id);
        if (current !== entry) return;
        if (--entry.connections === 0) {
          entry.ages.cancel();
          this.connected.delete(id);
        }
        if (this.deps.db.open && this.row(id)) {
          this.stmts.touch.run(this.deps.clock.now(), id);
          this.changed();
        }
      },
    };
  }

  /** Every live session, newest first (expired ones are removed on the way). */
  list(): TabSession[] {
    const now = this.deps.clock.now();
    const rows = this.stmts.all.all() as TabRow[];
    const dead = rows.filter((r) => !this.alive(r, now));
    for (const r of dead) this.end(r.id, 'expired');
    return rows.filter((r) => !dead.includes(r)).map((r) => this.view(r, now));
  }

  /** Ends a session: its token is refused from now on and its connections are told to close. */
  end(id: number, reason: TabEndReason = 'ended'): boolean {
    const removed = this.stmts.remove.run(id).changes > 0;
    const entry = this.connected.get(id);
    if (entry) {
      entry.ages.cancel();
      this.connected.delete(id);
    }
    if (removed || entry) this.ended.fire({ id, reason });
    if (removed) this.changed();
    return removed;
  }

  /** Ends every session (the UI token was replaced: every tab it let in goes with it). */
  endAll(reason: TabEndReason): number {
    const ids = (this.stmts.all.all() as TabRow[]).map((r) => r.id);
    for (const id of ids) this.end(id, reason);
    return ids.length;
  }

  /** Told when a session ends, so its connections can be closed at once. */
  onDidEnd(listener: (e: { id: number; reason: TabEndReason }) => void): Disposable {
    return this.ended.on(listener);
  }

  /** Marks connected tabs used (a clean stop), and stops the timers. */
  dispose(): void {
    if (this.deps.db.open) this.markConnectedUsed();
    this.touchTimer?.cancel();
    this.touchTimer = undefined;
    for (const entry of this.connected.values()) entry.ages.cancel();
    this.connected.clear();
    this.ended.dispose();
  }

  private touchConnected(): void {
    this.touchTimer = undefined;
    if (!this.connected.size || !this.deps.db.open) return;
    this.markConnectedUsed();
    this.touchTimer = this.deps.clock.setTimeout(() => this.touchConnected(), TAB_TOUCH_EVERY_MS);
  }

  private markConnectedUsed(): void {
    const now = this.deps.clock.now();
    for (const id of this.connected.keys()) this.stmts.touch.run(now, id);
  }

  private row(id: number): TabRow | undefined {
    return this.stmts.byId.get(id) as TabRow | undefined;
  }

  /** In use now (connected), or used within the idle limit; and younger than the age limit. */
  private alive(row: TabRow, now: number): boolean {
    if (now >= row.created_at + TAB_SESSION_MAX_AGE_MS) return false;
    return this.connected.has(row.id) || now < row.last_used_at + TAB_SESSION_IDLE_MS;
  }

  private view(row: TabRow, now: number): TabSession {
    const connections = this.connected.get(row.id)?.connections ?? 0;
    const lastUsedAt = connections ? now : row.last_used_at;
    return {
      id: row.id,
      via: row.via,
      userAgent: row.user_agent,
      createdAt: row.created_at,
      lastUsedAt,
      expiresAt: Math.min(row.created_at + TAB_SESSION_MAX_AGE_MS, lastUsedAt + TAB_SESSION_IDLE_MS),
      connections,
    };
  }

  /**
   * Before a new session: the expired ones go, and past the bound the one used least recently
   * (a tab not connected before one that is).
   */
  private makeRoom(now: number): void {
    const rows = this.stmts.all.all() as TabRow[];
    const live = rows.filter((r) => this.alive(r, now));
    for (const r of rows) if (!live.includes(r)) this.end(r.id, 'expired');
    live.sort(
      (a, b) =>
        Number(this.connected.has(a.id)) - Number(this.connected.has(b.id)) ||
        a.last_used_at - b.last_used_at ||
        a.id - b.id,
    );
    for (const r of live.slice(0, Math.max(0, live.length - MAX_TAB_SESSIONS + 1))) this.end(r.id, 'crowded');
  }

  private pruneCodes(now: number): void {
    for (const [hash, record] of this.codes) {
      const forgetAt = record.used ? record.used.at + TAB_CODE_REPLAY_WATCH_MS : record.expiresAt;
      if (forgetAt <= now) this.codes.delete(hash);
    }
  }

  private changed(): void {
    if (!this.deps.db.open) return;
    this.deps.events.fire({ type: 'tabs.changed', tabs: this.listQuietly() });
  }

  /** The list for an event: no expiring on the way (that would fire events from inside one). */
  private listQuietly(): TabSession[] {
    const now = this.deps.clock.now();
    return (this.stmts.all.all() as TabRow[]).filter((r) => this.alive(r, now)).map((r) => this.view(r, now));
  }
}
