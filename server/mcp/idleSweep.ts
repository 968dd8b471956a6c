// Closes sessions nobody has used for a long time: clients that vanish without DELETE leak otherwise.
import type { Disposable } from '../../main/contract/events.js';
import type { Clock } from '../../main/core/util/clock.js';
import type { McpSession } from './mcpSession.js';

/** A session nobody has used for this long is closed, unless a client still holds its stream. */
export const SESSION_IDLE_MS = 6 * 60 * 60_000;
/** How often the sweep looks: an idle session lives at most this much past SESSION_IDLE_MS. */
export const SESSION_SWEEP_MS = 60_000;

/** Sweeps `sessions()` every SESSION_SWEEP_MS on `clock` until disposed. */
export function startIdleSweep(deps: { clock: Clock; sessions(): Iterable<McpSession> }): Disposable {
  const { clock } = deps;
  let timer = clock.setTimeout(sweep, SESSION_SWEEP_MS);
  let disposed = false;
  function sweep(): void {
    const cutoff = clock.now() - SESSION_IDLE_MS;
    for (const s of deps.sessions()) if (s.lastUsed < cutoff && !s.streaming()) void s.close();
    if (!disposed) timer = clock.setTimeout(sweep, SESSION_SWEEP_MS);
  }
  return {
    dispose: () => {
      disposed = true;
      timer.cancel();
    },
  };
}
