import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TYPED_CHARS } from '../../../../main/core/util/sanitize.js';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import {
  ENTER_DELAY_MS,
  MAX_ENTER_RETRIES,
  TerminalWriter,
} from '../../../../main/core/sessions/terminalWriter.js';
import { systemClock } from '../../../../main/core/util/clock.js';
import type { Logger } from '../../../../main/core/util/logger.js';
import {
  PASTE_END,
  PASTE_START,
  startFakePty,
  type FakeAgentOptions,
  type FakePty,
} from '../../../support/fakeAgentStudio.js';
import { holdsFor, waitFor } from '../../../support/waitFor.js';

// The writer against the fake agent in a real PTY. The Enter delay stays at its real value so the
// text and the Enter reach the application as separate reads, as they must for the real CLI.
const fakes: FakePty[] = [];
const warnings: string[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (msg) => void warnings.push(msg), error() {} };
const writer = new TerminalWriter({
  clock: systemClock,
  logger,
  enterDelayMs: ENTER_DELAY_MS,
  verifyDelayMs: 250,
});

async function fake(options: FakeAgentOptions = {}): Promise<FakePty> {
  const f = startFakePty({ busyMs: 150, ...options });
  fakes.push(f);
  await f.ready();
  return f;
}

async function screen(f: FakePty): Promise<string> {
  await f.pty.mirror.settled();
  return f.pty.mirror.text();
}

afterEach(async () => {
  warnings.length = 0;
  for (const f of fakes.splice(0)) await f.dispose();
});

describe('TerminalWriter.type', () => {
  it('writes the text as a bracketed paste, then a lone Enter, and sees it submitted', async () => {
    const f = await fake();
    const result = await writer.type(f.pty, 'hello there');
    expect(result).toMatchObject({ text: 'hello there', submitted: true });
    // The text as one chunk, then lone Enters: one, or more if this machine redrew late.
    const [text, ...enters] = f.logs.inputs();
    expect(text).toBe(PASTE_START + 'hello there' + PASTE_END);
    expect(enters).toEqual(Array(1 + result.enterRetries).fill('\r'));
    expect(f.logs.prompts()).toEqual(['hello there']);
    await waitFor('the answer', async () => (await screen(f)).includes('● ok: hello there'));
  });

  it('writes the text before returning its promise', async () => {
    const f = await fake();
    const writes: string[] = [];
    const write = f.pty.write.bind(f.pty);
    f.pty.write = (data: string) => {
      writes.push(data);
      write(data);
    };
    const typing = writer.type(f.pty, 'measured');
    expect(writes).toEqual([PASTE_START + 'measured' + PASTE_END]);
    const { enterRetries } = await typing;
    // Then its Enter (re-sent, by design, if a loaded machine redrew late).
    expect(writes).toEqual([PASTE_START + 'measured' + PASTE_END, ...Array(1 + enterRetries).fill('\r')]);
  });

  it('types the sanitized text only', async () => {
    const f = await fake();
    const hostile = 'evil\u001b[201~\u0003 text\r\nrm -rf ~\r\u001b]0;pwned\u0007\u009b2J';
    const result = await writer.type(f.pty, hostile);
    expect(result.text).toBe('evil text rm -rf ~');
    expect(f.logs.typedFoldingEnterRetries()).toBe(PASTE_START + 'evil text rm -rf ~' + PASTE_END + '\r');
    expect(f.logs.prompts()).toEqual(['evil text rm -rf ~']);
  });

  it('cuts a 100 KB text to MAX_TYPED_CHARS and types it once', async () => {
    const f = await fake();
    const result = await writer.type(f.pty, 'y'.repeat(100_000));
    expect(result.text).toHaveLength(MAX_TYPED_CHARS);
    expect(result.submitted).toBe(true);
    expect(f.logs.typedFoldingEnterRetries()).toBe(PASTE_START + result.text + PASTE_END + '\r');
    expect(f.logs.prompts()).toEqual([result.text]);
  });

  it('types raw text (no paste markers) when the application has not enabled bracketed paste', async () => {
    const f = await fake({ noPaste: true });
    expect(f.pty.mirror.bracketedPaste).toBe(false);
    const result = await writer.type(f.pty, 'plain typing');
    expect(result.submitted).toBe(true);
    expect(f.logs.inputs()).toEqual(['plain typing', ...Array(1 + result.enterRetries).fill('\r')]);
    expect(f.logs.prompts()).toEqual(['plain typing']);
  });

  it('never wraps a slash command in a paste, even with bracketed paste on', async () => {
    const f = await fake();
    expect(f.pty.mirror.bracketedPaste).toBe(true);
    const first = await writer.type(f.pty, '/clear');
    const second = await writer.type(f.pty, '/model opus');
    const enters = (r: { enterRetries: number }) => Array(1 + r.enterRetries).fill('\r');
    expect(f.logs.inputs()).toEqual(['/clear', ...enters(first), '/model opus', ...enters(second)]);
    expect(f.logs.prompts()).toEqual(['/clear', '/model opus']);
  });

  it('re-sends only the Enter when the first one was lost, and the prompt is submitted once', async () => {
    const f = await fake({ dropFirstEnter: true });
    const result = await writer.type(f.pty, 'do the thing');
    expect(result).toEqual({ text: 'do the thing', submitted: true, enterRetries: 1 });
    expect(f.logs.inputs()).toEqual([PASTE_START + 'do the thing' + PASTE_END, '\r', '\r']);
    expect(f.logs.prompts()).toEqual(['do the thing']);
    expect(warnings).toEqual([]);
  });

  it(`gives up after ${MAX_ENTER_RETRIES} extra Enters without ever retyping the text`, async () => {
    const f = await fake({ dropEnters: 100 });
    const result = await writer.type(f.pty, 'stuck prompt');
    expect(result).toEqual({ text: 'stuck prompt', submitted: false, enterRetries: MAX_ENTER_RETRIES });
    expect(f.logs.inputs()).toEqual([
      PASTE_START + 'stuck prompt' + PASTE_END,
      ...Array.from({ length: MAX_ENTER_RETRIES + 1 }, () => '\r'),
    ]);
    expect(f.logs.prompts()).toEqual([]);
    expect(classifyScreen(await screen(f)).input).toBe('stuck prompt');
    expect(warnings).toEqual(['typed text was not submitted']);
  });

  it('refuses text with nothing printable and writes nothing', async () => {
    const f = await fake();
    await expect(writer.type(f.pty, '\u001b[201~\u0003\r\n')).rejects.toThrow(/Nothing printable/);
    await holdsFor('nothing written', () => f.logs.inputs().length === 0, 300);
  });

  it('rejects when the session is not running', async () => {
    const f = await fake();
    await f.pty.stop();
    await expect(writer.type(f.pty, 'hello')).rejects.toThrow(/not running/);
  });

  it('holds its Enter when the person types in that terminal meanwhile: their Enter opens a dialog, and the studio never answers it', async () => {
    const f = await fake({ permission: true });
    let personTypedAt = 0;
    const typing = writer.type(f.pty, '[studio] You have 1 new message', {
      personTypedAt: () => personTypedAt,
    });
    // The person, at the same moment, types a prompt of their own and presses Enter.
    await waitFor('the wake text there', () => f.logs.inputs().length === 1);
    personTypedAt = systemClock.now();
    f.pty.write('perm: make a file\r');
    const result = await typing;
    expect(result).toMatchObject({ submitted: false, held: 'person', enterRetries: 0 });
    await waitFor(
      'the dialog their prompt opened',
      async () => classifyScreen(await screen(f)).state === 'waiting_permission',
    );
    await holdsFor(
      'the dialog still asking',
      () => classifyScreen(f.pty.mirror.text()).state === 'waiting_permission',
      500,
    );
    expect(f.logs.prompts()).toHaveLength(1);
    // Only the person's Enter reached it: none of the studio's.
    expect(f.logs.inputs().filter((i) => i === '\r')).toEqual([]);
    expect(warnings).toContain('held back the Enter of a typed prompt');
  });

  it('holds its Enter when a dialog is open: an Enter there would pick its first option', async () => {
    const f = await fake({ permission: true });
    f.pty.write('perm: make a file\r');
    await waitFor('the dialog', async () => classifyScreen(await screen(f)).state === 'waiting_permission');
    const result = await writer.type(f.pty, 'hello');
    expect(result).toMatchObject({ submitted: false, held: 'dialog' });
    await holdsFor(
      'the dialog still asking',
      () => classifyScreen(f.pty.mirror.text()).state === 'waiting_permission',
      500,
    );
    expect(f.logs.prompts()).toHaveLength(1);
    expect(f.logs.inputs().at(-1)).toBe(PASTE_START + 'hello' + PASTE_END);
  });

  it('stops without an Enter when the process exits while typing', async () => {
    const f = await fake();
    const typing = writer.type(f.pty, 'bye');
    await f.pty.stop();
    await expect(typing).resolves.toMatchObject({ submitted: false, enterRetries: 0 });
    expect(f.logs.inputs()).not.toContain('\r');
  });
});

