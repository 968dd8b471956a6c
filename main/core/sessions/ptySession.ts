import type { Disposable } from '../../contract/events.js';
import { TERMINAL_MAX_COLS, TERMINAL_MAX_ROWS, TERMINAL_MIN_CELLS } from '../../contract/limits.js';
import type { Clock } from '../util/clock.js';
import { Emitter } from '../util/emitter.js';
import { childPids } from '../util/processTree.js';
import { OutputFilter } from './outputFilter.js';
import { ScreenMirror } from './screenMirror.js';

/** Output is sent to viewers at most this often (one frame at 60 Hz), as Hyper does. */
export const OUTPUT_FLUSH_MS = 16;
/** ...or sooner once this much is waiting, so a flood is sent in pieces a viewer can parse. */
export const OUTPUT_FLUSH_CHARS = 200_000;
/** A viewer more than this far behind pauses the process (VS Code's terminal high-water mark). */
export const FLOW_HIGH_WATER_CHARS = 100_000;
/** ...and it resumes once the viewer is back under this. */
export const FLOW_LOW_WATER_CHARS = 5_000;
/**
 * A viewer that is drawing acknowledges every frame. Only one that acknowledged within this long
 * holds the process back; one that is far behind and has acknowledged nothing for this long is
 * not drawing (a hidden tab, a minimised window, a client that stopped reading) and is told so
 * (onStall), so its host stops sending it output it would only queue.
 */
export const VIEWER_STALL_MS = 1000;
/** How long a stopped process gets to exit on SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 3000;

/** The part of node-pty's IPty the studio uses; tests may pass anything shaped like it. */
export interface PtyProcess {
  readonly pid: number;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
  onData(listener: (data: string) => void): { dispose(): void };
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
}

export type SpawnPty = (
  file: string,
  args: string[],
  options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
) => PtyProcess;

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /**
   * `command` is a wrapper that passes no signal on (bubblewrap, around a sandboxed agent): a stop
   * signals its child, the program itself, so it ends as cleanly as on its own.
   */
  wrapper?: boolean;
}

export interface ExitStatus {
  code: number;
  signal: number | null;
  at: number;
}

/** A batch of output and where it starts in the session's stream (characters since spawn). */
export interface OutputChunk {
  data: string;
  seq: number;
}

/** Screen and scrollback as of `seq`: output from `seq` on is what a new viewer still needs. */
export interface SeqSnapshot {
  data: string;
  seq: number;
  cols: number;
  rows: number;
}

export interface OutputConsumer extends Disposable {
  /** Tell the session this many characters were drawn. */
  ack(chars: number): void;
  /** It stopped acknowledging while far behind, and no longer holds the process back. */
  readonly stalled: boolean;
}

interface Consumer {
  unacked: number;
  /** When it last acknowledged anything; undefined until it has drawn something. */
  lastAckAt: number | undefined;
  /**
   * When it last went from owing nothing to owing output: silence is measured from the later of
   * this and its last ack, so a viewer idle for a while is not taken for stalled by a new burst.
   */
  owedSince: number;
  stalled: boolean;
  onStall: (() => void) | undefined;
}

/**
 * One process in a pseudo-terminal: spawn, input, resize, stop, exit status. Output passes the
 * output filter (caps on marks per cell and text per line), then feeds the screen mirror at once
 * and viewers in batches, with flow control so a slow viewer pauses the process instead of
 * queueing without bound.
 */
export class PtySession {
  readonly mirror: ScreenMirror;
  /** Nothing the process prints reaches the mirror or a viewer except through this. */
  private readonly filter = new OutputFilter();
  private proc: PtyProcess | undefined;
  private subscriptions: Array<{ dispose(): void }> = [];
  private buffer: string[] = [];
  private bufferedChars = 0;
  /** Characters already handed to viewers; the next chunk starts here. */
  private emittedChars = 0;
  private flushTimer: { cancel(): void } | undefined;
  private readonly consumers = new Set<Consumer>();
  private paused = false;
  private stallCheck: { cancel(): void } | undefined;
  private exitStatus: ExitStatus | undefined;
  private exitWaiters: Array<(s: ExitStatus) => void> = [];

