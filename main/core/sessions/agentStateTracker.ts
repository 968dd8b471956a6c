import type { HookPayload } from '../../contract/hooks.js';
import { waitsForPerson, type AgentState } from '../../contract/model.js';
import type { Clock } from '../util/clock.js';
import { classifyMirror, type ScreenReading } from './screenClassifier.js';
import type { ScreenMirror } from './screenMirror.js';

/** Output usually arrives in bursts; output is classified at most this often. */
export const CLASSIFY_DEBOUNCE_MS = 30;
/**
 * Reading the screen may take at most this share of the time between reads: a screen that is
 * slow to read (wide, full of combining marks) is read less often while output keeps coming.
 */
export const CLASSIFY_MAX_LOOP_SHARE = 0.1;
/** An idle-looking screen during an open turn counts as idle once output has been quiet this long. */
export const IDLE_QUIET_MS = 1500;
/** A plain terminal (no hooks, no known screen) is busy while it printed within this window. */
export const PLAIN_BUSY_MS = 1000;
/**
 * Busy with no output and no hook for this long is stuck: Claude Code redraws its spinner several
 * times a second while a turn runs, and a long tool call still reports through its hooks.
 */
export const STUCK_AFTER_MS = 3 * 60_000;
/** A hook said the session is ready; a screen still unrecognised this long after is reported. */
export const UNRECOGNISED_AFTER_MS = 5000;

export type SessionFlavor = 'claude' | 'plain';

/**
 * Works out an agent's state from three signals: Claude Code's hooks (the best busy/idle
 * signal), the screen mirror (dialogs and menus, and the truth when a hook was lost), and output
 * activity. Calls `onChange` whenever the state or the open menu changes.
 */
export class AgentStateTracker {
  private current: AgentState = 'starting';
  private reading: ScreenReading = { state: 'unknown', options: [], input: '', queued: false };
  private turnOpen = false;
  private hookHint: AgentState | undefined;
  private everIdle = false;
  private running = false;
  private lastOutputAt = 0;
  private lastHookAt = 0;
  /** When a hook last said the session waits at its prompt (SessionStart, a turn's end). */
  private readyAt: number | undefined;
  /** The screen went unrecognised after a hook said ready, and has not been recognised since. */
  private unrecognised = false;
  /** Since when the screen has matched nothing known (undefined while it is recognised). */
  private unknownSince: number | undefined;
  private recheck: { at: number; cancel(): void } | undefined;
  private timer: { cancel(): void } | undefined;
  /** The screen read under way: one at a time, however much output or how many hooks come. */
  private inRead: Promise<void> | undefined;
  /** Something changed during that read: read once more after it. */
  private readAgain = false;
  /** How long the last screen read took, on the tracker's clock. */
  private lastReadMs = 0;
  private quietTimer: { cancel(): void } | undefined;
  private disposed = false;
  private lastMenu = '';

  constructor(
    private readonly deps: {
      mirror: ScreenMirror;
      clock: Clock;
      flavor: SessionFlavor;
      onChange(state: AgentState, reading: ScreenReading): void;
    },
  ) {}

  get state(): AgentState {
    return this.current;
  }

  get screen(): ScreenReading {
    return this.reading;
  }

  started(): void {
    this.running = true;
    this.everIdle = false;
    this.turnOpen = false;
    this.hookHint = undefined;
    this.readyAt = undefined;
    this.unrecognised = false;
    this.unknownSince = undefined;
    // Always announced, even from a fresh tracker: a start is news (the wake engine re-arms on it).
    this.current = 'starting';
    this.lastMenu = JSON.stringify(this.reading.options);
    this.deps.onChange('starting', this.reading);
  }

  exited(): void {
    this.running = false;
    this.cancelTimers();
    this.set('exited');
  }

