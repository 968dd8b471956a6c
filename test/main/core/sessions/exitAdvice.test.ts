import { describe, expect, it } from 'vitest';
import { describeExit, QUICK_EXIT_MS } from '../../../../main/contract/exits.js';
import { adviseExit, exitTail, type ExitFacts } from '../../../../main/core/sessions/exitAdvice.js';

const facts = (over: Partial<ExitFacts> = {}): ExitFacts => ({
  code: 1,
  signal: null,
  ranMs: 300,
  tail: [],
  claude: true,
  command: '/usr/bin/claude',
  cwd: '/work/app',
  ...over,
});

describe('what to try after an exit', () => {
  it('reads the common causes from the last lines', () => {
    expect(adviseExit(facts({ tail: ['Invalid API key · Please run /login'] }))).toMatch(/not logged in/);
    expect(adviseExit(facts({ tail: ['OAuth token has expired'] }))).toMatch(/not logged in/);
    expect(adviseExit(facts({ tail: ['Error: getaddrinfo ENOTFOUND api.anthropic.com'] }))).toMatch(
      /could not reach its service.*HTTPS_PROXY/,
    );
    expect(adviseExit(facts({ tail: ['FATAL ERROR: JavaScript heap out of memory'] }))).toMatch(/memory/);
    expect(adviseExit(facts({ tail: ['bash: foo: command not found'], claude: false }))).toMatch(/not found/);
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

  it('keeps the last non-blank lines, bounded', () => {
    const screen = ['a', '', 'b   ', ...Array.from({ length: 20 }, (_, i) => `line ${i}`), '', ''].join('\n');
    const tail = exitTail(screen);
    expect(tail).toHaveLength(12);
    expect(tail.at(-1)).toBe('line 19');
    expect(exitTail('x'.repeat(1000))[0]!.length).toBeLessThanOrEqual(240);
  });

  it('says how it ended in words', () => {
    expect(describeExit({ code: 1, signal: null, ranMs: 420 })).toBe('exited with code 1 after 0.4 s');
    expect(describeExit({ code: null, signal: 9, ranMs: 150_000 })).toBe(
      'was killed by signal 9 after 3 min',
    );
  });
});
