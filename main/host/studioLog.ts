// A studio host's log: studio.log in the data folder, and a copy on the host's stderr for as long
// as someone reads it. The file is what stays when the terminal, the pipe or the process manager
// that read the studio's output has gone (the studio goes on quietly, see util/output.ts).
import { createWriteStream, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../core/store/dataDir.js';
import { isProcessAlive, readStudioInfo } from '../core/studioInfo.js';
import { streamLogger, type Logger, type LogLevel } from '../core/util/logger.js';
import { outputUntilGone, type Output } from '../core/util/output.js';

export const STUDIO_LOG_FILE = 'studio.log';
/** A log past this size is moved aside (to studio.log.1) at start, so it never grows without bound. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface StudioLog {
  readonly logger: Logger;
  /** Where the log is kept. */
  readonly file: string;
  /** Writes what is still queued and lets go of the file. */
  close(): Promise<void>;
}

/**
 * Opens the data folder's log (appending) and returns a logger writing each entry there and to
 * `echo`. A log that outgrew MAX_LOG_BYTES is moved aside first, unless a studio that is running
 * writes to it: a second start on the same folder, stopped at its lock, must not move that
 * studio's log out from under it.
 */
export function openStudioLog(
  dataDir: string,
  options: { echo?: Output; minLevel?: LogLevel } = {},
): StudioLog {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = join(dataDir, STUDIO_LOG_FILE);
  const info = readStudioInfo(dataDir);
  if (!(info && info.pid !== process.pid && isProcessAlive(info.pid))) moveAsideIfLarge(file);
  const stream = createWriteStream(file, { flags: 'a', mode: PRIVATE_FILE_MODE });
  // A full disk or a removed folder ends the file's part, never the studio.
  const toFile = outputUntilGone(stream);
  const logger = streamLogger(
    {
      write: (line: string) => {
        toFile.write(line);
        options.echo?.write(line);
      },
    },
    options.minLevel,
  );
  return {
    logger,
    file,
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}

function moveAsideIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, file + '.1');
  } catch {
    // No log yet.
  }
}
