import { MAX_PAGE_ITEMS } from '../../../main/contract/limits.js';
import type { StudioClient } from '../../../main/contract/pipe.js';
import { applyEvent, emptyState, fromStatus, type StudioState } from './studioState.js';

/** Tasks, and feed lines of each kind, loaded when the window opens; older ones are not on screen. */
const INITIAL_TASKS = MAX_PAGE_ITEMS;
const INITIAL_FEED = 200;

/** Holds the state for React (useSyncExternalStore) and applies events as they come. */
export class StudioStore {
  private state: StudioState = emptyState;
  private readonly listeners = new Set<() => void>();
  private queued: Parameters<typeof applyEvent>[1][] | null = [];

  constructor(private readonly client: StudioClient) {
    // Events that arrive while the first load is in flight are applied after it, in order.
    client.onDidEvent((e) => {
      if (this.queued) this.queued.push(e);
      else this.set(applyEvent(this.state, e));
    });
  }

  async load(): Promise<void> {
    const [status, tasks, history, changes, desk, checks] = await Promise.all([
      this.client.status(),
      this.client.listTasks({ limit: INITIAL_TASKS }),
      this.client.feedHistory({ limit: INITIAL_FEED }),
      this.client.allChanges(),
      this.client.queue(),
      this.client.checks(),
    ]);
    let state = fromStatus(status, tasks, history, changes, desk, checks.runs);
    for (const e of this.queued ?? []) state = applyEvent(state, e);
    this.queued = null;
    this.set(state);
  }

  private set(state: StudioState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of [...this.listeners]) l();
  }

  get = (): StudioState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
