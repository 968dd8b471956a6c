import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

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
    migrate(db, options.targetVersion);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
