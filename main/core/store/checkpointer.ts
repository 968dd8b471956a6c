import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';
import type { Logger } from '../util/logger.js';

/** How often the worker copies the WAL back; commits in between only append. */
const CHECKPOINT_INTERVAL_MS = 1000;
/** How long stop() waits for the worker's last checkpoint before terminating it. */
const STOP_TIMEOUT_MS = 2000;
/** SQLite's own default, restored if the worker cannot run. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// Evaluated in a worker thread (CommonJS), so it runs the same from sources, dist and bundles:
// better-sqlite3 is loaded from the absolute path the main thread resolved. PASSIVE never waits
// for or blocks a writer; what it cannot copy now it copies next time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
parentPort.postMessage('ready');
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the request path: the main connection stops checkpointing on commit
 * (one took 69 ms on a large WAL in the bench) and a worker thread does it on a timer. Falls back
 * to SQLite's automatic checkpoints if the worker cannot run.
 */
export function startCheckpointer(db: Db, options: { nativeBinding?: string; logger: Logger }): Checkpointer {
  if (db.memory) return { stop: async () => {} };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      file: db.name,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      nativeBinding: options.nativeBinding,
    },
  });
  worker.unref();
  let stopped = false;
  let exited = false;
  worker.once('exit', () => (exited = true));
  const fallback = (err: unknown) => {
    if (stopped) return;
    options.logger.warn('checkpoint worker stopped; SQLite checkpoints on commit again', {
      err: String(err),
    });
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', fallback);
  worker.on('exit', (code) => code !== 0 && fallback(`exit ${code}`));
  worker.on('message', (m: unknown) => {
    if (m === 'ready' && db.open) db.pragma('wal_autocheckpoint = 0');
    else if (m && typeof m === 'object' && 'error' in m)
      options.logger.warn('checkpoint failed', m as Record<string, unknown>);
  });
  return {
    stop: () => {
      if (stopped || exited) return Promise.resolve();
      stopped = true;
      return new Promise<void>((resolve) => {
        // A worker that does not answer in time is terminated: closing must never hang.
        const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.on('message', (m) => m === 'stopped' && void worker.terminate());
        worker.postMessage('stop');
      });
    },
  };
}
