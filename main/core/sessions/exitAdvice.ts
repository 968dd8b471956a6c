// Why an agent's program ended, in words a person can act on: read from its exit status and what
// it printed since it started. Pure, so every case is tested without a process.

import { QUICK_EXIT_MS } from '../../contract/exits.js';

/** Waits before each automatic restart (1st, 2nd, 3rd...): quick enough for a blip, not a spin. */
export const RESTART_BACKOFF_MS = [1000, 3000, 8000] as const;
/**
 * Restarts the studio makes by itself within CRASH_WINDOW_MS before it stops: a program that
 * crashes a while after each start never counts as a quick exit, but must not loop forever.
 */
export const MAX_RESTARTS_PER_WINDOW = 5;
export const CRASH_WINDOW_MS = 10 * 60_000;
/**
 * How far back an exit is read for its cause: all that a failed start prints (Claude Code's
 * splash, then why it stops), bounded for a session that ran a long while.
 */
export const EXIT_READ_LINES = 200;
/** How many of those lines an exit keeps for the person to read, and how long each may be. */
export const EXIT_TAIL_LINES = 12;
const EXIT_TAIL_LINE_CHARS = 240;

export interface ExitFacts {
  code: number | null;
  signal: number | null;
  ranMs: number;
  /** What it printed since it started, read by exitLines (oldest first). */
  lines: string[];
  /** Claude Code (wired to the studio) or another command. */
  claude: boolean;
  /** The program as launched (for "run it yourself"). */
  command: string;
  cwd: string;
}

/**
 * Claude Code's check of its service at its first start in a HOME (before its onboarding): this
 * headline, then what failed. Its own words, so they are read wherever they are in what it
 * printed; the lines after them (a proxy hint, "Check your internet connection", a country note
 * that wraps over three lines at 60 columns) would push them out of any fixed count of last lines.
 */
const SERVICE_HEADLINE = /Unable to connect to Anthropic services/;
/** What failed, as that check says it: "api.anthropic.com: ENOTFOUND", "...: Status 403". */
const SERVICE_DETAILS: RegExp[] = [
  /Failed to connect to (\S+?):\s+(.+)$/,
  /Connection to (\S+) (timed out after .+)$/,
  /Connectivity check (error): (.+)$/,
];

// The login and credit lines are Claude Code's own words, whatever runs it (a wrapper, say).
const NOT_LOGGED_IN = `Claude Code is not logged in (or its key was refused): run \`claude\` once in a terminal and log in, or set ANTHROPIC_API_KEY where the studio starts; then start this agent again.`;
const unreachable = (who: string, detail?: string) =>
  `${who} cannot reach its service${detail ? ` (${detail})` : ''}. Check this machine's network, and HTTPS_PROXY or a company certificate (NODE_EXTRA_CA_CERTS) if you use them (\`claude\` run in a terminal makes the same check); then start this agent again.`;

/** Patterns in the last lines a program prints (Claude Code, or Node under it), each with what to try. */
const KNOWN_CAUSES: Array<{ test: RegExp; advice: (who: string) => string }> = [
  {
    test: /not logged in|missing api key|please run \/login|\/login to|invalid api key|authentication[_ ]error|oauth token (has )?expired/i,
    advice: () => NOT_LOGGED_IN,
  },
  {
    test: /credit balance/i,
    advice: () =>
      `Claude Code's account is out of credit: add credit, or log in with another account (\`claude\`, then /login), then start this agent again.`,
  },
  {
    test: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|network error|network is unreachable|unable to connect|getaddrinfo|certificate/i,
    advice: (who) => unreachable(who),
  },
  {
    test: /command not found|No such file or directory|ENOENT/i,
    advice: () =>
      'Something it runs was not found. Check the command and the PATH the studio was started with.',
  },
  {
    test: /JavaScript heap out of memory|ENOMEM|Killed/i,
    advice: () =>
      'It ran out of memory. Close some agents or give the machine more memory, then start it again.',
  },
];