  output(): void {
    this.lastOutputAt = this.deps.clock.now();
    if (this.timer) return;
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = undefined;
        void this.classify();
      },
      Math.max(CLASSIFY_DEBOUNCE_MS, this.lastReadMs / CLASSIFY_MAX_LOOP_SHARE),
    );
  }

  /**
   * A hook from the session: the first word on its state, which the screen then confirms.
   * `continues`: the studio answered a Stop with a block, so the turn goes on.
   */
  hook(payload: HookPayload, continues = false): void {
    const now = this.deps.clock.now();
    this.lastHookAt = now;
    const working = () => {
      this.turnOpen = true;
      this.hookHint = 'busy';
      this.readyAt = undefined;
    };
    const ready = () => {
      this.turnOpen = false;
      this.hookHint = undefined;
      this.readyAt = now;
    };
    switch (payload.hook_event_name) {
      case 'UserPromptSubmit':
      case 'PreToolUse':
      case 'PostToolUse':
        working();
        break;
      case 'Stop':
        if (continues) working();
        else ready();
        break;
      case 'SubagentStop':
        this.hookHint = undefined;
        break;
      case 'SessionStart':
        ready();
        break;
      case 'PermissionRequest':
        this.hookHint = 'waiting_permission';
        break;
      case 'Notification':
        if (payload.notification_type === 'permission_prompt') this.hookHint = 'waiting_permission';
        else if (payload.notification_type === 'idle_prompt') ready();
        break;
    }
    void this.classify();
  }

  /**
   * Reads the screen (once pending output is drawn) and settles the state. One read at a time: a
   * call during a read is answered by one more read after it (output that keeps coming would
   * otherwise line up a read for every call, all run at once when it stops).
   */
  classify(): Promise<void> {
    if (this.inRead) {
      this.readAgain = true;
      return this.inRead;
    }
    const read = async () => {
      do {
        this.readAgain = false;
        await this.deps.mirror.settled();
        if (this.disposed || !this.running) return;
        this.readScreen();
      } while (this.readAgain);
    };
    this.inRead = read().finally(() => {
      this.inRead = undefined;
    });
    return this.inRead;
  }

  private readScreen(): void {
    const started = this.deps.clock.now();
    this.reading = classifyMirror(this.deps.mirror);
    this.lastReadMs = this.deps.clock.now() - started;
    if (this.reading.state !== 'unknown') this.unknownSince = undefined;
    else this.unknownSince ??= this.deps.clock.now();
    this.set(this.resolve(), true);
  }

  private resolve(): AgentState {
    const state = this.resolveScreen();
    if (state !== 'busy' || this.deps.flavor === 'plain') return state;
    // Busy, but nothing drawn and no hook for a long while: the person should look.
    const quietSince = Math.max(this.lastOutputAt, this.lastHookAt);
    const stuckAt = quietSince + STUCK_AFTER_MS;
    if (this.deps.clock.now() >= stuckAt) return 'stuck';
    this.recheckAt(stuckAt);
    return state;
  }

  private resolveScreen(): AgentState {
    const now = this.deps.clock.now();
    const r = this.reading.state;
    // A screen the table knows ends an unrecognised spell.
    if (r !== 'unknown') this.unrecognised = false;
    // A menu, question or dialog (the folder-trust question, a Claude Code not logged in) waits
    // for the person, whatever the hooks said last.
    if (r !== 'unknown' && waitsForPerson(r)) return r;
    if (this.deps.flavor === 'plain')
      return now - this.lastOutputAt < PLAIN_BUSY_MS ? this.scheduleQuiet(PLAIN_BUSY_MS, 'busy') : 'idle';
    if (r === 'busy') return 'busy';
    if (r === 'idle' || r === 'waiting_shell') {
      if (this.hookHint === 'waiting_permission') this.hookHint = undefined;
      // A turn the hooks say is still open, with output still flowing, is busy between tool calls.
      if (this.turnOpen && now - this.lastOutputAt < IDLE_QUIET_MS)
        return this.scheduleQuiet(IDLE_QUIET_MS, 'busy');
      this.everIdle = true;
      return r;
    }
    if (this.hookHint) return this.hookHint;
    // A hook said it waits at its prompt, yet its screen matches nothing known: say so, rather
    // than sit at "starting" (a Claude Code whose screen strings changed).
    if (this.readyAt !== undefined) {
      // Both for a while: a hook said ready, and the screen has matched nothing (a redraw caught
      // half-way, or a panel the person opened for a moment, is not enough).
      const due = Math.max(this.readyAt, this.unknownSince ?? now) + UNRECOGNISED_AFTER_MS;
      if (now >= due || this.unrecognised) return ((this.unrecognised = true), 'unrecognised');
      this.recheckAt(due);
    }
    return this.everIdle ? this.current : 'starting';
  }

  /** Reads the screen again at `at` (a state that time alone changes: stuck, unrecognised). */
  private recheckAt(at: number): void {
    if (this.recheck && this.recheck.at <= at) return;
    this.recheck?.cancel();
    const timer = this.deps.clock.setTimeout(
      () => {
        this.recheck = undefined;
        void this.classify();
      },
      Math.max(1, at - this.deps.clock.now()),
    );
    this.recheck = { at, cancel: () => timer.cancel() };
  }

  /** Returns `state` and re-checks once output has been quiet long enough to change it. */
  private scheduleQuiet(window: number, state: AgentState): AgentState {
    this.quietTimer?.cancel();
    const wait = Math.max(1, window - (this.deps.clock.now() - this.lastOutputAt));
    this.quietTimer = this.deps.clock.setTimeout(() => {
      this.quietTimer = undefined;
      void this.classify();
    }, wait);
    return state;
  }

  private set(state: AgentState, fromScreen = false): void {
    const menu = fromScreen ? JSON.stringify(this.reading.options) : this.lastMenu;
    if (state === this.current && menu === this.lastMenu) return;
    this.current = state;
    this.lastMenu = menu;
    this.deps.onChange(state, this.reading);
  }

  private cancelTimers(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.quietTimer?.cancel();
    this.quietTimer = undefined;
    this.recheck?.cancel();
    this.recheck = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimers();
  }
}
