import type { AgentState } from '../../contract/model.js';
import type { Clock } from '../util/clock.js';
import { classifyScreen, type ScreenReading } from './screenClassifier.js';
import type { ScreenMirror } from './screenMirror.js';

/** Output usually arrives in bursts; classify once a burst has paused this long. */
export const CLASSIFY_DEBOUNCE_MS = 30;
/** An idle-looking screen during an open turn counts as idle once output has been quiet this long. */
export const IDLE_QUIET_MS = 1500;
/** A plain terminal (no hooks, no known screen) is busy while it printed within this window. */
export const PLAIN_BUSY_MS = 1000;

export type SessionFlavor = 'claude' | 'plain';

export interface HookPayload {
  hook_event_name?: string;
  notification_type?: string;
  message?: string;
  source?: string;
}

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
  private timer: { cancel(): void } | undefined;
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
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.classify();
    }, CLASSIFY_DEBOUNCE_MS);
  }

  hook(payload: HookPayload): void {
    switch (payload.hook_event_name) {
      case 'UserPromptSubmit':
        this.turnOpen = true;
        this.hookHint = 'busy';
        break;
      case 'Stop':
      case 'SubagentStop':
        if (payload.hook_event_name === 'Stop') this.turnOpen = false;
        this.hookHint = undefined;
        break;
      case 'SessionStart':
        this.turnOpen = false;
        this.hookHint = undefined;
        break;
      case 'Notification':
        if (payload.notification_type === 'permission_prompt') this.hookHint = 'waiting_permission';
        else if (payload.notification_type === 'idle_prompt') {
          this.turnOpen = false;
          this.hookHint = undefined;
        }
        break;
    }
    void this.classify();
  }

  /** Reads the screen now (after pending output is drawn) and settles the state. */
  async classify(): Promise<void> {
    await this.deps.mirror.settled();
    if (this.disposed || !this.running) return;
    this.reading = classifyScreen(this.deps.mirror.text());
    this.set(this.resolve(), true);
  }

  private resolve(): AgentState {
    const now = this.deps.clock.now();
    const r = this.reading.state;
    if (this.deps.flavor === 'plain') {
      if (r === 'waiting_permission' || r === 'waiting_select' || r === 'waiting_text') return r;
      return now - this.lastOutputAt < PLAIN_BUSY_MS ? this.scheduleQuiet(PLAIN_BUSY_MS, 'busy') : 'idle';
    }
    if (r === 'waiting_permission' || r === 'waiting_select' || r === 'waiting_text') return r;
    if (r === 'busy') return 'busy';
    if (r === 'idle') {
      if (this.hookHint === 'waiting_permission') this.hookHint = undefined;
      // A turn the hooks say is still open, with output still flowing, is busy between tool calls.
      if (this.turnOpen && now - this.lastOutputAt < IDLE_QUIET_MS)
        return this.scheduleQuiet(IDLE_QUIET_MS, 'busy');
      this.everIdle = true;
      return 'idle';
    }
    if (this.hookHint) return this.hookHint;
    return this.everIdle ? this.current : 'starting';
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
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimers();
  }
}
