import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import xtermHeadless from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { describe, expect, it } from 'vitest';
import { TERMINAL_MAX_LINE_CHARS, TERMINAL_MAX_MARKS_PER_CELL } from '../../../../main/contract/limits.js';
import { isJoiner, LINE_CUT_MARK, OutputFilter } from '../../../../main/core/sessions/outputFilter.js';

const { Terminal } = xtermHeadless;
const ACCENT = '\u0301';
const MARKS = TERMINAL_MAX_MARKS_PER_CELL;
const LINE = TERMINAL_MAX_LINE_CHARS;

/** The whole stream through one filter, in the given pieces. */
function filtered(chunks: string[], filter = new OutputFilter()): string {
  return chunks.map((c) => filter.filter(c)).join('');
}

/** `text` cut into pieces of `size` characters (halves of a surrogate pair may land apart). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Claude Code 2.1.330's own output, recorded in the studio (see the fixture's note). */
const claudeStreams = (
  JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/streams/claude-2.1.330.json'), 'utf8')) as {
    agents: string[][];
  }
).agents;

/** Writes `data` into a fresh terminal as the studio's copy has it; returns its longest cell (code points). */
async function longestCell(data: string, cols = 40, rows = 10): Promise<number> {
  const term = new Terminal({ cols, rows, scrollback: 100, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  let longest = 0;
  const buffer = term.buffer.active;
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y)!;
    for (let x = 0; x < cols; x++)
      longest = Math.max(longest, [...(line.getCell(x)?.getChars() ?? '')].length);
  }
  term.dispose();
  return longest;
}

describe('OutputFilter: what normal output looks like is left alone', () => {
  const normal: Array<[string, string]> = [
    ['plain lines', 'hello\r\nworld\r\n'],
    ['colours, bold, truecolor', '\x1b[1;31mred\x1b[0m \x1b[38;2;215;119;87mclay\x1b[39m\x1b[22m'],
    [
      'cursor moves, erase, scroll region',
      '\x1b7\x1b[r\x1b8\x1b[2J\x1b[H\x1b[10;20Hx\x1b[3A\x1b[K\x1b[1;30r',
    ],
    [
      'modes: bracketed paste, alt screen, mouse, focus',
      '\x1b[?2004h\x1b[?1049h\x1b[?1000h\x1b[?1006h\x1b[?1004h',
    ],
    ['bracketed paste markers echoed', '\x1b[200~pasted\x1b[201~'],
    [
      'OSC title and hyperlink',
      '\x1b]0;✳ Claude Code\x07\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\',
    ],
    ['DCS and APC', '\x1bP$qm\x1b\\\x1b_app\x1b\\'],
    ['C1 CSI and OSC', '\u009b31mx\u009d0;t\u009c'],
    ['CJK and wide characters', '日本語のテキスト 한국어 中文 ｆｕｌｌ'],
    [
      'emoji, ZWJ sequences, skin tones, flags',
      '😀 👨‍👩‍👧 👩🏽‍💻 🇫🇷 ❤️ 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
    ],
    ['decomposed accents (Vietnamese, French)', 'Tie\u0302\u0301ng Vie\u0323\u0302t cafe\u0301'],
    ['a Tibetan stack and Hebrew points', 'ཧྐྵྨླྺྼྻྂ שָׁלוֹם'],
    ['box drawing and the prompt', '────\r\n❯\u00a0hi\r\n⏵⏵ auto mode on'],
    ['a line of exactly the cap', 'x'.repeat(LINE) + '\r\n'],
  ];

  it.each(normal)('%s: unchanged, the same string', (_what, text) => {
    expect(new OutputFilter().filter(text)).toBe(text);
  });

  it("Claude Code's own output (2.1.330, recorded) passes unchanged, in its chunks and in any others", () => {
    expect(claudeStreams.length).toBe(2);
    for (const chunks of claudeStreams) {
      const whole = chunks.join('');
      expect(filtered(chunks)).toBe(whole);
      for (const size of [1, 2, 3, 7, 64, 4096]) expect(filtered(pieces(whole, size))).toBe(whole);
    }
  });

  it('counts as joining every character xterm.js draws on the cell before it (Unicode 6 and 11)', () => {
    // The cap holds only if the filter counts at least what the terminal appends to a cell: the
    // studio's copy uses Unicode 6, the window Unicode 11. Their width tables are internal.
    const v6 = new Terminal({ allowProposedApi: true });
    const v11 = new Terminal({ allowProposedApi: true });
    v11.loadAddon(new Unicode11Addon());
    v11.unicode.activeVersion = '11';
    type Widths = { _core: { unicodeService: { wcwidth(cp: number): number } } };
    const width = [v6, v11].map((t) => (t as unknown as Widths)._core.unicodeService);
    const missed: string[] = [];
    let zeroWidth = 0;
    for (let cp = 0xa0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (width.every((w) => w.wcwidth(cp) !== 0)) continue;
      zeroWidth++;
      if (!isJoiner(cp)) missed.push(cp.toString(16));
    }
    v6.dispose();
    v11.dispose();
    expect(zeroWidth).toBeGreaterThan(2000);
    expect(missed).toEqual([]);
    // And what stands on a cell of its own is not counted.
    for (const ch of ['a', 'é', '日', '😀', '─', '❯', '\u00a0'])
      expect(isJoiner(ch.codePointAt(0)!)).toBe(false);
  });
});

