import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import { LOCK_FILE, PRIVATE_FILE_MODE } from './dataDir.js';

/** How long a start waits for the lock: a CLI command working on the files holds it for moments. */
export const LOCK_WAIT_MS = 3000;

export interface StudioLock {
  readonly dataDir: string;
  release(): void;
}

/**
 * One studio per data folder, held by SQLite's own file lock (fcntl on Unix) on studio.lock for
 * as long as the studio runs. The operating system drops it when the process ends however it ends
 * (kill -9 included), so there is no stale lock and no pid to check; two starts at the same
 * instant cannot both get it. Returns undefined when another process holds it past `waitMs`.
 */
export function tryStudioLock(
  dataDir: string,
  options: { waitMs?: number; nativeBinding?: string } = {},
): StudioLock | undefined {
  const file = join(dataDir, LOCK_FILE);
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  const db = new Database(file, {
    timeout: options.waitMs ?? 0,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    // An exclusive transaction that never commits: the lock is held until release() or exit.
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw err;
  }
  let released = false;
  return {
    dataDir,
    release() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** The lock, or an error that says what to do. */
export function acquireStudioLock(
  dataDir: string,
  options: { waitMs?: number; nativeBinding?: string } = {},
): StudioLock {
  const lock = tryStudioLock(dataDir, { waitMs: LOCK_WAIT_MS, ...options });
  if (!lock) {
    throw new StudioError(
      'conflict',
      `A studio is already running on this data folder (${dataDir}). Stop it first, or start this one ` +
        'with --data pointing at another folder.',
    );
  }
  return lock;
}
