import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { StudioClient } from '../../../main/contract/pipe.js';
import { StudioStore } from './store.js';

/**
 * The studio's state for this window: loaded once, then kept current by its events; `lost` once
 * the connection closed (main.tsx then connects again with a fresh window).
 */
export function useStudioState(client: StudioClient, closed: Promise<void>) {
  const store = useMemo(() => new StudioStore(client), [client]);
  const state = useSyncExternalStore(store.subscribe, store.get);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lost, setLost] = useState(false);
  useEffect(() => {
    store.load().catch((err: Error) => setLoadError(err.message));
    void closed.then(() => setLost(true));
  }, [store, closed]);
  return { state, loadError, lost };
}