  private readonly onOutputEmitter = new Emitter<OutputChunk>();
  private readonly onExitEmitter = new Emitter<ExitStatus>();
  /**
   * Output as the studio shows it (filtered), unbatched, one event per chunk the process wrote,
   * even a chunk the filter emptied: that is activity too (the state tracker watches it here).
   */
  private readonly onRawEmitter = new Emitter<string>();
  readonly onDidOutput = (listener: (chunk: OutputChunk) => void): Disposable =>
    this.onOutputEmitter.on(listener);
  readonly onDidExit = (listener: (status: ExitStatus) => void): Disposable =>
    this.onExitEmitter.on(listener);
  readonly onDidRawOutput = (listener: (data: string) => void): Disposable => this.onRawEmitter.on(listener);

  constructor(
    private spec: LaunchSpec,
    private readonly spawn: SpawnPty,
    private readonly clock: Clock,
  ) {
    this.mirror = new ScreenMirror(spec.cols, spec.rows);
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.exitStatus === undefined;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.spec.cols, rows: this.spec.rows };
  }

  /** Spawns the process; throws with the spawn error (for example a missing command). */
  start(): void {
    if (this.running) return;
    this.exitStatus = undefined;
    const proc = this.spawn(this.spec.command, this.spec.args, {
      name: 'xterm-256color',
      cols: this.spec.cols,
      rows: this.spec.rows,
      cwd: this.spec.cwd,
      env: this.spec.env,
    });
    this.proc = proc;
    this.subscriptions.push(
      proc.onData((data) => this.handleData(data)),
      proc.onExit((e) => this.handleExit(e.exitCode, e.signal ?? null)),
    );
  }

  private handleData(raw: string): void {
    const data = this.filter.filter(raw);
    if (data) this.mirror.write(data);
    this.onRawEmitter.fire(data);
    if (!data) return;
    this.buffer.push(data);
    this.bufferedChars += data.length;
    if (this.bufferedChars >= OUTPUT_FLUSH_CHARS) this.flush();
    else if (!this.flushTimer) this.flushTimer = this.clock.setTimeout(() => this.flush(), OUTPUT_FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    const seq = this.emittedChars;
    this.emittedChars += chunk.length;
    const now = this.clock.now();
    for (const c of this.consumers) {
      if (c.unacked === 0) c.owedSince = now;
      c.unacked += chunk.length;
    }
    this.onOutputEmitter.fire({ data: chunk, seq });
    this.updateFlow();
  }

  /** How long a viewer has owed output without acknowledging any of it. */
  private silentFor(c: Consumer, now: number): number {
    return now - Math.max(c.lastAckAt ?? c.owedSince, c.owedSince);
  }

  /**
   * A viewer drawing now: it has acknowledged output before, and has not sat on what it owes for
   * VIEWER_STALL_MS. Only these hold the process; one that never acknowledged anything never does.
   */
  private drawing(c: Consumer, now: number): boolean {
    return !c.stalled && c.lastAckAt !== undefined && this.silentFor(c, now) < VIEWER_STALL_MS;
  }

  /** Pauses the process for the slowest viewer that is drawing, resumes when it catches up. */
  private updateFlow(): void {
    const now = this.clock.now();
    let worst = 0;
    let nextCheck = Infinity;
    for (const c of this.consumers) {
      if (c.stalled) continue;
      const drawing = this.drawing(c, now);
      if (drawing) worst = Math.max(worst, c.unacked);
      // Far behind, or able to keep a pause going: look again when it will have been silent for
      // VIEWER_STALL_MS (then it stalls, or stops counting as drawing).
      if (c.unacked > FLOW_HIGH_WATER_CHARS || (drawing && c.unacked >= FLOW_LOW_WATER_CHARS))
        nextCheck = Math.min(nextCheck, VIEWER_STALL_MS - this.silentFor(c, now));
    }
    if (!this.paused && worst > FLOW_HIGH_WATER_CHARS) {
      this.paused = true;
      this.proc?.pause();
    } else if (this.paused && worst < FLOW_LOW_WATER_CHARS) {
      this.paused = false;
      this.proc?.resume();
    }
    this.stallCheck?.cancel();
    this.stallCheck =
      nextCheck === Infinity
        ? undefined
        : this.clock.setTimeout(() => this.checkStalls(), Math.max(1, Math.ceil(nextCheck)));
  }

  /** A viewer far behind that has acknowledged nothing for VIEWER_STALL_MS is not drawing. */
  private checkStalls(): void {
    this.stallCheck = undefined;
    const now = this.clock.now();
    for (const c of this.consumers) {
      if (c.stalled || c.unacked <= FLOW_HIGH_WATER_CHARS) continue;
      if (this.silentFor(c, now) < VIEWER_STALL_MS) continue;
      c.stalled = true;
      c.onStall?.();
    }
    this.updateFlow();
  }

  /**
   * The mirror's screen at a point in the stream. xterm parses asynchronously while output keeps
   * coming, so this waits for a moment when everything received is parsed and serializes then,
   * in the same tick: the snapshot and the chunks after `seq` fit together exactly.
   */
  async snapshot(): Promise<SeqSnapshot> {
    for (;;) {
      await this.mirror.settled();
      if (this.mirror.disposed) throw new Error('The terminal was closed.');
      if (this.mirror.parsedChars === this.mirror.writtenChars) {
        const { cols, rows } = this.mirror;
        return { data: this.mirror.serialize(), seq: this.mirror.parsedChars, cols, rows };
      }
    }
  }

  /**
   * A viewer that acknowledges what it drew; while it keeps acknowledging it can pause the
   * process. `onStall` is called if it falls far behind and stops (see VIEWER_STALL_MS).
   */
  addConsumer(onStall?: () => void): OutputConsumer {
    const entry: Consumer = {
      unacked: 0,
      lastAckAt: undefined,
      owedSince: this.clock.now(),
      stalled: false,
      onStall,
    };
    this.consumers.add(entry);
    return {
      ack: (chars) => {
        entry.unacked = Math.max(0, entry.unacked - chars);
        entry.lastAckAt = this.clock.now();
        this.updateFlow();
      },
      get stalled() {
        return entry.stalled;
      },
      dispose: () => {
        this.consumers.delete(entry);
        this.updateFlow();
      },
    };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private handleExit(code: number, signal: number | null): void {
    this.flush();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    const status: ExitStatus = { code, signal: signal || null, at: this.clock.now() };
    this.exitStatus = status;
    this.paused = false;
    this.stallCheck?.cancel();
    this.stallCheck = undefined;
    this.onExitEmitter.fire(status);
    for (const w of this.exitWaiters.splice(0)) w(status);
  }

  write(data: string): void {
    if (!this.running) throw new Error('The session is not running.');
    this.proc!.write(data);
  }

  resize(cols: number, rows: number): void {
    if (
      !Number.isInteger(cols) ||
      !Number.isInteger(rows) ||
      cols < TERMINAL_MIN_CELLS ||
      rows < TERMINAL_MIN_CELLS ||
      cols > TERMINAL_MAX_COLS ||
      rows > TERMINAL_MAX_ROWS
    ) {
      throw new Error(`Bad terminal size ${cols}x${rows}.`);
    }
    this.spec = { ...this.spec, cols, rows };
    this.mirror.resize(cols, rows);
    if (this.running) this.proc!.resize(cols, rows);
  }

  waitForExit(): Promise<ExitStatus> {
    if (this.exitStatus) return Promise.resolve(this.exitStatus);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** SIGTERM, then SIGKILL if it has not exited within STOP_GRACE_MS. */
  async stop(): Promise<ExitStatus | undefined> {
    if (!this.running) return this.exitStatus;
    const proc = this.proc!;
    if (!this.signalWrapped('SIGTERM')) proc.kill('SIGTERM');
    const timer = this.clock.setTimeout(() => {
      if (this.running) proc.kill('SIGKILL');
    }, STOP_GRACE_MS);
    const status = await this.waitForExit();
    timer.cancel();
    return status;
  }

  /** Signals the program a wrapper runs (see LaunchSpec.wrapper); false when there is none to signal. */
  private signalWrapped(signal: NodeJS.Signals): boolean {
    const program = this.spec.wrapper && this.proc ? childPids(this.proc.pid)[0] : undefined;
    if (!program) return false;
    try {
      process.kill(program, signal);
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    this.flushTimer?.cancel();
    this.stallCheck?.cancel();
    if (this.running) {
      this.proc!.kill('SIGKILL');
      // The exit event will not be listened for any more: record the kill as the exit now.
      const status: ExitStatus = { code: 0, signal: 9, at: this.clock.now() };
      this.exitStatus = status;
      for (const w of this.exitWaiters.splice(0)) w(status);
    }
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.onOutputEmitter.dispose();
    this.onExitEmitter.dispose();
    this.onRawEmitter.dispose();
    this.mirror.dispose();
  }
}
