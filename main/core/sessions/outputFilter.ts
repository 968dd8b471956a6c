// Everything a program prints in an agent's terminal passes through here before the studio's
// screen copy (screenMirror.ts) and before any viewer: live output and snapshots alike. Two caps,
// so that no output can grow the studio without bound:
//  - a cell keeps at most TERMINAL_MAX_MARKS_PER_CELL combining marks after its base character
//    (a terminal appends each one to the cell's text: 2,000,000 of them made one cell 4 MB of
//    string, and 25 such cells took the studio to 2.5 GB);
//  - a line keeps at most TERMINAL_MAX_LINE_CHARS characters of text; the rest of it is dropped
//    up to the next line break or cursor move, with LINE_CUT_MARK where it was cut.
// Escape sequences (colours, cursor moves, modes) always pass whole, so the screen stays right.
// Streaming: the filter holds a parser state and at most one character (half a surrogate pair)
// between chunks, never a buffer; sequences split across chunks come out as they went in.
import { TERMINAL_MAX_LINE_CHARS, TERMINAL_MAX_MARKS_PER_CELL } from '../../contract/limits.js';

/** Put where a line's text was cut, once per line. */
export const LINE_CUT_MARK = '…';

/**
 * Characters a terminal draws on the cell before them rather than a cell of their own: combining
 * marks, format characters (ZWJ, tags, variation selectors), Hangul vowel and final jamo, and
 * U+06DE (zero-width in xterm's Unicode 6 table). A superset of what xterm.js joins to a cell
 * under either Unicode version the studio loads (6 in the screen copy, 11 in the window); a test
 * checks it against both, so an xterm upgrade that joins more cannot slip past the cap.
 */
const JOINER = /^[\p{M}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff\u06de]$/u;

/** JOINER for the Basic Multilingual Plane, built on first use (65,536 tests, a few ms). */
let bmpJoiners: Uint8Array | undefined;

export function isJoiner(codePoint: number): boolean {
  // Nothing below U+0300 joins except the soft hyphen (a format character).
  if (codePoint < 0x300) return codePoint === 0xad;
  if (codePoint > 0xffff) return JOINER.test(String.fromCodePoint(codePoint));
  if (!bmpJoiners) {
    bmpJoiners = new Uint8Array(0x10000);
    for (let cp = 0x300; cp <= 0xffff; cp++) bmpJoiners[cp] = JOINER.test(String.fromCharCode(cp)) ? 1 : 0;
  }
  return bmpJoiners[codePoint] === 1;
}

// Parser states: a VT500 parser (as xterm.js has) reduced to what the caps need to know.
const GROUND = 0;
const ESCAPE = 1;
const ESCAPE_INTERMEDIATE = 2;
const CSI = 3;
/** The payload of OSC, DCS, SOS, PM or APC, up to BEL or ST. */
const STRING = 4;
/** ESC inside a string: ST if a backslash follows, else a new escape sequence. */
const STRING_ESCAPE = 5;
type ParserState = 0 | 1 | 2 | 3 | 4 | 5;

/** What becomes of one character: kept, dropped, or dropped with LINE_CUT_MARK in its place. */
const KEEP = 0;
const DROP = 1;
const CUT = 2;
type Verdict = 0 | 1 | 2;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;

const codes = (chars: string): Set<number> => new Set([...chars].map((c) => c.charCodeAt(0)));
/** Controls that start a new line of text: BS, LF, VT, FF, CR (the cursor moves). */
const C0_NEW_LINE = codes('\b\n\u000b\f\r');
/** C1 controls that move to another row: IND, NEL, RI. */
const C1_NEW_LINE = codes('\u0084\u0085\u008d');
/** C1 controls that open a string: DCS, SOS, OSC, PM, APC. */
const C1_STRING = codes('\u0090\u0098\u009d\u009e\u009f');
/** ESC finals that move the cursor to another row or reset: IND, NEL, RI, DECRC, RIS. */
const ESC_NEW_LINE = codes('DEM8c');
/** ESC finals that open a string: DCS, SOS, OSC, PM, APC. */
const ESC_STRING = codes('PX]^_');
/**
 * CSI finals that move or place the cursor: up, down, forward, back, next/previous line, column,
 * position, tabs forward/back, column/row absolute and relative, scroll region (homes the
 * cursor), restore cursor. Claude Code draws its whole screen with these and CR, never LF.
 */
