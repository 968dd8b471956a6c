import xtermHeadless from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import { MAX_ANSWER_BYTES } from '../../contract/limits.js';
import { fitBytes } from '../util/fitBytes.js';

const { Terminal } = xtermHeadless;

/** Lines kept above the screen: enough for a tile attaching later to scroll back a while. */
export const MIRROR_SCROLLBACK_LINES = 2000;
/**
 * A snapshot past this carries less scrollback (the screen itself always comes whole). A full
 * scrollback of coloured build output at 120 columns is about 200,000 characters; one whose every
 * cell carries the most combining marks the output filter lets through is over 2,000,000.
 */
export const MIRROR_MAX_SNAPSHOT_CHARS = 1_000_000;

/**
 * A headless terminal fed the same bytes as the agent's PTY: the studio reads the screen from
 * here (to classify state and verify typing) and hands a serialized snapshot to a UI tile that
 * attaches later.
 */
export class ScreenMirror {
  private readonly term: InstanceType<typeof Terminal>;
  private readonly serializer = new SerializeAddon();
  private pending = 0;
  /** Characters handed to xterm, and how many of them it has parsed (the stream position). */
  writtenChars = 0;
  parsedChars = 0;
  private isDisposed = false;
  private readonly drained: Array<() => void> = [];

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
    this.term.loadAddon(this.serializer as never);
  }

  /** xterm parses asynchronously; `settled()` resolves once everything written so far is on screen. */
  write(data: string): void {
    this.pending++;
    this.writtenChars += data.length;
    this.term.write(data, () => {
      this.pending--;
      this.parsedChars += data.length;
      if (this.pending === 0) for (const resolve of this.drained.splice(0)) resolve();
    });
  }

  settled(): Promise<void> {
    if (this.pending === 0 || this.isDisposed) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  text(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < this.term.rows; i++) {
      lines.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    }
    return lines.join('\n');
  }

  /**
   * The bottom `maxLines` rows of the visible screen, leaving out blank rows below the last text:
   * what the classifier and read_peer look at, read from the bottom up so that rows they would
   * drop are never read. Rows are trimmed at the end, one string each, top first.
   */
  tail(maxLines: number): string[] {
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let i = this.term.rows - 1; i >= 0 && rows.length < maxLines; i--) {
      const row = (buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '').replace(/\s+$/, '');
      if (row || rows.length) rows.push(row);
    }
    return rows.reverse();
  }

  /**
   * The last `maxLines` rows of everything this terminal shows and keeps above (screen and
   * scrollback), leaving out blank rows below the last text: what a program printed since it
   * started, for reading why it stopped. Read from the bottom up, trimmed at the end, top first.
   */
  recentLines(maxLines: number): string[] {
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let i = buffer.length - 1; i >= 0 && rows.length < maxLines; i--) {
      const row = (buffer.getLine(i)?.translateToString(true) ?? '').replace(/\s+$/, '');
      if (row || rows.length) rows.push(row);
    }
    return rows.reverse();
  }

  /** The application has asked for bracketed paste (mode ?2004). */
  get bracketedPaste(): boolean {
    return this.term.modes.bracketedPasteMode;
  }

  /**
   * Screen and scrollback as escape sequences that recreate them in another terminal: as much
   * scrollback as fits in MIRROR_MAX_SNAPSHOT_CHARS, the most recent first.
   */
  serialize(): string {
    let scrollback = MIRROR_SCROLLBACK_LINES;
    for (;;) {
      const data = this.serializer.serialize({ scrollback });
      if (data.length <= MIRROR_MAX_SNAPSHOT_CHARS || scrollback === 0) return data;
      // Rows cost about the same: keep the share of them that fits, with a margin.
      scrollback = Math.floor((scrollback * MIRROR_MAX_SNAPSHOT_CHARS * 0.9) / data.length);
    }
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  dispose(): void {
    this.isDisposed = true;
    for (const resolve of this.drained.splice(0)) resolve();
    this.term.dispose();
  }
}

/** Room kept in a screen answer for the line saying rows were left out. */
const TAIL_NOTE_BYTES = 100;

/**
 * Rows of a screen (top first) as one answer within MAX_ANSWER_BYTES: the oldest rows are left out
 * first, and the answer says how many. (One row always fits: the output filter keeps a cell to a
 * few characters.)
 */
export function tailAnswer(rows: string[]): string {
  const newestFirst = [...rows].reverse();
  const kept = fitBytes(
    newestFirst,
    (row) => Buffer.byteLength(row) + 1,
    MAX_ANSWER_BYTES - TAIL_NOTE_BYTES,
  ).reverse();
  const left = rows.length - kept.length;
  return (left ? [`(${left} earlier lines left out: they would not fit in one answer)`, ...kept] : kept).join(
    '\n',
  );
}
