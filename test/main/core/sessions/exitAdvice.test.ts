import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeExit, QUICK_EXIT_MS } from '../../../../main/contract/exits.js';
import {
  adviseExit,
  EXIT_READ_LINES,
  exitLines,
  exitTail,
  type ExitFacts,
} from '../../../../main/core/sessions/exitAdvice.js';

const facts = (over: Partial<ExitFacts> = {}): ExitFacts => ({
  code: 1,
  signal: null,
  ranMs: 300,
  lines: [],
  claude: true,
  command: '/usr/bin/claude',
  cwd: '/work/app',
  ...over,
});

/** What the real CLI printed before it exited (screen and scrollback), recorded in a PTY. */
const recorded = (version: string, name: string) =>
  readFileSync(join(process.cwd(), `test/fixtures/exits/claude-${version}/${name}.txt`), 'utf8').split('\n');

describe('what to try after an exit', () => {
  it('reads the common causes from the last lines', () => {
    expect(adviseExit(facts({ lines: ['Invalid API key · Please run /login'] }))).toMatch(/not logged in/);
    expect(adviseExit(facts({ lines: ['OAuth token has expired'] }))).toMatch(/not logged in/);
    expect(adviseExit(facts({ lines: ['Error: getaddrinfo ENOTFOUND api.anthropic.com'] }))).toMatch(
      /cannot reach its service.*HTTPS_PROXY/,
    );
    expect(adviseExit(facts({ lines: ['Credit balance is too low'] }))).toMatch(/out of credit/);
    expect(adviseExit(facts({ lines: ['FATAL ERROR: JavaScript heap out of memory'] }))).toMatch(/memory/);
    expect(adviseExit(facts({ lines: ['bash: foo: command not found'], claude: false }))).toMatch(
      /not found/,
    );
  });

  it('says plainly, with what to run, that Claude Code is not logged in', () => {
    expect(adviseExit(facts({ lines: ['Not logged in · Please run /login'] }))).toBe(
      'Claude Code is not logged in (or its key was refused): run `claude` once in a terminal and log in, or set ANTHROPIC_API_KEY where the studio starts; then start this agent again.',
    );
  });

  it('otherwise goes by how it ended', () => {
    expect(adviseExit(facts({ signal: 9, code: null }))).toMatch(/killed by signal 9/);
    expect(adviseExit(facts({ code: 127, claude: false, command: 'codex' }))).toMatch(/codex was not found/);
    expect(adviseExit(facts({ code: 0, ranMs: QUICK_EXIT_MS }))).toMatch(/ended by itself/);
    // A quick exit with code 0 did not end normally: it never got going.
    expect(adviseExit(facts({ code: 0, ranMs: 100 }))).toMatch(
      /run Claude Code yourself in a terminal in \/work\/app/,
    );
  });

  it('never points "above" or "below": the lines stand apart from it wherever it is shown', () => {
    expect(adviseExit(facts({ lines: ['something odd'] }))).toMatch(/^Its last lines may say why\. /);
  });

  it('keeps the last non-blank lines, bounded', () => {
    const rows = ['a', '', 'b   ', ...Array.from({ length: 20 }, (_, i) => `line ${i}`), '', ''];
    const tail = exitTail(exitLines(rows));
    expect(tail).toHaveLength(12);
    expect(tail.at(-1)).toBe('line 19');
    expect(exitLines(['x'.repeat(1000)])[0]!.length).toBeLessThanOrEqual(240);
    const long = exitLines(Array.from({ length: EXIT_READ_LINES + 50 }, (_, i) => `row ${i}`));
    expect(long).toHaveLength(EXIT_READ_LINES);
    expect(long.at(-1)).toBe(`row ${EXIT_READ_LINES + 49}`);
    // The indent all kept lines share goes; a deeper one stays.
    expect(exitTail([' a', '   b', ' c'])).toEqual(['a', '  b', 'c']);
    expect(exitTail([])).toEqual([]);
  });

  it('leaves out the splash and logo art, keeping the words beside the logo', () => {
    const lines = exitLines([
      ' ▐▛███▛█   Claude Code v2.1.330',
      '▝▜██████▀  Opus 5.5 · API Usage Billing',
      ' ▝▝   ▝▝   /tmp/work',
      '.......█ █   █ █..........................................',
      '   ░░░░░░░░░░░░░░░░░░░    *                ██▓░░      ▓',
      '─'.repeat(40),
      '│ Tips for getting started │',
      '    at main (file.js:1:2)',
      '}',
    ]);
    expect(lines).toEqual([
      'Claude Code v2.1.330',
      'Opus 5.5 · API Usage Billing',
      '/tmp/work',
      'Tips for getting started',
      '    at main (file.js:1:2)',
      '}',
    ]);
  });

  it('says how it ended in words', () => {
    expect(describeExit({ code: 1, signal: null, ranMs: 420 })).toBe('exited with code 1 after 0.4 s');
    expect(describeExit({ code: null, signal: 9, ranMs: 150_000 })).toBe(
      'was killed by signal 9 after 3 min',
    );
  });
});

describe('a Claude Code that cannot reach its service, as each version prints it', () => {
  it.each([
    ['2.0.50', 'no-network', 'api.anthropic.com: ENOTFOUND'],
    ['2.1.200', 'no-network', 'api.anthropic.com: ENOTFOUND'],
    ['2.1.330', 'no-network', 'api.anthropic.com: ENOTFOUND'],
    ['2.1.332', 'no-network', 'api.anthropic.com: ENOTFOUND'],
    // 60 columns: the country note wraps over three lines, after "Check your internet connection".
    ['2.1.332', 'no-network-60-columns', 'api.anthropic.com: ENOTFOUND'],
    // Through a proxy that refuses: a proxy hint and a link come between as well.
    ['2.1.332', 'proxy-refused', 'api.anthropic.com: ECONNREFUSED'],
  ])('%s %s leads with the cause', (version, name, detail) => {
    const lines = exitLines(recorded(version, name));
    expect(adviseExit(facts({ lines }))).toBe(
      `Claude Code cannot reach its service (${detail}). Check this machine's network, and HTTPS_PROXY or a company certificate (NODE_EXTRA_CA_CERTS) if you use them (\`claude\` run in a terminal makes the same check); then start this agent again.`,
    );
    // What is kept to show starts where Claude Code says why, with no splash art anywhere.
    const tail = exitTail(lines);
    expect(tail[0]).toBe('Unable to connect to Anthropic services');
    expect(tail[1]).toBe(`Failed to connect to ${detail}`);
    expect(tail.join('\n')).not.toMatch(/[\u2580-\u259F]/u);
    expect(lines.join('\n')).not.toMatch(/[\u2580-\u259F]|\.{5}|…{5}/u);
  });

  it('is read whatever a command wrapping Claude Code is called', () => {
    const lines = exitLines(recorded('2.1.332', 'no-network-60-columns'));
    expect(adviseExit(facts({ lines, claude: false, command: '/usr/local/bin/claude-wrapper' }))).toMatch(
      /^Claude Code cannot reach its service \(api\.anthropic\.com: ENOTFOUND\)/,
    );
  });
});
