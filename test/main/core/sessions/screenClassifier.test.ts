import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';

// Screens recorded from the real CLI (node-pty + @xterm/headless, 100x30) against the model stub.
const DIR = join(process.cwd(), 'test/fixtures/screens/claude-2.1.330');
const screen = (name: string) => readFileSync(join(DIR, `${name}.txt`), 'utf8');

describe('classifyScreen on Claude Code 2.1.330', () => {
  it.each([
    ['idle', 'idle'],
    ['idle-auto-mode', 'idle'],
    ['after-queued', 'idle'],
    ['after-permission-esc', 'idle'],
    ['after-clear', 'idle'],
    ['idle-unsent-text', 'idle'],
    ['busy', 'busy'],
    ['busy-queued', 'busy'],
    ['permission', 'waiting_permission'],
    ['picker-model', 'waiting_select'],
    ['ask-question', 'waiting_select'],
    ['ask-question-text-option', 'waiting_text'],
    ['ask-question-typing', 'waiting_text'],
  ])('%s reads as %s', (name, state) => {
    expect(classifyScreen(screen(name)).state).toBe(state);
  });

  it('covers every recorded screen', () => {
    const names = readdirSync(DIR).map((f) => f.replace(/\.txt$/, ''));
    for (const name of names) expect(classifyScreen(screen(name)).state, name).not.toBe('unknown');
  });

  it('reads the permission menu options with the focused one', () => {
    const r = classifyScreen(screen('permission'));
    expect(r.options.map((o) => o.number)).toEqual([1, 2, 3, 4]);
    expect(r.options[0]).toMatchObject({ label: 'Yes', focused: true });
    expect(r.options[3]).toMatchObject({ label: 'No', focused: false });
  });

  it('reads unsubmitted input and queued input', () => {
    expect(classifyScreen(screen('idle-unsent-text')).input).toBe('typed but not sent');
    expect(classifyScreen(screen('idle')).input).toBe('');
    const queued = classifyScreen(screen('busy-queued'));
    expect(queued.queued).toBe(true);
    expect(queued.input).toBe('');
  });

  it('is not fooled by transcript text that looks like a spinner or a menu', () => {
    const fake = screen('idle').replace(
      ' ▝▝   ▝▝',
      '* Loading… this is model output\n1. first point\n2. second point\nDo you want to proceed? (the model asked)\n ▝▝   ▝▝',
    );
    expect(classifyScreen(fake).state).toBe('idle');
  });

  it('says unknown for a screen it does not recognise', () => {
    expect(classifyScreen('$ ls\nfoo bar\n$ ').state).toBe('unknown');
    expect(classifyScreen('').state).toBe('unknown');
  });
});

// The same six screens recorded from each version in the support table (see claudeVersions.test.ts).
// 2.1.330 was recorded first, under its own names: its screen after a finished turn is `after-queued`.
const AFTER_TURN: Record<string, string> = { '2.1.330': 'after-queued' };
describe.each(['2.0.50', '2.1.200', '2.1.330', '2.1.332'])('classifyScreen on Claude Code %s', (version) => {
  const dir = join(process.cwd(), `test/fixtures/screens/claude-${version}`);
  const read = (name: string) => readFileSync(join(dir, `${name}.txt`), 'utf8');

  it.each([
    ['idle', 'idle'],
    [AFTER_TURN[version] ?? 'idle-after-turn', 'idle'],
    ['idle-unsent-text', 'idle'],
    ['busy', 'busy'],
    ['permission', 'waiting_permission'],
    ['idle-background-shell', 'waiting_shell'],
  ])('%s reads as %s', (name, state) => {
    // A missing recording fails here (ENOENT) rather than passing unread.
    expect(classifyScreen(read(name)).state).toBe(state);
  });

  it('reads typed input, and never the empty box (or its grey example) as input', () => {
    expect(classifyScreen(read('idle-unsent-text')).input).toMatch(/typed/);
    expect(classifyScreen(read('idle')).input).toBe('');
  });
});