describe('OutputFilter: combining marks per cell', () => {
  it(`keeps ${MARKS} marks after a base character and drops the rest`, () => {
    const out = new OutputFilter().filter('b' + ACCENT.repeat(2_000_000) + 'c\r\n');
    expect(out).toBe('b' + ACCENT.repeat(MARKS) + 'c\r\n');
  });

  it('counts marks across chunks, and the next base character starts a new count', () => {
    const stream = ('b' + ACCENT.repeat(40) + 'x' + '\u0323'.repeat(5)).repeat(3);
    const expected = ('b' + ACCENT.repeat(MARKS) + 'x' + '\u0323'.repeat(5)).repeat(3);
    for (const size of [1, 3, 10, 1000]) expect(filtered(pieces(stream, size))).toBe(expected);
  });

  it('counts marks outside the BMP as one each and never splits their surrogate pairs', () => {
    const mark = '\u{1D167}'; // MUSICAL SYMBOL COMBINING TREMOLO-1
    const stream = 'b' + mark.repeat(100);
    for (const size of [1, 2, 3, 5]) expect(filtered(pieces(stream, size))).toBe('b' + mark.repeat(MARKS));
  });

  it('escape sequences, DEL and cursor moves between marks do not reset the count', () => {
    // xterm appends a mark across DEL; the filter never counts less than xterm joins.
    const tricks = ['\x1b[31m', '\x7f', '\x1b[1D', '\x1b]0;t\x07', '\r', '\x1b[2;1H'];
    for (const trick of tricks) {
      const out = new OutputFilter().filter('b' + (ACCENT.repeat(10) + trick).repeat(10));
      expect(out.split(ACCENT).length - 1, JSON.stringify(trick)).toBe(MARKS);
    }
  });

  it('no cell of the screen copy ever holds more than the base and the cap, whatever is mixed in', async () => {
    // [stream, whether the terminal itself piles more than the cap into one cell]
    const hostile: Array<[string, boolean]> = [
      ['b' + ACCENT.repeat(5000), true],
      ['b' + (ACCENT.repeat(9) + '\x7f').repeat(500), true],
      ['b' + '\u200d\ufe0f\u{E0067}\u0301'.repeat(1000), true],
      ['日' + ACCENT.repeat(5000), true],
      ['\x1b]0;' + ACCENT.repeat(100) + '\x9c' + 'b' + ACCENT.repeat(5000), true],
      // The terminal starts over after a sequence; the filter does not, which only counts more.
      [('b' + ACCENT.repeat(9) + '\x1b[m').repeat(500), false],
      [('b' + ACCENT.repeat(20) + '\x1b[1;2H' + ACCENT.repeat(20)).repeat(50), true],
      ['\x1b[31' + 'é' + ACCENT.repeat(5000), false],
    ];
    for (const [data, piles] of hostile) {
      const what = JSON.stringify(data.slice(0, 12));
      if (piles) expect(await longestCell(data), what).toBeGreaterThan(MARKS + 1);
      for (const size of [1, 7, 100000]) {
        expect(await longestCell(filtered(pieces(data, size))), what).toBeLessThanOrEqual(MARKS + 1);
      }
    }
  });
});

