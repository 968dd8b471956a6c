// Why an agent's program ended, in words a person can act on: read from its exit status and the
// last lines it printed. Pure, so every case is tested without a process.

import { QUICK_EXIT_MS } from '../../contract/exits.js';

/** Waits before each automatic restart (1st, 2nd, 3rd...): quick enough for a blip, not a spin. */
export const RESTART_BACKOFF_MS = [1000, 3000, 8000] as const;
/**
 * Restarts the studio makes by itself within CRASH_WINDOW_MS before it stops: a program that
 * crashes a while after each start never counts as a quick exit, but must not loop forever.
 */
export const MAX_RESTARTS_PER_WINDOW = 5;
export const CRASH_WINDOW_MS = 10 * 60_000;
/** How many of the terminal's last lines an exit keeps, and how long each may be. */
export const EXIT_TAIL_LINES = 12;
const EXIT_TAIL_LINE_CHARS = 240;

export interface ExitFacts {
  code: number | null;
  signal: number | null;
  ranMs: number;
  /** The terminal's last lines. */
  tail: string[];
  /** Claude Code (wired to the studio) or another command. */
  claude: boolean;
  /** The program as launched (for "run it yourself"). */
  command: string;
  cwd: string;
}

/** Patterns in what Claude Code (or Node under it) prints, each with what to try. */
const KNOWN_CAUSES: Array<{ test: RegExp; advice: string }> = [
  {
    test: /not logged in|please run \/login|\/login to|invalid api key|authentication[_ ]error|oauth token (has )?expired|credit balance/i,
    advice:
      'Claude Code is not logged in (or its key was refused). Run `claude` once in a terminal, log in, then start this agent again.',
  },
  {
    test: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|network error|network is unreachable|unable to connect|getaddrinfo|certificate/i,
    advice:
      "Claude Code could not reach its service. Check this machine's network (and HTTPS_PROXY or a corporate certificate if you use one), then start this agent again.",
  },
  {
    test: /command not found|No such file or directory|ENOENT/i,
    advice: 'Something it runs was not found. Check the command and the PATH the studio was started with.',
  },
  {
    test: /JavaScript heap out of memory|ENOMEM|Killed/i,
    advice: 'It ran out of memory. Close some agents or give the machine more memory, then start it again.',
  },
];

/**
 * The lines a cause is read from: the very last ones, where a program says why it stops. Earlier
 * ones are the agent's own work, where "certificate" or "ENOENT" says nothing about the exit.
 */
const CAUSE_LINES = 4;

/** What to try after an exit, in a sentence or two. */
export function adviseExit(f: ExitFacts): string {
  const text = f.tail.slice(-CAUSE_LINES).join('\n');
  const known = KNOWN_CAUSES.find((c) => c.test.test(text));
  if (known) return known.advice;
  if (f.signal)
    return `It was killed by signal ${f.signal} (by hand, or by the system when memory ran short). Start it again from its tile.`;
  if (f.code === 127) return `The command ${f.command} was not found. Check the agent's command and PATH.`;
  if (f.code === 0 && f.ranMs >= QUICK_EXIT_MS)
    return 'It ended by itself (for example /exit or Ctrl-D). Start it again when you want it back.';
  const who = f.claude ? 'Claude Code' : f.command;
  return `Its last lines above may say why. To see more, run ${who} yourself in a terminal in ${f.cwd || 'your home folder'}, then start this agent again.`;
}

/** The terminal's last non-blank lines, trimmed and bounded. */
export function exitTail(screenText: string, lines = EXIT_TAIL_LINES): string[] {
  return screenText
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .map((l) => (l.length > EXIT_TAIL_LINE_CHARS ? l.slice(0, EXIT_TAIL_LINE_CHARS - 1) + '…' : l));
}
