// One document's connection to the studio over the shell's one IPC channel.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.
import type { Disposable } from '../contract/events.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../contract/pipe.js';

/** One document's connection to the studio over the shell's IPC channel. */
export interface WindowPipe {
  /** What servePipe serves. */
  endpoint: PipeEndpoint<PipeToStudio, PipeFromStudio>;
  /** A message that arrived on the channel from this window. */
  deliver(message: unknown): void;
  /** True once the window has sent anything on this connection. */
  readonly used: boolean;
  readonly closed: boolean;
  /** Ends the connection: servePipe lets go, and answers still in flight are dropped. */
  close(): void;
}

/**
 * A connection per document: a reloaded window starts from a clean one (no terminals attached,
 * no answers owed), and an answer to the page that went away is never delivered to its successor.
 */
export function createWindowPipe(send: (message: PipeFromStudio) => void): WindowPipe {
  const messageListeners = new Set<(message: PipeToStudio) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  let used = false;
  const subscribe = <T>(set: Set<T>, listener: T): Disposable => {
    set.add(listener);
    return { dispose: () => void set.delete(listener) };
  };
  return {
    endpoint: {
      send(message) {
        if (!closed) send(message);
      },
      onMessage: (listener) => subscribe(messageListeners, listener),
      onClose: (listener) => subscribe(closeListeners, listener),
    },
    deliver(message) {
      if (closed) return;
      used = true;
      // servePipe checks each message's shape; anything else on the channel is dropped there.
      for (const l of [...messageListeners]) l(message as PipeToStudio);
    },
    get used() {
      return used;
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const l of [...closeListeners]) l();
      messageListeners.clear();
      closeListeners.clear();
    },
  };
}
