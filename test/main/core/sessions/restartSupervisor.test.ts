import { describe, expect, it } from 'vitest';
import { MAX_QUICK_EXITS, QUICK_EXIT_MS } from '../../../../main/contract/exits.js';
import {
  CRASH_WINDOW_MS,
  MAX_RESTARTS_PER_WINDOW,
  RESTART_BACKOFF_MS,
} from '../../../../main/core/sessions/exitAdvice.js';
import {
  judgeExit,
  RECONNECT_BACKOFF_MS,
  RestartSupervisor,
} from '../../../../main/core/sessions/restartSupervisor.js';
import { FakeClock } from '../../../support/fakeClock.js';

// The studio's own restarts, decided and timed on the fake clock: no process, no studio.
const CRASH = { code: 1, signal: null };
const CLEAN = { code: 0, signal: null };
/** Long enough that an exit is not a quick one. */
const A_GOOD_RUN = QUICK_EXIT_MS + 1;

describe('judgeExit', () => {
  it('leaves alone an ordinary end after a good run', () => {
    expect(judgeExit({ ranMs: A_GOOD_RUN, status: CLEAN, quickExitsBefore: 0, restartsInWindow: 0 })).toEqual(
      {
        quickExits: 0,
        gaveUp: false,
      },
    );
  });

  it('restarts a crash after a good run at once-ish, and a clean exit within seconds too (it did not get going)', () => {
    expect(judgeExit({ ranMs: A_GOOD_RUN, status: CRASH, quickExitsBefore: 2, restartsInWindow: 0 })).toEqual(
      {
        quickExits: 0,
        gaveUp: false,
        restartInMs: RESTART_BACKOFF_MS[0],
      },
    );
    expect(
      judgeExit({ ranMs: 10, status: CLEAN, quickExitsBefore: 0, restartsInWindow: 0 }).restartInMs,
    ).toBe(RESTART_BACKOFF_MS[0]);
    // A signal is never an ordinary end.
    expect(
      judgeExit({
        ranMs: A_GOOD_RUN,
        status: { code: null, signal: 9 },
        quickExitsBefore: 0,
        restartsInWindow: 0,
      }).restartInMs,
    ).toBe(RESTART_BACKOFF_MS[0]);
  });

  it('backs off with each quick exit in a row and gives up at the cap, saying why', () => {
    const waits = [];
    for (let before = 0; before < MAX_QUICK_EXITS - 1; before++) {
      const verdict = judgeExit({ ranMs: 5, status: CRASH, quickExitsBefore: before, restartsInWindow: 0 });
      expect(verdict.gaveUp).toBe(false);
      waits.push(verdict.restartInMs);
    }
    expect(waits).toEqual(RESTART_BACKOFF_MS.slice(0, MAX_QUICK_EXITS - 1));
    const last = judgeExit({
      ranMs: 5,
      status: CRASH,
      quickExitsBefore: MAX_QUICK_EXITS - 1,
      restartsInWindow: 0,
    });
    expect(last).toMatchObject({ quickExits: MAX_QUICK_EXITS, gaveUp: true });
    expect(last.restartInMs).toBeUndefined();
    expect(last.because).toMatch(/keeps exiting \(3 times in a row/);
  });

  it('gives up on crashes after good runs once the window holds its cap of restarts', () => {
    const verdict = judgeExit({
      ranMs: A_GOOD_RUN,
      status: CRASH,
      quickExitsBefore: 0,
      restartsInWindow: MAX_RESTARTS_PER_WINDOW,
    });
    expect(verdict).toMatchObject({ gaveUp: true, quickExits: 0 });
    expect(verdict.because).toMatch(/keeps crashing \(6 times in 10 minutes\)/);
  });
});

describe('RestartSupervisor', () => {
  it('counts quick exits per agent and gives them back on a start the person asked for', () => {
    const clock = new FakeClock();
    const s = new RestartSupervisor(clock);
    s.judge(1, 5, CRASH);
    expect(s.judge(1, 5, CRASH).quickExits).toBe(2);
    expect(s.judge(2, 5, CRASH).quickExits).toBe(1);
    s.freshStart(1);
    expect(s.judge(1, 5, CRASH).quickExits).toBe(1);
    // A good run clears them too.
    s.settled(1);
    expect(s.judge(1, 5, CRASH).quickExits).toBe(1);
  });

  it('caps crashes within the window and forgets restarts older than it', () => {
    const clock = new FakeClock();
    const s = new RestartSupervisor(clock);
    for (let i = 0; i < MAX_RESTARTS_PER_WINDOW; i++) {
      expect(s.judge(1, A_GOOD_RUN, CRASH).gaveUp).toBe(false);
      clock.advance(60_000);
    }
    expect(s.judge(1, A_GOOD_RUN, CRASH).gaveUp).toBe(true);
    // Once the first restarts leave the window, it is restarted again.
    clock.advance(CRASH_WINDOW_MS);
    expect(s.judge(1, A_GOOD_RUN, CRASH).gaveUp).toBe(false);
  });

  it('runs one waiting restart per agent, in place of the one before, and none once cancelled', () => {
    const clock = new FakeClock();
    const s = new RestartSupervisor(clock);
    const ran: string[] = [];
    s.schedule(1, 1_000, () => ran.push('first'));
    s.schedule(1, 3_000, () => ran.push('second'));
    s.schedule(2, 500, () => ran.push('other'));
    expect(s.isWaiting(1)).toBe(true);
    clock.advance(1_500);
    expect(ran).toEqual(['other']);
    clock.advance(2_000);
    expect(ran).toEqual(['other', 'second']);
    expect(s.isWaiting(1)).toBe(false);
    s.schedule(1, 1_000, () => ran.push('stopped'));
    s.stopped(1);
    s.schedule(2, 1_000, () => ran.push('closed'));
    expect(s.cancelAll()).toEqual([2]);
    clock.advance(10_000);
    expect(ran).toEqual(['other', 'second']);
  });

  it('backs reconnect tries off, the last wait repeating, and starts over after a good run or a stop', () => {
    const s = new RestartSupervisor(new FakeClock());
    const waits = Array.from({ length: RECONNECT_BACKOFF_MS.length + 2 }, () => s.nextReconnect(1));
    expect(waits.map((w) => w.attempt)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(waits.map((w) => w.waitMs)).toEqual([...RECONNECT_BACKOFF_MS, 30_000, 30_000]);
    s.settled(1);
    expect(s.nextReconnect(1).attempt).toBe(0);
    s.stopped(1);
    expect(s.nextReconnect(1).attempt).toBe(0);
  });
});
