import type { PipeEndpoint } from '../../main/contract/pipe.js';

/** Two connected in-memory pipe ends; messages go through JSON like on a real wire. */
export function memoryPipePair<A, B>(): {
  left: PipeEndpoint<B, A>;
  right: PipeEndpoint<A, B>;
  close(): void;
} {
  const toLeft = new Set<(m: B) => void>();
  const toRight = new Set<(m: A) => void>();
  const closers = new Set<() => void>();
  const end = <In, Out>(
    inbox: Set<(m: In) => void>,
    outbox: Set<(m: Out) => void>,
  ): PipeEndpoint<In, Out> => ({
    send: (m) => {
      const copy = JSON.parse(JSON.stringify(m)) as Out;
      queueMicrotask(() => outbox.forEach((l) => l(copy)));
    },
    onMessage: (l) => (inbox.add(l), { dispose: () => void inbox.delete(l) }),
    onClose: (l) => (closers.add(l), { dispose: () => void closers.delete(l) }),
  });
  return {
    left: end<B, A>(toLeft, toRight),
    right: end<A, B>(toRight, toLeft),
    close: () => closers.forEach((l) => l()),
  };
}
