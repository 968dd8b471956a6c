import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from '../../../../main/core/store/migrations.js';
import { openDatabase } from '../../../../main/core/store/database.js';
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

  it('rolls a failing migration back whole', () => {
    const db = new Database(':memory:');
    const broken = {
      version: 1,
      name: 'broken',
      up: (d: Database.Database) => d.exec('CREATE TABLE x (a); CREATE TABLE x (b);'),
    };
    expect(() => db.transaction(() => broken.up(db))()).toThrow();
    expect(tables(db)).toEqual([]);
    db.close();
  });
});
