// Output whose reader can go away: `ccstudio serve | head -1`, a `tee` that died, a process
// manager that exited, a terminal that closed, a disk that filled under a log file. Node never lets
// process.stdout or process.stderr be destroyed: after a failed write it opens them again, so every
// later write fails again, and an 'error' event nobody listens to is an uncaught exception. A host
// that logs those to the same stream fails, logs, fails... and spins a core. Here the first error
// means the reader is gone: nothing is written to that stream again, and the program goes on.

/** A stream written to until its reader goes away. */
export interface Output {
  /** Writes, unless the reader has gone; never throws and never fails later. */
  write(text: string): void;
  /** The reader went away (EPIPE, EIO, ENOSPC, ...): nothing more is written. */
  readonly gone: boolean;
}

interface ErrorEmitter {
  write(text: string): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** One Output per stream, so every writer of process.stdout sees the same `gone`. */
const outputs = new WeakMap<ErrorEmitter, Output>();

export function outputUntilGone(stream: ErrorEmitter): Output {
  const known = outputs.get(stream);
  if (known) return known;
  let gone = false;
  // Writes already queued fail too; each lands here, and none is retried.
  stream.on('error', () => (gone = true));
  const output: Output = {
    write(text) {
      if (!gone) stream.write(text);
    },
    get gone() {
      return gone;
    },
  };
  outputs.set(stream, output);
  return output;
}
