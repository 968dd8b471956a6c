// The studio's own restarts of an agent's process: after an exit nobody asked for (with backoff,
// a cap on quick exits in a row and one on crashes within a window), and after its link to its
// host dropped (reconnect tries with their own backoff). It decides and keeps time; what a restart
// does is the session manager's.
import { MAX_QUICK_EXITS, QUICK_EXIT_MS } from '../../contract/exits.js';
import type { Clock } from '../util/clock.js';
import { CRASH_WINDOW_MS, MAX_RESTARTS_PER_WINDOW, RESTART_BACKOFF_MS } from './exitAdvice.js';

/** Waits between tries to reach an agent's host again after its link dropped; the last repeats. */
export const RECONNECT_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export interface ExitStatusLike {
  code: number | null;
  signal: number | null;
}

/** What becomes of an exit nobody asked for. */
export interface ExitVerdict {
  /** Quick exits in a row, this one included (0 after a run longer than QUICK_EXIT_MS). */
  quickExits: number;
  /** The studio stops restarting it; `because` says why in the person's words. */
  gaveUp: boolean;
  because?: string;
  /** It is restarted this much later; absent when it is not. */
  restartInMs?: number;
}

/**
 * The rule for one exit: an ordinary end after a good run is left alone; otherwise it is restarted
 * with backoff, unless it keeps exiting at once (MAX_QUICK_EXITS in a row) or keeps crashing
 * (MAX_RESTARTS_PER_WINDOW restarts within CRASH_WINDOW_MS already).
 */
export function judgeExit(input: {
  ranMs: number;
  status: ExitStatusLike;
  quickExitsBefore: number;
  restartsInWindow: number;
}): ExitVerdict {
  const quick = input.ranMs < QUICK_EXIT_MS;
  const quickExits = quick ? input.quickExitsBefore + 1 : 0;
  const endedNormally = !quick && input.status.code === 0 && !input.status.signal;
  const crashLoop = !endedNormally && input.restartsInWindow >= MAX_RESTARTS_PER_WINDOW;
  const gaveUp = quickExits >= MAX_QUICK_EXITS || crashLoop;
  const because = !gaveUp
    ? undefined
    : crashLoop && quickExits < MAX_QUICK_EXITS
      ? `It keeps crashing (${input.restartsInWindow + 1} times in ${Math.round(CRASH_WINDOW_MS / 60_000)} minutes), so the studio stopped restarting it.`
      : `It keeps exiting (${quickExits} times in a row within seconds of starting), so the studio stopped restarting it.`;
  if (endedNormally || gaveUp) return { quickExits, gaveUp, ...(because ? { because } : {}) };
  const wait = RESTART_BACKOFF_MS[Math.min(Math.max(quickExits - 1, 0), RESTART_BACKOFF_MS.length - 1)]!;
  return { quickExits, gaveUp, restartInMs: wait };
}

/** Per agent: its exits and tries so far, and the one restart (or reconnect) waiting to happen. */
export class RestartSupervisor {
  private readonly quickExits = new Map<number, number>();
  /** When the studio restarted each agent by itself lately (the crash-loop cap). */
  private readonly restartTimes = new Map<number, number[]>();
  /** Tries in a row to reach a dropped agent's host again; cleared once it has stayed up a while. */
  private readonly reconnectTries = new Map<number, number>();
  private readonly waiting = new Map<number, { cancel(): void }>();

  constructor(private readonly clock: Clock) {}

  /** Judges an exit nobody asked for (see judgeExit) and counts a restart it decides on. */
  judge(agentId: number, ranMs: number, status: ExitStatusLike): ExitVerdict {
    const now = this.clock.now();
    const recent = (this.restartTimes.get(agentId) ?? []).filter((t) => now - t < CRASH_WINDOW_MS);
    const verdict = judgeExit({
      ranMs,
      status,
      quickExitsBefore: this.quickExits.get(agentId) ?? 0,
      restartsInWindow: recent.length,
    });
    this.quickExits.set(agentId, verdict.quickExits);
    if (verdict.restartInMs !== undefined) recent.push(now);
    this.restartTimes.set(agentId, recent);
    return verdict;
  }

  /** The next reconnect try after a drop: which try it is and how long it waits. */
  nextReconnect(agentId: number): { attempt: number; waitMs: number } {
    const attempt = this.reconnectTries.get(agentId) ?? 0;
    this.reconnectTries.set(agentId, attempt + 1);
    return { attempt, waitMs: RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)]! };
  }

  /** Runs `run` after `ms`, in place of whatever restart was waiting. */
  schedule(agentId: number, ms: number, run: () => void): void {
    this.cancel(agentId);
    this.waiting.set(
      agentId,
      this.clock.setTimeout(() => {
        this.waiting.delete(agentId);
        run();
      }, ms),
    );
  }

  isWaiting(agentId: number): boolean {
    return this.waiting.has(agentId);
  }

  cancel(agentId: number): void {
    this.waiting.get(agentId)?.cancel();
    this.waiting.delete(agentId);
  }

  /** A start the person asked for: an agent that kept exiting gets its tries back. */
  freshStart(agentId: number): void {
    this.quickExits.delete(agentId);
    this.restartTimes.delete(agentId);
  }

  /** It has run QUICK_EXIT_MS: its earlier exits and reconnect tries are history. */
  settled(agentId: number): void {
    this.quickExits.delete(agentId);
    this.reconnectTries.delete(agentId);
  }

  /** Stopped by the person: no try is waiting and none has been made. */
  stopped(agentId: number): void {
    this.cancel(agentId);
    this.reconnectTries.delete(agentId);
  }

  forget(agentId: number): void {
    this.stopped(agentId);
    this.quickExits.delete(agentId);
    this.restartTimes.delete(agentId);
  }

  /** Cancels every waiting restart; says whose were waiting. */
  cancelAll(): number[] {
    const ids = [...this.waiting.keys()];
    for (const t of this.waiting.values()) t.cancel();
    this.waiting.clear();
    return ids;
  }
}