/**
 * The lines the patterns above are read from: the very last ones, where a program says why it
 * stops. Earlier ones are the agent's own work, where "certificate" or "ENOENT" says nothing about
 * the exit.
 */
const CAUSE_LINES = 4;

/** Where Claude Code's service check failed in these lines, and what it said failed. */
function serviceFailure(lines: readonly string[]): { at: number; detail?: string } | undefined {
  let at = -1;
  for (let i = lines.length - 1; i >= 0 && at < 0; i--) if (SERVICE_HEADLINE.test(lines[i]!)) at = i;
  if (at < 0) return undefined;
  for (const line of lines.slice(at + 1, at + 4)) {
    for (const p of SERVICE_DETAILS) {
      const m = p.exec(line.trim());
      if (m) return { at, detail: `${m[1]}: ${m[2]}` };
    }
  }
  return { at };
}

/** What to try after an exit, in a sentence or two: the cause first, when its lines say it. */
export function adviseExit(f: ExitFacts): string {
  // Claude Code's own words, whatever ran it (a wrapper script, say).
  const service = serviceFailure(f.lines);
  if (service) return unreachable('Claude Code', service.detail);
  const who = f.claude ? 'Claude Code' : 'It';
  const text = f.lines.slice(-CAUSE_LINES).join('\n');
  const known = KNOWN_CAUSES.find((c) => c.test.test(text));
  if (known) return known.advice(who);
  if (f.signal)
    return `It was killed by signal ${f.signal} (by hand, or by the system when memory ran short). Start it again from its tile.`;
  if (f.code === 127) return `The command ${f.command} was not found. Check the agent's command and PATH.`;
  if (f.code === 0 && f.ranMs >= QUICK_EXIT_MS)
    return 'It ended by itself (for example /exit or Ctrl-D). Start it again when you want it back.';
  const command = f.claude ? 'Claude Code' : f.command;
  return `Its last lines may say why. To see more, run ${command} yourself in a terminal in ${f.cwd || 'your home folder'}, then start this agent again.`;
}

/**
 * Glyphs Claude Code draws its logo, splash and boxes with (box drawing, block elements and
 * shades), and the dots and stars its splash scatters between them.
 */
const ART_ONLY = /^[\s\u2500-\u259F.…*·]*$/u;
/** A run of drawing glyphs (and the spaces among them) at the start or end of a line. */
const ART_EDGE = /^\s*[\u2500-\u259F][\s\u2500-\u259F]*|[\s\u2500-\u259F]*[\u2500-\u259F]\s*$/gu;

/**
 * What an exit is read from: the lines a program printed (a terminal's rows, oldest first), with
 * its splash and logo art and blank rows left out, the last EXIT_READ_LINES of them, each bounded.
 */
export function exitLines(rows: readonly string[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (ART_ONLY.test(row)) continue;
    const line = row.replace(ART_EDGE, '').trimEnd();
    if (!line.trim()) continue;
    lines.push(line.length > EXIT_TAIL_LINE_CHARS ? line.slice(0, EXIT_TAIL_LINE_CHARS - 1) + '…' : line);
  }
  return lines.slice(-EXIT_READ_LINES);
}

/**
 * The lines an exit keeps for the person (at most EXIT_TAIL_LINES): from where Claude Code says
 * its service could not be reached, when it says so, else the last ones; without the indent they
 * all share (Claude Code draws its messages one column in).
 */
export function exitTail(lines: readonly string[]): string[] {
  const service = serviceFailure(lines);
  const kept = service
    ? lines.slice(service.at, service.at + EXIT_TAIL_LINES)
    : lines.slice(-EXIT_TAIL_LINES);
  const indent = Math.min(...kept.map((l) => /^ */.exec(l)![0].length));
  return kept.map((l) => l.slice(indent));
}