// Screens of a first start recorded from each version: the folder-trust question (in a folder
// not trusted yet) and a Claude Code that is not logged in (onboarding done, no key), idle and
// after a prompt it refused.
describe.each(['2.0.50', '2.1.200', '2.1.330', '2.1.332'])(
  'first-start screens of Claude Code %s',
  (version) => {
    const dir = join(process.cwd(), `test/fixtures/screens/claude-${version}`);
    const read = (name: string) => readFileSync(join(dir, `${name}.txt`), 'utf8');

    it('reads the folder-trust question as the trust question, with its answers', () => {
      const r = classifyScreen(read('trust'));
      expect(r.state).toBe('waiting_trust');
      const labels = r.options.map((o) => o.label);
      expect(labels).toContain('No, exit');
      expect(labels.some((l) => l.startsWith('Yes, '))).toBe(true);
      expect(r.options.filter((o) => o.focused)).toHaveLength(1);
    });

    it.each(['not-logged-in', 'not-logged-in-after-prompt'])(
      'reads %s as waiting for a login, with nothing typed',
      (name) => {
        const r = classifyScreen(read(name));
        expect(r.state).toBe('waiting_login');
        expect(r.input).toBe('');
      },
    );

    it('reads its other recorded screens as before: no trust question or login there', () => {
      for (const name of ['idle', 'busy', 'permission']) {
        expect(classifyScreen(read(name)).state).not.toMatch(/waiting_(trust|login)/);
      }
    });
  },
);

it('the trust answers are numbered as drawn when a version does not number them (2.1.330 on)', () => {
  const r = classifyScreen(
    readFileSync(join(process.cwd(), 'test/fixtures/screens/claude-2.1.332/trust.txt'), 'utf8'),
  );
  expect(r.options).toEqual([
    { number: 1, label: 'No, exit', focused: true },
    { number: 2, label: 'Yes, I trust this folder', focused: false },
  ]);
  const old = classifyScreen(
    readFileSync(join(process.cwd(), 'test/fixtures/screens/claude-2.0.50/trust.txt'), 'utf8'),
  );
  expect(old.options).toEqual([
    { number: 1, label: 'Yes, proceed', focused: true },
    { number: 2, label: 'No, exit', focused: false },
  ]);
});

// Dialogs 2.1.330 and 2.1.332 draw when auto mode is on and requests go through a gateway (here the
// model stub, recorded with node-pty + @xterm/headless at 100x30): each is a queue item, never busy.
describe.each(['2.1.330', '2.1.332'])('auto mode dialogs of Claude Code %s', (version) => {
  const read = (name: string) =>
    readFileSync(join(process.cwd(), `test/fixtures/screens/claude-${version}/${name}.txt`), 'utf8');

  it('reads "Auto mode can\'t check actions" as a dialog answered by the keys its footer names', () => {
    const r = classifyScreen(read('auto-mode-unavailable'));
    expect(r.state).toBe('waiting_select');
    expect(r.menu).toBe('keys');
    expect(r.options).toEqual([
      { number: 1, label: 'stay in auto mode', focused: false, key: 'enter' },
      { number: 2, label: 'leave for accept edits mode and stop', focused: false, key: 'shift+tab' },
      { number: 3, label: 'cancel', focused: false, key: 'esc' },
    ]);
  });

  it('reads the permission dialog drawn without numbers ("❯ No / Yes"), not the prompt in the transcript', () => {
    const r = classifyScreen(read('permission-unnumbered'));
    expect(r.state).toBe('waiting_permission');
    expect(r.menu).toBe('unnumbered');
    expect(r.options).toEqual([
      { number: 1, label: 'No', focused: true },
      { number: 2, label: 'Yes', focused: false },
    ]);
  });
});

it('reads 2.1.330\'s offer "Make auto mode your default permission mode?" at start as a menu to walk', () => {
  const r = classifyScreen(
    readFileSync(join(process.cwd(), 'test/fixtures/screens/claude-2.1.330/auto-mode-offer.txt'), 'utf8'),
  );
  expect(r.state).toBe('waiting_select');
  expect(r.menu).toBe('unnumbered');
  expect(r.options.map((o) => [o.label, o.focused])).toEqual([
    ['Yes, set auto mode as my default permission mode', true],
    ['No, keep manual mode', false],
  ]);
});

it('reads a key footer only when it starts with Enter, and no menu with two focused rows', () => {
  const rule = '─'.repeat(60);
  expect(classifyScreen([rule, '  Some notice', '', '  Esc to cancel · Tab to amend'].join('\n')).state).toBe(
    'unknown',
  );
  expect(classifyScreen([rule, '  Pick', '  ❯ One', '  ❯ Two'].join('\n')).state).toBe('unknown');
  expect(
    classifyScreen([rule, '  Notice', '', '  Enter to continue · Esc to cancel'].join('\n')).options,
  ).toEqual([
    { number: 1, label: 'continue', focused: false, key: 'enter' },
    { number: 2, label: 'cancel', focused: false, key: 'esc' },
  ]);
});