const CSI_NEW_LINE = codes('ABCDEFGHIZ`adefru');

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The end of the run of marks of the Basic Multilingual Plane starting at `start`. */
function joinerRun(data: string, start: number): number {
  let end = start;
  while (end < data.length) {
    const c = data.charCodeAt(end);
    if (c < 0x300 || (c >= 0xd800 && c <= 0xdfff) || !isJoiner(c)) break;
    end++;
  }
  return end;
}

/** The end of a control sequence's parameters and intermediates starting at `start`. */
function paramRun(data: string, start: number): number {
  let end = start;
  while (end < data.length && data.charCodeAt(end) >= 0x20 && data.charCodeAt(end) <= 0x3f) end++;
  return end;
}

/** A chunk with stretches dropped and cut marks put in; built only when something changes. */
class Edit {
  private out = '';
  /** Where the stretch being kept starts. */
  private kept = 0;
  /** Where the stretch being dropped starts, or -1. */
  private dropped = -1;
  private changed = false;

  constructor(private readonly data: string) {}

  keep(at: number): void {
    if (this.dropped < 0) return;
    this.kept = at;
    this.dropped = -1;
  }

  /** Drops from `at` on, putting `mark` in its place. */
  drop(at: number, mark = ''): void {
    if (this.dropped < 0) {
      this.out += this.data.slice(this.kept, at);
      this.dropped = at;
      this.changed = true;
    }
    this.out += mark;
  }

  result(): string {
    if (!this.changed) return this.data;
    return this.dropped >= 0 ? this.out : this.out + this.data.slice(this.kept);
  }
}

/** One terminal's output filter; feed it the output in order, one chunk at a time. */
export class OutputFilter {
  private state: ParserState = GROUND;
  /** Joining characters since the last base character. */
  private marks = 0;
  /** Text characters (and string payload) since the line started. */
  private lineChars = 0;
  /** The line passed TERMINAL_MAX_LINE_CHARS: its text is dropped until the next line starts. */
  private cutting = false;
  /** LINE_CUT_MARK was put on this line (where its text was first dropped). */
  private cutMarked = false;
  /** The high half of a surrogate pair that ended the last chunk, waiting for its low half. */
  private held = '';

  constructor(
    private readonly maxMarks = TERMINAL_MAX_MARKS_PER_CELL,
    private readonly maxLineChars = TERMINAL_MAX_LINE_CHARS,
  ) {}

  /** The chunk as the studio should show it; the same string when nothing in it was capped. */
  filter(chunk: string): string {
    let data = this.held ? this.held + chunk : chunk;
    this.held = '';
    if (data.length && isHighSurrogate(data.charCodeAt(data.length - 1))) {
      this.held = data.slice(-1);
      data = data.slice(0, -1);
    }
    return this.run(data);
  }

  /** Characters kept between chunks (at most one: half a surrogate pair). */
  get heldChars(): number {
    return this.held.length;
  }

  private run(data: string): string {
    const edit = new Edit(data);
    for (let i = 0; i < data.length;) {
      // Most output is runs of text with no marks and no controls (only the line's length to
      // count) and colours and cursor moves; a flood is a run of marks past the cap. Each such
      // run is taken in one loop; anything else one character at a time.
      let end = this.state === GROUND && !this.cutting ? this.baseRun(data, i) : i;
      if (end === i && this.state === CSI) end = paramRun(data, i);
      if (end > i) {
        edit.keep(i);
        i = end;
        continue;
      }
      if (this.state === GROUND && this.marks >= this.maxMarks) end = joinerRun(data, i);
      if (end > i) {
        edit.drop(i);
        i = end;
        continue;
      }
      const c = data.charCodeAt(i);
      const length = isHighSurrogate(c) && isLowSurrogate(data.charCodeAt(i + 1)) ? 2 : 1;
      const verdict = this.step(length === 2 ? data.codePointAt(i)! : c, length);
      if (verdict === KEEP) edit.keep(i);
      else edit.drop(i, verdict === CUT ? LINE_CUT_MARK : '');
      i += length;
    }
    return edit.result();
  }