describe('OutputFilter: characters per line', () => {
  it(`cuts a line after ${LINE} characters of text, marks the cut, and keeps the next line`, () => {
    // A megabyte on one line (a minified file printed): read once, not once per character kept.
    const out = new OutputFilter().filter('x'.repeat(2 ** 20) + '\r\nnext line\r\n');
    expect(out).toBe('x'.repeat(LINE) + LINE_CUT_MARK + '\r\nnext line\r\n');
  });

  it('lets escape sequences in the dropped part through, so colours and modes stay right', () => {
    const out = new OutputFilter().filter('x'.repeat(LINE) + 'lost\x1b[31mlost\x1b[?2004hlost\x1b[0m\nkept');
    expect(out).toBe('x'.repeat(LINE) + LINE_CUT_MARK + '\x1b[31m\x1b[?2004h\x1b[0m\nkept');
  });

  it('a carriage return or a cursor move starts a new line (Claude Code never sends LF)', () => {
    for (const move of [
      '\r',
      '\n',
      '\b',
      '\x1b[1B',
      '\x1b[36;1H',
      '\x1b[G',
      '\x1b[5C',
      '\x1bE',
      '\x1b8',
      '\u0085',
    ]) {
      const text = ('y'.repeat(LINE - 1) + move).repeat(4);
      expect(new OutputFilter().filter(text), JSON.stringify(move)).toBe(text);
    }
    // Colours and erasing do not move the cursor: the line goes on.
    const colours = ('y'.repeat(LINE / 2) + '\x1b[31m\x1b[K').repeat(3);
    expect(new OutputFilter().filter(colours)).not.toBe(colours);
  });

  it('counts characters (a wide one is one), across chunks', () => {
    const stream = '日'.repeat(LINE + 10) + '\r\nok';
    for (const size of [1, 999, LINE]) {
      expect(filtered(pieces(stream, size))).toBe('日'.repeat(LINE) + LINE_CUT_MARK + '\r\nok');
    }
  });

  it('cuts a long string payload (a title, a link) but passes its end', () => {
    const out = new OutputFilter().filter('\x1b]0;' + 't'.repeat(LINE * 3) + '\x07after');
    // The line's budget went on the payload: the text after it on the same line is cut too.
    expect(out).toBe('\x1b]0;' + 't'.repeat(LINE - 2) + '\x07' + LINE_CUT_MARK);
    expect(new OutputFilter().filter('\x1b]0;' + 't'.repeat(LINE * 3) + '\x1b\\\r\nok')).toBe(
      '\x1b]0;' + 't'.repeat(LINE - 2) + '\x1b\\\r\nok',
    );
  });
});

describe('OutputFilter: streaming', () => {
  const mixed =
    '\x1b[1;31mred\x1b[0m 日本 👨‍👩‍👧\r\n' +
    'b' +
    ACCENT.repeat(100) +
    '\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ \u009b2J' +
    'z'.repeat(LINE + 100) +
    '\x1b[?2004h\r\n😀\u{1D167}'.repeat(3);

  it('gives the same output however the stream is cut into chunks', () => {
    const whole = new OutputFilter().filter(mixed);
    expect(whole.length).toBeLessThan(mixed.length);
    for (let size = 1; size <= 40; size++) expect(filtered(pieces(mixed, size)), `size ${size}`).toBe(whole);
    // Every split point of a short stream, including between ESC and '[' and inside a surrogate pair.
    const short = '\x1b[31mé😀\x1b]0;t\x07b' + ACCENT.repeat(20);
    const shortWhole = new OutputFilter().filter(short);
    for (let at = 0; at <= short.length; at++) {
      expect(filtered([short.slice(0, at), short.slice(at)]), `split at ${at}`).toBe(shortWhole);
    }
  });

  it('holds at most one character between chunks (half a surrogate pair), never a buffer', () => {
    const f = new OutputFilter();
    const smile = '😀';
    expect(f.filter('a' + smile[0])).toBe('a');
    expect(f.heldChars).toBe(1);
    expect(f.filter(smile[1]! + 'b')).toBe(smile + 'b');
    expect(f.heldChars).toBe(0);
    // An unterminated escape sequence, string or line holds nothing back: it passes as it comes.
    for (const open of ['\x1b[', '\x1b]0;', '\x1bP', 'x'.repeat(100)]) {
      const g = new OutputFilter();
      expect(g.filter(open)).toBe(open);
      expect(g.heldChars).toBe(0);
    }
  });

  it('a flood of 10 million characters in 64 KB chunks comes out small, chunk by chunk', () => {
    const f = new OutputFilter();
    const chunk = ACCENT.repeat(64 * 1024);
    let out = f.filter('b');
    for (let i = 0; i < 160; i++) out += f.filter(chunk);
    out += f.filter('\x1b]0;' + 't'.repeat(64 * 1024));
    for (let i = 0; i < 160; i++) out += f.filter('t'.repeat(64 * 1024));
    expect(out.length).toBeLessThanOrEqual(1 + MARKS + 4 + LINE);
    expect(f.heldChars).toBe(0);
  });
});
