import Database from 'better-sqlite3';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import { PRIVATE_FILE_MODE } from './dataDir.js';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 build for the running runtime (Electron and Node differ in ABI). */
  nativeBinding?: string;
  /** Stop before this schema version; tests use it to migrate n-1 -> n. */
  targetVersion?: number;
  /**
   * Refresh the rolling copy (studio.db.bak) when it is older than BACKUP_EVERY_MS: the long-lived
   * studio does at start; one-off CLI commands do not pay for it.
   */
  backup?: boolean;
  /** Told when the copy could not be made (a full disk): the studio starts anyway. */
  onBackupError?: (err: unknown) => void;
}

/** How long a writer waits on another process's lock (the CLI and `serve` share one file). */
const BUSY_TIMEOUT_MS = 5000;
/** A damaged database can be put back from a copy no older than this. */
export const BACKUP_EVERY_MS = 24 * 60 * 60_000;
/** How many lines of quick_check's findings an error quotes. */
const QUICK_CHECK_LINES = 3;

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(file), { recursive: true });
    // Created private before SQLite opens it: SQLite gives the WAL and shared-memory files the
    // database file's own mode, whatever the umask.
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
    privateFiles(file);
  }
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    throw damaged(file, String((err as Error).message));
  }
  try {
    // WAL: readers never block the writer. synchronous=NORMAL in WAL keeps every commit safe from a
    // crash or kill -9 of the studio (the OS has the pages); only a power cut can lose the last few.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (onDisk) {
      // A damaged file would take sends and then fail every read: refuse it before anything is written.
      const findings = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check);
      if (findings.join() !== 'ok')
        throw damaged(file, findings.slice(0, QUICK_CHECK_LINES).join('; ').replace(/\s+/g, ' '));
      privateFiles(file);
    }
    const target = options.targetVersion ?? LATEST_SCHEMA_VERSION;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (onDisk && version > 0 && version < target) backupBeforeUpgrade(db, file, version);
    migrate(db, target);
    if (onDisk && options.backup) {
      try {
        refreshBackup(db, file);
      } catch (err) {
        rmSync(`${rollingBackupFile(file)}.tmp`, { force: true });
        options.onBackupError?.(err);
      }
    }
  } catch (err) {
    db.close();
    if (err instanceof StudioError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw damaged(file, (err as Error).message);
    throw err;
  }
  return db;
}

/** The database and the files SQLite keeps beside it, 0600 even when an older build left them wider. */
function privateFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(f, PRIVATE_FILE_MODE);
  }
}

/** Every copy of the database kept beside it, newest first. */
export function listBackups(file: string): Array<{ path: string; at: number }> {
  const dir = dirname(file);
  const prefix = basename(file) + '.';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.bak'))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
}

function damaged(file: string, detail: string): StudioError {
  const newest = listBackups(file)[0];
  const restore = newest
    ? `The newest copy is ${newest.path} (${new Date(newest.at).toISOString()}): with the studio stopped, ` +
      `move ${basename(file)} (and its -wal and -shm files) aside and copy that backup to ${file}.`
    : `There is no backup of it; move ${basename(file)} (and its -wal and -shm files) aside to start with an empty studio.`;
  return new StudioError(
    'unavailable',
    `The studio database ${file} is damaged (${detail}), so the studio will not start on it and writes nothing to it. ${restore}`,
  );
}

/**
 * An upgrade's migrations run once and cannot be undone; a copy of the database as it was lets a
 * person go back to the previous version of the app. One file per old schema version, replaced
 * if that version is upgraded again.
 */
export function backupFileFor(file: string, version: number): string {
  return `${file}.schema-${version}.bak`;
}

/** The rolling copy refreshed by the studio at most once per BACKUP_EVERY_MS. */
export function rollingBackupFile(file: string): string {
  return `${file}.bak`;
}

/** A consistent copy, written under a temporary name and renamed: a crash never leaves half a backup. */
function writeBackup(db: Db, backup: string): void {
  const tmp = `${backup}.tmp`;
  rmSync(tmp, { force: true });
  // VACUUM INTO writes a compact copy from a read transaction; it refuses an existing file.
  db.prepare('VACUUM INTO ?').run(tmp);
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, backup);
}

function backupBeforeUpgrade(db: Db, file: string, version: number): void {
  writeBackup(db, backupFileFor(file, version));
}

function refreshBackup(db: Db, file: string): void {
  const backup = rollingBackupFile(file);
  const st = statSync(backup, { throwIfNoEntry: false });
  if (st && Date.now() - st.mtimeMs < BACKUP_EVERY_MS) return;
  writeBackup(db, backup);
}
