import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from '../../../../main/core/store/migrations.js';
import { backupFileFor, openDatabase } from '../../../../main/core/store/database.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { tempDir } from '../../../support/studioHarness.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>
  ).map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('0 -> 1 creates the core tables and enforces their rules', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(
      [
        'agent_tokens',
        'agents',
        'deliveries',
        'messages',
        'subscriptions',
        'task_blockers',
        'task_events',
        'tasks',
      ].sort(),
    );
    db.prepare("INSERT INTO agents (name, created_at) VALUES ('a', 1)").run();
    // A live name is unique regardless of case; a removed agent frees its name.
    expect(() => db.prepare("INSERT INTO agents (name, created_at) VALUES ('A', 1)").run()).toThrow(/UNIQUE/);
    db.prepare("UPDATE agents SET removed_at = 2 WHERE name = 'a'").run();
    db.prepare("INSERT INTO agents (name, created_at) VALUES ('A', 3)").run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO tasks (title, status, dispatcher_id, created_at, updated_at) VALUES ('t', 'nope', 1, 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO deliveries (agent_id, message_id) VALUES (1, 999)').run()).toThrow(
      /FOREIGN KEY/,
    );
    db.close();
  });

  it('1 -> 2 moves the direct recipient onto the message row and drops the by-message index', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'studio.db');
    const v1 = openDatabase(file, { targetVersion: 1 });
    v1.exec(`
      INSERT INTO agents (id, name, created_at) VALUES (1, 'user', 1), (2, 'alice', 1), (3, 'bob', 1);
      INSERT INTO messages (id, sender_id, scope, type, body, created_at) VALUES
        (1, 2, 'direct', 'text', 'to bob', 10),
        (2, 3, 'broadcast', 'text', 'to all', 11),
        (3, 3, 'direct', 'question', 'to alice', 12);
      INSERT INTO deliveries (agent_id, message_id, state) VALUES (3, 1, 'queued'), (1, 2, 'read'), (2, 2, 'queued'), (2, 3, 'woken');
    `);
    v1.close();
    // At 2 the by-message index is gone (9 brings it back, for deleting expired messages).
    const v2 = openDatabase(file, { targetVersion: 2 });
    expect(
      v2.prepare("SELECT name FROM sqlite_master WHERE name = 'deliveries_message'").get(),
    ).toBeUndefined();
    v2.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    const studio = createStudioWithParts({ dataDir: dir });
    try {
      // Migrated through 2 (and any later migration), the seeded rows read as before.
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      const rows = studio.db.prepare('SELECT id, recipient_id FROM messages ORDER BY id').all();
      expect(rows).toEqual([
        { id: 1, recipient_id: 3 },
        { id: 2, recipient_id: null },
        { id: 3, recipient_id: 2 },
      ]);
      // The seeded mail reads the same through the bus: recipients, states and the conversation.
      const alice = studio.agents.require('alice');
      expect(studio.bus.inbox(alice).items.map((m) => [m.id, m.from, m.to, m.state])).toEqual([
        [2, 'bob', [], 'queued'],
        [3, 'bob', ['alice'], 'woken'],
      ]);
      expect(studio.bus.history(alice, { with: 'bob' }).map((m) => m.id)).toEqual([3, 1]);
    } finally {
      await studio.close();
    }
  });

  it('2 -> 3 gives existing agents the Claude profile, no role prompt and no autostart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v2 = openDatabase(join(dir, 'studio.db'), { targetVersion: 2 });
    v2.exec(
      `INSERT INTO agents (id, name, kind, created_at) VALUES (1, 'user', 'person', 1), (2, 'alice', 'agent', 1);`,
    );
    v2.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    const studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.agents.require('alice')).toMatchObject({
        profile: { kind: 'claude' },
        rolePrompt: '',
        autostart: false,
      });
      expect(studio.agents.sessionIdOf(2)).toBeNull();
      const updated = studio.agents.setLaunch(2, {
        rolePrompt: 'Review every PR.',
        autostart: true,
        sessionId: 'abc',
      });
      expect(updated).toMatchObject({ rolePrompt: 'Review every PR.', autostart: true });
      expect(studio.agents.sessionIdOf(2)).toBe('abc');
      expect(() =>
        studio.agents.setLaunch(2, { profile: { kind: 'command', command: '', args: [] } }),
      ).toThrow(/profile/);
    } finally {
      await studio.close();
    }
  });

  it("3 -> 4 keeps every agent's launch folder and gives it an empty reported folder", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v3 = openDatabase(join(dir, 'studio.db'), { targetVersion: 3 });
    v3.exec(`INSERT INTO agents (id, name, kind, cwd, created_at) VALUES
      (1, 'user', 'person', '', 1), (2, 'alice', 'agent', '/work/alice', 1), (3, 'bob', 'agent', '', 1);
      INSERT INTO messages (id, sender_id, scope, type, body, created_at, recipient_id) VALUES
        (1, 2, 'direct', 'text', 'héllo', 10, 3), (2, 2, 'direct', 'text', 'old news', 11, 3);
      INSERT INTO deliveries (agent_id, message_id, state) VALUES (3, 1, 'queued'), (3, 2, 'read');`);
    v3.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    const studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.agents.require('alice')).toMatchObject({ cwd: '/work/alice', reportedCwd: '' });
      expect(studio.agents.require('bob')).toMatchObject({ cwd: '', reportedCwd: '' });
      const reported = studio.agents.update(2, { reportedCwd: '/elsewhere' });
      expect(reported).toMatchObject({ cwd: '/work/alice', reportedCwd: '/elsewhere' });
      // Unread deliveries carry their message's size in bytes (é is two), read ones need none.
      expect(studio.db.prepare('SELECT message_id, bytes FROM deliveries ORDER BY message_id').all()).toEqual(
        [
          { message_id: 1, bytes: 6 },
          { message_id: 2, bytes: 0 },
        ],
      );
      expect(studio.bus.inbox(studio.agents.require('bob')).items.map((m) => m.body)).toEqual(['héllo']);
    } finally {
      await studio.close();
    }
  });

  it('4 -> 5 gives every agent an empty exit record that keeps what it is set to', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v4 = openDatabase(join(dir, 'studio.db'), { targetVersion: 4 });
    v4.exec(`INSERT INTO agents (id, name, kind, cwd, created_at) VALUES
      (1, 'user', 'person', '', 1), (2, 'alice', 'agent', '/work/alice', 1);`);
    v4.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    let studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.agents.require('alice')).toMatchObject({ cwd: '/work/alice', lastExit: null });
      const exit = {
        code: 1,
        signal: null,
        at: 5,
        ranMs: 400,
        tail: ['Not logged in'],
        advice: 'log in',
        quickExits: 1,
        gaveUp: false,
      };
      expect(studio.agents.setExit(2, exit).lastExit).toEqual(exit);
    } finally {
      await studio.close();
    }
    // It outlives a restart of the studio, so the tile can still say why.
    studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.agents.require('alice').lastExit).toMatchObject({ code: 1, tail: ['Not logged in'] });
      expect(studio.agents.setExit(2, null).lastExit).toBeNull();
    } finally {
      await studio.close();
    }
  });

  it('6 -> 7 keeps every delivery (announced ones with no way recorded), messages not urgent, agents unheld', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v6 = openDatabase(join(dir, 'studio.db'), { targetVersion: 6 });
    v6.exec(`INSERT INTO agents (id, name, kind, cwd, created_at) VALUES
      (1, 'user', 'person', '', 1), (2, 'alice', 'agent', '/work/alice', 1);
      INSERT INTO messages (id, sender_id, scope, type, body, created_at, recipient_id) VALUES
      (1, 1, 'direct', 'text', 'hello', 5, 2);
      INSERT INTO deliveries (agent_id, message_id, state, woken_at, bytes) VALUES (2, 1, 'woken', 6, 5);`);
    v6.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    const studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.agents.require('alice')).toMatchObject({
        hold: null,
        budget: null,
        usage: null,
        cliVersion: '',
      });
      expect(studio.bus.recentDeliveries(5)).toEqual([
        { messageId: 1, from: 'user', to: 'alice', state: 'woken', via: null, wokenAt: 6, readAt: null },
      ]);
      expect(studio.bus.history(null)[0]!.urgent).toBeUndefined();
      expect((await studio.service.notifyStatus()).webhookUrl).toBeNull();
    } finally {
      await studio.close();
    }
  });

  it('8 -> 9 sizes every message, expires those nobody received, and indexes the lists', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v8 = openDatabase(join(dir, 'studio.db'), { targetVersion: 8 });
    v8.exec(`INSERT INTO agents (id, name, kind, created_at) VALUES
      (1, 'user', 'person', 1), (2, 'alice', 'agent', 1), (3, 'bob', 'agent', 1);
      INSERT INTO messages (id, sender_id, scope, type, topic, body, reply_to, created_at, recipient_id) VALUES
      (1, 2, 'direct', 'text', NULL, 'hi bob', NULL, 100, 3),
      (2, 2, 'topic', 'text', 'nobody', 'héllo', NULL, 200, NULL),
      (3, 2, 'topic', 'text', 'builds', 'about #2', 2, 300, NULL);
      INSERT INTO deliveries (agent_id, message_id, state, bytes) VALUES (3, 1, 'queued', 6), (3, 3, 'read', 0);
      INSERT INTO tasks (id, title, status, assignee_id, dispatcher_id, created_at, updated_at) VALUES
      (1, 'old', 'done', 3, 2, 10, 10), (2, 'open', 'assigned', 3, 2, 20, 30), (3, 'new', 'backlog', NULL, 2, 40, 40);
      INSERT INTO task_events (id, task_id, actor_id, kind, note, created_at) VALUES (1, 1, 2, 'created', '', 10);`);
    v8.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    const clock = new FakeClock();
    const studio = createStudioWithParts({ dataDir: dir, clock });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      // Sizes in bytes, not characters; only the message nobody received expires, an hour after it was sent.
      expect(studio.db.prepare('SELECT id, bytes, expires_at FROM messages ORDER BY id').all()).toEqual([
        { id: 1, bytes: 6, expires_at: null },
        { id: 2, bytes: 6, expires_at: 200 + 3_600_000 },
        { id: 3, bytes: 8, expires_at: null },
      ]);
      expect(studio.db.prepare('SELECT bytes FROM task_events').all()).toEqual([{ bytes: 0 }]);
      const indexes = (
        studio.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{
          name: string;
        }>
      ).map((r) => r.name);
      expect(indexes).toEqual(
        expect.arrayContaining([
          'messages_sent',
          'messages_expiry',
          'messages_reply',
          'messages_direct',
          'deliveries_message',
          'task_events_actor',
          'tasks_updated',
          'tasks_open',
          'tasks_status',
          'tasks_assignee',
          'tasks_dispatcher',
          'tasks_open_assignee',
        ]),
      );
      // The board reads as before: open tasks, counts, what bob holds.
      expect(studio.board.list({ open: true }).map((t) => t.id)).toEqual([3, 2]);
      expect(studio.board.counts()).toMatchObject({ done: 1, assigned: 1, backlog: 1 });
      expect(studio.board.openCount(3)).toBe(1);
      // Past its time the expired message goes; the reply to it stays, no longer pointing at it.
      clock.advance(0);
      expect(studio.bus.history(null).map((m) => [m.id, m.replyTo])).toEqual([
        [3, null],
        [1, null],
      ]);
    } finally {
      await studio.close();
    }
  });

  it("11 -> 12 keeps every agent awake, unpinned, on the studio's minutes; a sleep then outlives a restart", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v11 = openDatabase(join(dir, 'studio.db'), { targetVersion: 11 });
    v11.exec(`INSERT INTO agents (id, name, kind, cwd, created_at) VALUES (1, 'user', 'person', '', 1);
      INSERT INTO agents (id, name, kind, cwd, created_at, state) VALUES (2, 'bob', 'agent', '', 1, 'idle');`);
    v11.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    let studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.agents.require('bob').sleep).toEqual({
        asleepSince: null,
        pinned: false,
        idleMinutes: null,
      });
      studio.agents.setRuntime(2, { sleep: { asleepSince: 5, pinned: false, idleMinutes: 30 } });
    } finally {
      await studio.close();
    }
    studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.agents.require('bob').sleep).toEqual({ asleepSince: 5, pinned: false, idleMinutes: 30 });
    } finally {
      await studio.close();
    }
  });

  it('10 -> 11 adds checks and line comments (none yet), keeping every task; both then outlive a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v10 = openDatabase(join(dir, 'studio.db'), { targetVersion: 10 });
    v10.exec(`INSERT INTO agents (id, name, kind, cwd, created_at) VALUES (1, 'user', 'person', '', 1);
      INSERT INTO tasks (id, title, body, priority, status, dispatcher_id, created_at, updated_at)
      VALUES (1, 'Old work', '', 'normal', 'review', 1, 1, 1);`);
    v10.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    let studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.board.get(1)).toMatchObject({ title: 'Old work', status: 'review' });
      expect(await studio.service.checks()).toEqual({ repos: [], runs: [] });
      expect(await studio.service.taskComments(1)).toEqual([]);
      studio.db
        .prepare("INSERT INTO repo_checks (repo, command, updated_at) VALUES ('/srv/app', 'npm test', 1)")
        .run();
      expect(() =>
        studio.db
          .prepare("INSERT INTO task_checks (task_id, command, head, state) VALUES (1, 'x', 'h', 'maybe')")
          .run(),
      ).toThrow(/CHECK/);
    } finally {
      await studio.close();
    }
    studio = createStudioWithParts({ dataDir: dir });
    try {
      expect((await studio.service.checks()).repos).toEqual([{ repo: '/srv/app', command: 'npm test' }]);
    } finally {
      await studio.close();
    }
  });

  it("9 -> 10 adds browser tabs' sessions (none yet), keeping every agent; a tab then outlives a restart", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const v9 = openDatabase(join(dir, 'studio.db'), { targetVersion: 9 });
    v9.exec(`INSERT INTO agents (id, name, kind, cwd, created_at, ssh) VALUES
      (1, 'user', 'person', '', 1, NULL), (2, 'far', 'agent', '/srv/far', 1, '{"dest":"me@box","command":"claude"}');`);
    v9.close();
    const { createStudioWithParts } = await import('../../../support/studioParts.js');
    let studio = createStudioWithParts({ dataDir: dir });
    let token: string;
    try {
      expect(studio.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(studio.agents.require('far').ssh).toEqual({ dest: 'me@box', command: 'claude' });
      expect(await studio.service.listTabs()).toEqual([]);
      expect(() =>
        studio.db
          .prepare(
            "INSERT INTO tab_sessions (token_hash, via, created_at, last_used_at) VALUES ('h', 'nope', 1, 1)",
          )
          .run(),
      ).toThrow(/CHECK/);
      token = studio.tabs.open('code', 'Firefox/128.0').token;
    } finally {
      await studio.close();
    }
    studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.tabs.verify(token)).toMatchObject({ via: 'code', userAgent: 'Firefox/128.0' });
    } finally {
      await studio.close();
    }
  });

  it('is idempotent and refuses a database from a newer build', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'studio.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this build/);
  });

  it('keeps a copy of an upgraded database as the older app left it, and none for a new or current one', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'studio.db');
    const old = openDatabase(file, { targetVersion: LATEST_SCHEMA_VERSION - 1 });
    old.prepare("INSERT INTO agents (name, created_at) VALUES ('kept', 1)").run();
    old.close();
    expect(existsSync(backupFileFor(file, 0))).toBe(false);

    const upgraded = openDatabase(file);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    upgraded.close();
    const backup = new Database(backupFileFor(file, LATEST_SCHEMA_VERSION - 1), { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION - 1);
    expect(backup.prepare("SELECT name FROM agents WHERE name = 'kept'").get()).toEqual({ name: 'kept' });
    backup.close();

    // Opening the current version again makes no further copies.
    openDatabase(file).close();
    const copies = readdirSync(dir).filter((f) => f.includes('.bak'));
    expect(copies).toEqual([`studio.db.schema-${LATEST_SCHEMA_VERSION - 1}.bak`]);
  });

  it('rolls a failing migration back whole, keeping the ones before it', () => {
    const db = new Database(':memory:');
    const good = { version: 1, name: 'good', up: (d: Database.Database) => d.exec('CREATE TABLE a (x);') };
    // Its first statement works, its second fails: neither may stay.
    const broken = {
      version: 2,
      name: 'broken',
      up: (d: Database.Database) => d.exec('CREATE TABLE b (x); CREATE TABLE b (y);'),
    };
    expect(() => migrate(db, 2, [good, broken])).toThrow(/already exists/);
    expect(tables(db)).toEqual(['a']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});
