import type { Disposable } from '../../contract/events.js';
import type { Logger } from './logger.js';

/** A typed event source. A throwing listener is logged and never stops the others. */
export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();

  constructor(private readonly logger?: Logger) {}

  on(listener: (event: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger?.error('event listener failed', { err: String(err) });
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Collects disposers so a component can release everything it subscribed to in one call. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  add<D extends Disposable>(item: D): D {
    this.items.push(item);
    return item;
  }
  dispose(): void {
    while (this.items.length) this.items.pop()!.dispose();
  }
}
