// Running one check command: on this machine in a process group of its own at low priority, or on
// an SSH agent's machine through its link. Either way with a time limit, keeping only the tail of
// what it prints (a test suite prints megabytes; the person reads the last lines).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { SshLink } from '../remote/sshLink.js';
import { shellQuote } from '../util/shellQuote.js';

/** Lines of output kept: enough to see which test failed and why. */
export const CHECK_TAIL_LINES = 40;
/** Bytes of output held while it runs, from which the tail is cut. */
const TAIL_BUFFER_BYTES = 64 * 1024;
/** After the time limit, TERM; after this much more, KILL. */
const KILL_GRACE_MS = 5000;
/** The exit code `timeout` gives a command it stopped. */
const TIMEOUT_EXIT = 124;

export interface CheckCommand {
  cwd: string;
  command: string;
  timeoutMs: number;
  /** Aborted when the studio closes: the run is ended with its process group. */
  signal?: AbortSignal;
}

export interface CheckOutcome {
  exitCode: number | null;
  timedOut: boolean;
  tail: string[];
  /** Why it could not run at all. */
  error?: string;
}

export type RunCheck = (check: CheckCommand) => Promise<CheckOutcome>;

/** The last CHECK_TAIL_LINES lines of some output, without the escapes a terminal would draw. */
export function tailLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r(?!\n)/g, '\n');
  const lines = plain.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return lines.slice(-CHECK_TAIL_LINES);
}

/** This machine: `nice -n 10 sh -c CMD` in its own process group, so a time limit ends all of it. */
export function localCheck(env: NodeJS.ProcessEnv): RunCheck {
  return ({ cwd, command, timeoutMs, signal }) =>
    new Promise((resolve) => {
      if (!existsSync(cwd))
        return resolve({
          exitCode: null,
          timedOut: false,
          tail: [],
          error: `its folder ${cwd} is not there`,
        });
      const child = spawn('nice', ['-n', '10', 'sh', '-c', command], {
        cwd,
        env: { ...env, CI: env.CI ?? '1' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let held = Buffer.alloc(0);
      const keep = (chunk: Buffer) => {
        held = Buffer.concat([held, chunk]);
        if (held.length > TAIL_BUFFER_BYTES) held = held.subarray(held.length - TAIL_BUFFER_BYTES);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      let timedOut = false;
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // Gone already.
        }
      };
      const stop = () => {
        kill('SIGTERM');
        setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref();
      };
      const limit = setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs);
      signal?.addEventListener('abort', stop, { once: true });
      child.on('error', (err) => {
        clearTimeout(limit);
        resolve({ exitCode: null, timedOut: false, tail: [], error: err.message });
      });
      child.on('close', (code) => {
        clearTimeout(limit);
        signal?.removeEventListener('abort', stop);
        resolve({ exitCode: code, timedOut, tail: tailLines(held.toString('utf8')) });
      });
    });
}

/** An SSH agent's machine: the same command there, through coreutils' `timeout`, its tail sent back. */
export function remoteCheck(link: (dest: string) => SshLink, dest: string): RunCheck {
  return async ({ cwd, command, timeoutMs }) => {
    const seconds = Math.ceil(timeoutMs / 1000);
    const script =
      `cd ${shellQuote(cwd)} || exit 127; out=$(mktemp) || exit 127; ` +
      `CI=1 timeout -k ${KILL_GRACE_MS / 1000} ${seconds} nice -n 10 sh -c ${shellQuote(command)} >"$out" 2>&1; ` +
      `code=$?; tail -n ${CHECK_TAIL_LINES} "$out"; rm -f "$out"; exit $code`;
    const r = await link(dest).exec(script, undefined, timeoutMs + 2 * KILL_GRACE_MS);
    if (r.code === null) return { exitCode: null, timedOut: true, tail: tailLines(r.stdout) };
    return { exitCode: r.code, timedOut: r.code === TIMEOUT_EXIT, tail: tailLines(r.stdout || r.stderr) };
  };
}
