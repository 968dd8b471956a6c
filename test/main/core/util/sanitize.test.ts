import { describe, expect, it } from 'vitest';
import {
  isSlashCommand,
  MAX_TYPED_CHARS,
  sanitizeForTerminal as clean,
} from '../../../../main/core/util/sanitize.js';

/** Nothing that a terminal or a TUI would take as a keystroke or a sequence. */
function expectInert(out: string): void {
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/);
  expect(out).not.toMatch(/\[20[01]~/);
  expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  expect(out).toBe(out.trim());
}

describe('sanitizeForTerminal', () => {
  it.each([
    ['SGR colours', 'a\u001b[31mred\u001b[0m b', 'ared b'],
    ['cursor movement and erase', 'x\u001b[2J\u001b[H\u001b[10;20Hy\u001b[K', 'xy'],
    ['private modes (bracketed paste off, alt screen)', '\u001b[?2004lhi\u001b[?1049h', 'hi'],
    ['CSI with intermediate bytes', 'a\u001b[1 qb', 'ab'],
    ['OSC title ended by BEL', '\u001b]0;pwned\u0007ok', 'ok'],
    ['OSC 8 hyperlink ended by ST', '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['OSC 52 clipboard write', 'a\u001b]52;c;cm0gLXJmIH4=\u0007b', 'ab'],
    ['unterminated OSC eats the rest', 'keep \u001b]0;title and more', 'keep'],
    ['DCS ended by ST', '\u001bPq#0;2;0;0;0#0!7~\u001b\\done', 'done'],
    ['APC and PM', '\u001b_apc\u001b\\a\u001b^pm\u001b\\b', 'ab'],
    ['two-byte escapes (RIS, keypad, charset)', '\u001bcA\u001b=B\u001b(0C', 'ABC'],
    ['lone ESC at the end', 'end\u001b', 'end'],
    ['C1 CSI', 'a\u009b31mb\u009b2J', 'ab'],
    ['C1 OSC ended by ST', 'a\u009d0;title\u009cb', 'ab'],
    ['C1 OSC ended by BEL', 'a\u009d0;title\u0007b', 'ab'],
    ['C1 DCS', 'a\u0090data\u009cb', 'ab'],
    ['other C1 controls', 'a\u0080\u0084\u008d\u0096b', 'ab'],
    ['paste end marker', 'before\u001b[201~\rrm -rf ~\r', 'before rm -rf ~'],
    ['paste start marker', '\u001b[200~inside', 'inside'],
    ['paste marker remnants', 'a[201~b[200~c', 'abc'],
    ['remnant made by removing a control', 'a[2\u000001~b', 'ab'],
    ['Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-U', 'a\u0003b\u0004c\u001ad\u0015e', 'abcde'],
    ['NUL, BEL, backspace, DEL', 'a\u0000b\u0007c\bd\u007fe', 'abcde'],
    ['tab', 'a\tb', 'ab'],
    [
      'CRLF, CR, LF, VT, FF, NEL, LS, PS',
      'a\r\nb\rc\nd\u000be\u000cf\u0085g\u2028h\u2029i',
      'a b c d e f g h i',
    ],
    ['many line breaks in a row', 'one\r\n\r\n\r\ntwo', 'one two'],
    [
      'bidi overrides and isolates',
      'safe\u202egnp.exe\u202c \u2066x\u2069 \u200e\u200f\u061cy',
      'safegnp.exe x y',
    ],
    ['lone high surrogate', 'a\ud800b', 'ab'],
    ['lone low surrogate', '\udc00x', 'x'],
    ['surrounding and repeated whitespace', '  a   b \u00a0 c  ', 'a b c'],
  ])('removes %s', (_what, input, expected) => {
    const out = clean(input);
    expect(out).toBe(expected);
    expectInert(out);
  });

  it('keeps printable Unicode: accents, CJK, emoji, ZWJ sequences, combining marks', () => {
    const text = 'café naïve Ærøskøbing 日本語 한국어 Привет 😀 👩‍👩‍👧 🇫🇷 e\u0301 ✓ → «quotes» ❯ ─';
    expect(clean(text)).toBe(text);
  });

  it('keeps the wake prompt exactly', () => {
    const prompt =
      '[studio] You have a new task (#12) and 3 new messages from alice, bob, carol. Call check_inbox now and act on them.';
    expect(clean(prompt)).toBe(prompt);
  });

  it('cuts 100 KB to MAX_TYPED_CHARS ending with …', () => {
    const out = clean('x'.repeat(100_000));
    expect(out).toHaveLength(MAX_TYPED_CHARS);
    expect(out.endsWith('…')).toBe(true);
    expect(out.slice(0, -1)).toBe('x'.repeat(MAX_TYPED_CHARS - 1));
  });

  it('honours a smaller maxChars and leaves short text uncut', () => {
    expect(clean('abcdefghij', 5)).toBe('abcd…');
    expect(clean('abcde', 5)).toBe('abcde');
  });

  it('never leaves half a surrogate pair at the cut', () => {
    for (const prefix of ['', 'a']) {
      const out = clean(prefix + '😀'.repeat(400));
      expect(out.length).toBeLessThanOrEqual(MAX_TYPED_CHARS);
      expect(out.endsWith('…')).toBe(true);
      expectInert(out);
    }
  });

  it('100 KB of hostile text comes out short and inert', () => {
    const unit =
      'hi\u001b[201~\u0003\r\n\u001b]0;x\u0007\u009b2J\u202e[201~\u0000\u007f\ud800 ' + 'é😀'.repeat(3);
    const input = unit.repeat(Math.ceil(100_000 / unit.length));
    const out = clean(input);
    expect(out.length).toBeLessThanOrEqual(MAX_TYPED_CHARS);
    expectInert(out);
    expect(out.replace(/\s+/g, ' ').startsWith('hi é😀é😀é😀hi é😀é😀é😀hi')).toBe(true);
  });

  it('collapses the whitespace left around a removed lone surrogate', () => {
    // BUG (sanitize.ts): lone surrogates are stripped after whitespace is collapsed, so
    // "hi \ud800 x" comes out with two spaces and a second pass changes it again.
    expect(clean('hi \ud800 x')).toBe('hi x');
    expect(clean('hi \udc00\r\nx')).toBe('hi x');
  });

  it('is idempotent', () => {
    const inputs = ['a\u001b[31mb', 'x[201~y', 'a\r\nb', '😀'.repeat(400), 'plain text'];
    for (const input of inputs) expect(clean(clean(input))).toBe(clean(input));
  });

  it('returns the empty string for text with nothing printable', () => {
    expect(clean('\u001b[201~\u0003\r\n\u0000 \t')).toBe('');
    expect(clean('')).toBe('');
  });

  it('leaves no paste marker however the remnants are nested', () => {
    // Removing one "[201~" must not join the text around it into another.
    for (const input of ['a[20[201~1~b', 'a[2[200~01~b', 'a[[201~201~~b', 'a[20\u001b[201~1~b']) {
      const out = clean(input);
      expect(out, JSON.stringify(input)).not.toMatch(/\[20[01]~/);
      expect(clean(out)).toBe(out);
    }
  });

  it('always yields inert text for random hostile input', () => {
    // A small deterministic fuzz: pieces of sequences, controls and surrogates in random order.
    const pieces = [
      '\u001b',
      '[',
      ']',
      '2',
      '0',
      '1',
      '~',
      '\u009b',
      '\u009d',
      '\u009c',
      '\u0007',
      '\\',
      'P',
      '_',
      '\r',
      '\n',
      '\u0003',
      '\u0000',
      '\u007f',
      '\ud800',
      '\udc00',
      '😀',
      '\u202e',
      'a',
      ' ',
      ';',
      'm',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = 1 + Math.floor(random() * 30);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(random() * pieces.length)];
      const out = clean(s);
      // eslint-disable-next-line no-control-regex
      expect(out, JSON.stringify(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(out, JSON.stringify(s)).not.toMatch(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
      );
    }
  });
});

describe('isSlashCommand', () => {
  it.each([
    ['/clear', true],
    ['/model opus', true],
    ['/mcp__studio__check_inbox', true],
    ['/plugin:install x', true],
    ['/ clear', false],
    ['//clear', false],
    ['/1abc', false],
    ['clear', false],
    ['[studio] You have 1 new message from user.', false],
    ['path /clear', false],
  ])('%s → %s', (text, slash) => {
    expect(isSlashCommand(text)).toBe(slash);
  });
});