describe('TerminalWriter.keys', () => {
  it('sends digits, Enter, Esc, arrows, Tab and Shift+Tab as their bytes', async () => {
    const f = await fake();
    writer.keys(f.pty, [
      '1',
      '9',
      'enter',
      'ESC',
      'Escape',
      'up',
      'down',
      'left',
      'right',
      'tab',
      'shift+tab',
    ]);
    const expected = '19\r\u001b\u001b\u001b[A\u001b[B\u001b[D\u001b[C\t\u001b[Z';
    await waitFor('the keys', () => f.logs.typed() === expected, { describe: () => f.logs.describe() });
  });

  it.each([
    [['a']],
    [['ctrl+c']],
    [['\u0003']],
    [['10']],
    [['']],
    [['enter\r']],
    [['\u001b[201~']],
    [['1', 'rm -rf /', 'enter']],
    [['space']],
  ])('refuses %j and writes nothing at all', async (keys) => {
    const f = await fake();
    expect(() => writer.keys(f.pty, keys)).toThrow(/Unknown key/);
    await holdsFor('nothing written', () => f.logs.inputs().length === 0, 200);
  });

  it('answers a permission dialog with a digit', async () => {
    const f = await fake({ permission: true });
    await writer.type(f.pty, 'perm please');
    await waitFor(
      'the permission dialog',
      async () => classifyScreen(await screen(f)).state === 'waiting_permission',
    );
    expect(classifyScreen(await screen(f)).options.map((o) => o.number)).toEqual([1, 2, 3, 4]);
    writer.keys(f.pty, ['1']);
    await waitFor('the turn to finish', async () => (await screen(f)).includes('● ok: perm please'), {
      describe: () => f.pty.mirror.text(),
    });
    expect(f.logs.inputs().at(-1)).toBe('1');
    expect(f.logs.prompts()).toEqual(['perm please']);
  });
});
