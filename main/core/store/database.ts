import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 build for the running runtime (Electron and Node differ in ABI). */
  nativeBinding?: string;
  /** Stop before this schema version; tests use it to migrate n-1 -> n. */
  targetVersion?: number;
}

/** How long a writer waits on another process's lock (the CLI and `serve` share one file). */
const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // WAL: readers never block the writer. synchronous=NORMAL in WAL keeps every commit safe from a
    // crash or kill -9 of the studio (the OS has the pages); only a power cut can lose the last few.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const target = options.targetVersion ?? LATEST_SCHEMA_VERSION;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (file !== ':memory:' && version > 0 && version < target) backupBeforeUpgrade(db, file, version);
    migrate(db, target);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * An upgrade's migrations run once and cannot be undone; a copy of the database as it was lets a
 * person go back to the previous version of the app. One file per old schema version, replaced
 * if that version is upgraded again.
 */
export function backupFileFor(file: string, version: number): string {
  return `${file}.schema-${version}.bak`;
}

function backupBeforeUpgrade(db: Db, file: string, version: number): void {
  const backup = backupFileFor(file, version);
  rmSync(backup, { force: true });
  // VACUUM INTO writes a consistent, compact copy from a read transaction.
  db.prepare('VACUUM INTO ?').run(backup);
}