  /** What becomes of one character (`length` code units) of output. */
  private step(c: number, length: number): Verdict {
    // As in xterm: a C1 control acts in any state, and a non-ASCII character ends an escape or
    // control sequence (xterm drops it; here it is read as text, which only counts more).
    if (c >= 0x80 && this.state !== GROUND && (c <= 0x9f || this.state !== STRING)) this.state = GROUND;
    switch (this.state) {
      case GROUND:
        if (c >= 0x20 && c !== 0x7f && (c < 0x80 || c > 0x9f)) return this.text(c, length);
        this.control(c);
        break;
      case ESCAPE:
        this.escape(c);
        break;
      case ESCAPE_INTERMEDIATE:
        if (c >= 0x30 && c <= 0x7e) this.state = GROUND;
        else this.inSequence(c);
        break;
      case CSI:
        if (c >= 0x40 && c <= 0x7e) {
          if (CSI_NEW_LINE.has(c)) this.newLine();
          this.state = GROUND;
        } else this.inSequence(c);
        break;
      case STRING:
        if (c === BEL || c === CAN || c === SUB) this.state = GROUND;
        else if (c === ESC) this.state = STRING_ESCAPE;
        else if (this.cutting || (this.lineChars += length) > this.maxLineChars) {
          // A payload past the line's budget (a title, a link, an image) is cut; its end passes.
          this.cutting = true;
          return DROP;
        }
        break;
      case STRING_ESCAPE:
        // ESC \ is ST; ESC then anything else ends the string and starts a new sequence.
        if (c === 0x5c) this.state = GROUND;
        else this.escape(c);
        break;
    }
    return KEEP;
  }

  /**
   * The end of the run of base characters (text of the Basic Multilingual Plane that is no mark
   * and no control) starting at `start`, counted into the line; `start` when there is none. A
   * run is taken only up to the line's cap: the character past it is stepped alone (and cuts),
   * so a line of a megabyte is read once, not once per character kept.
   */
  private baseRun(data: string, start: number): number {
    const room = this.maxLineChars - this.lineChars;
    if (room <= 0) return start;
    const last = Math.min(data.length, start + room);
    let end = start;
    while (end < last) {
      const c = data.charCodeAt(end);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || isJoiner(c)) break;
      end++;
    }
    if (end === start) return start;
    this.lineChars += end - start;
    this.marks = 0;
    return end;
  }

  /** A printable character. A mark past the cell's cap goes silently (it draws nothing of its own). */
  private text(codePoint: number, length: number): Verdict {
    if (isJoiner(codePoint)) {
      if (this.marks >= this.maxMarks) return DROP;
      this.marks++;
    } else this.marks = 0;
    if (!this.cutting) {
      this.lineChars += length;
      if (this.lineChars <= this.maxLineChars) return KEEP;
      this.cutting = true;
    }
    if (this.cutMarked) return DROP;
    this.cutMarked = true;
    // The mark is a base character of its own: marks after it start a new count.
    this.marks = 0;
    return CUT;
  }

  /** A control character in text: C0, DEL or C1. */
  private control(c: number): void {
    if (c === ESC) this.state = ESCAPE;
    else if (c === 0x9b) this.state = CSI;
    else if (C1_STRING.has(c)) this.state = STRING;
    else if (C0_NEW_LINE.has(c) || C1_NEW_LINE.has(c)) this.newLine();
    // Other controls (BEL, TAB, DEL, ...) leave the line and the cell as they are.
  }

  /** The character after ESC. */
  private escape(c: number): void {
    if (c === 0x5b) this.state = CSI;
    else if (ESC_STRING.has(c)) this.state = STRING;
    else if (c >= 0x20 && c <= 0x2f) this.state = ESCAPE_INTERMEDIATE;
    else if (c >= 0x30 && c <= 0x7e) {
      if (ESC_NEW_LINE.has(c)) this.newLine();
      this.state = GROUND;
    } else this.inSequence(c);
  }

  /** A C0 control or DEL inside an escape or control sequence. */
  private inSequence(c: number): void {
    if (c === CAN || c === SUB) this.state = GROUND;
    else if (c === ESC) this.state = ESCAPE;
    // Other C0 controls are carried out without ending the sequence; DEL is ignored.
    else if (C0_NEW_LINE.has(c)) this.newLine();
  }

  private newLine(): void {
    this.lineChars = 0;
    this.cutting = false;
    this.cutMarked = false;
  }
}
