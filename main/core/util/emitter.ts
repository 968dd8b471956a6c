import type { Disposable } from '../../contract/events.js';
import type { Logger } from './logger.js';

/**
 * A typed event source. A throwing listener is logged and never stops the others.
 *
 * Events are delivered in order: one fired by a listener while another event is being delivered
 * waits until that event has reached every listener (VS Code's EventDeliveryQueue). Otherwise a
 * listener later in the list would see the effect (a wake marking mail woken) before its cause
 * (the message being sent).
 */
export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();
  private readonly queue: T[] = [];
  private delivering = false;

  constructor(private readonly logger?: Logger) {}

  on(listener: (event: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  fire(event: T): void {
    this.queue.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (err) {
            this.logger?.error('event listener failed', { err: String(err) });
          }
        }
      }
    } finally {
      this.delivering = false;
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
