import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_MAX_MARKS_PER_CELL } from '../../../../main/contract/limits.js';
import { classifyMirror, classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import {
  MIRROR_MAX_SNAPSHOT_CHARS,
  MIRROR_SCROLLBACK_LINES,
  ScreenMirror,
} from '../../../../main/core/sessions/screenMirror.js';
import { TerminalWriter } from '../../../../main/core/sessions/terminalWriter.js';
import { systemClock } from '../../../../main/core/util/clock.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { startFakePty, type FakePty } from '../../../support/fakeAgentStudio.js';
import { waitFor } from '../../../support/waitFor.js';

const mirrors: ScreenMirror[] = [];
/** A screen recorded from Claude Code 2.1.330 (100x30). */
const claudeScreen = (name: string) =>
  readFileSync(join(process.cwd(), 'test/fixtures/screens/claude-2.1.330', `${name}.txt`), 'utf8');
const fakes: FakePty[] = [];

function mirror(cols = 40, rows = 6): ScreenMirror {
  const m = new ScreenMirror(cols, rows);
  mirrors.push(m);
  return m;
}

async function written(m: ScreenMirror, data: string): Promise<string> {
  m.write(data);
  await m.settled();
  return m.text();
}

/** A fresh mirror of the same size fed `source`'s snapshot. */
async function replay(source: ScreenMirror): Promise<ScreenMirror> {
  const copy = mirror(source.cols, source.rows);
  await written(copy, source.serialize());
  return copy;
}

afterEach(async () => {
  for (const f of fakes.splice(0)) await f.dispose();
  for (const m of mirrors.splice(0)) m.dispose();
});

describe('ScreenMirror', () => {
  it('text() is the visible screen, one line per row, not padded to the width', async () => {
    const m = mirror(40, 6);
    expect(m.text()).toBe('\n\n\n\n\n');
    const text = await written(m, 'hello\r\n\x1b[1;31mred\x1b[0m world\r\n\r\n  indented\x1b[20Cx\x1b[2K');
    expect(text.split('\n')).toEqual(['hello', 'red world', '', '', '', '']);
    // Cells never written are trimmed; spaces the application wrote are text like any other.
    expect((await written(m, '\x1b[5;1Hpadded   ')).split('\n')[4]).toBe('padded   ');
  });

  it('text() shows the bottom of the screen once output scrolls', async () => {
    const m = mirror(20, 4);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const text = await written(m, lines.join('\r\n'));
    expect(text.split('\n')).toEqual(['line 26', 'line 27', 'line 28', 'line 29']);
  });

  it('draws cursor addressing, erases and wide characters as a terminal does', async () => {
    const m = mirror(20, 4);
    const text = await written(m, 'abcdef\x1b[1;3HX\x1b[2;1H日本\x1b[3;1Hgone\x1b[2K\x1b[4;5Hend');
    expect(text.split('\n')).toEqual(['abXdef', '日本', '', '    end']);
  });

  it('settled() resolves at once when nothing is pending, and after a write once it is drawn', async () => {
    const m = mirror();
    await m.settled();
    m.write('a');
    m.write('b');
    m.write('c');
    await m.settled();
    expect(m.text().split('\n')[0]).toBe('abc');
  });

  it('tracks bracketed paste mode (?2004)', async () => {
    const m = mirror();
    expect(m.bracketedPaste).toBe(false);
    await written(m, '\x1b[?2004h');
    expect(m.bracketedPaste).toBe(true);
    await written(m, '\x1b[?2004l');
    expect(m.bracketedPaste).toBe(false);
  });

  it('resize() changes the size', async () => {
    const m = mirror(40, 6);
    m.resize(100, 30);
    expect(m.cols).toBe(100);
    expect(m.rows).toBe(30);
    expect(m.text().split('\n')).toHaveLength(30);
  });

  it('serialize() recreates the screen, colours and modes in a fresh mirror', async () => {
    const m = mirror(40, 6);
    await written(
      m,
      '\x1b[?2004h' +
        Array.from({ length: 20 }, (_, i) => `\x1b[3${i % 8}mrow ${i}\x1b[0m`).join('\r\n') +
        '\x1b[2;10H\x1b[1mbold\x1b[0m',
    );
    const copy = await replay(m);
    expect(copy.text()).toBe(m.text());
    expect(copy.bracketedPaste).toBe(true);
    // Serializing the copy gives the same snapshot again.
    expect(copy.serialize()).toBe(m.serialize());
  });

  it('serialize() carries the scrollback, up to MIRROR_SCROLLBACK_LINES', async () => {
    const m = mirror(30, 5);
    const total = MIRROR_SCROLLBACK_LINES + 100;
    await written(m, Array.from({ length: total }, (_, i) => `line ${i}`).join('\r\n'));
    const snapshot = m.serialize();
    expect(snapshot).toContain(`line ${total - 1}`);
    expect(snapshot).toContain(`line ${total - 5 - MIRROR_SCROLLBACK_LINES}`);
    expect(snapshot).not.toContain(`line ${total - 6 - MIRROR_SCROLLBACK_LINES}\r`);
    const copy = await replay(m);
    expect(copy.text()).toBe(m.text());
  });

  it(`serialize() keeps a snapshot within MIRROR_MAX_SNAPSHOT_CHARS by carrying less scrollback`, async () => {
    // Every cell at the output filter's cap of combining marks, all the way up the scrollback.
    const m = mirror(120, 36);
    const cell = 'b' + '\u0301'.repeat(TERMINAL_MAX_MARKS_PER_CELL);
    const rows = Array.from(
      { length: MIRROR_SCROLLBACK_LINES + 36 },
      (_, i) => `${i} `.padEnd(8) + cell.repeat(112),
    );
    await written(m, rows.join('\r\n'));
    const snapshot = m.serialize();
    expect(snapshot.length).toBeLessThanOrEqual(MIRROR_MAX_SNAPSHOT_CHARS);
    // The screen comes whole, and the scrollback it carries is the most recent.
    const copy = await replay(m);
    expect(copy.text()).toBe(m.text());
    expect(snapshot).toContain(`${rows.length - 100} `);
    expect(snapshot).not.toContain(`\r\n0 `);
  });

  it('tail() reads the bottom rows with text, up to n, as the classifier sees them', async () => {
    const m = mirror(30, 8);
    await written(m, 'one\r\ntwo  \r\n\r\nfour\r\nfive\x1b[31m   \x1b[0m\r\n\r\n');
    expect(m.tail(10)).toEqual(['one', 'two', '', 'four', 'five']);
    expect(m.tail(2)).toEqual(['four', 'five']);
    expect(mirror(30, 8).tail(5)).toEqual([]);
    // The classifier's reading of the tail is its reading of the whole screen.
    for (const name of ['idle', 'busy', 'permission', 'ask-question-text-option', 'idle-unsent-text']) {
      const screen = mirror(100, 30);
      await written(screen, '\x1b[2J\x1b[H' + claudeScreen(name).replace(/\n/g, '\r\n'));
      expect(classifyMirror(screen), name).toEqual(classifyScreen(screen.text()));
    }
  });

  it('mirrors the fake agent: its idle box, bracketed paste, and a snapshot that replays', async () => {
    const fake = startFakePty({ busyMs: 100 });
    fakes.push(fake);
    await fake.ready();
    const { mirror: live } = fake.pty;
    expect(live.bracketedPaste).toBe(true);
    expect(classifyScreen(live.text())).toMatchObject({ state: 'idle', input: '' });

    const writer = new TerminalWriter({
      clock: systemClock,
      logger: silentLogger,
      enterDelayMs: 50,
      verifyDelayMs: 200,
    });
    await writer.type(fake.pty, 'first prompt');
    await writer.type(fake.pty, 'second prompt with ünïcödé 😀');
    await waitFor('both answers', async () => {
      await live.settled();
      return (
        live.text().includes('● ok: second prompt with ünïcödé 😀') &&
        classifyScreen(live.text()).state === 'idle'
      );
    });
    const copy = await replay(live);
    expect(copy.text()).toBe(live.text());
    expect(copy.bracketedPaste).toBe(true);
    expect(classifyScreen(copy.text())).toEqual(classifyScreen(live.text()));
  });

  it('reads bracketedPaste false for an application that never enables it', async () => {
    const fake = startFakePty({ noPaste: true });
    fakes.push(fake);
    await fake.ready();
    expect(fake.pty.mirror.bracketedPaste).toBe(false);
  });
});

describe('what a program printed since it started', () => {
  it('recentLines reads the scrollback as well as the screen, from the bottom, bounded', async () => {
    const mirror = new ScreenMirror(40, 5);
    mirror.write(Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\r\n') + '\r\n\r\n');
    await mirror.settled();
    // The screen shows the last rows only; what scrolled off is still there to read.
    expect(mirror.text()).not.toContain('line 0');
    expect(mirror.recentLines(100)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`));
    expect(mirror.recentLines(3)).toEqual(['line 9', 'line 10', 'line 11']);
    mirror.dispose();
  });
});
