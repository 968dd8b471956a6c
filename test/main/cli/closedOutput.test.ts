// A reader of ccstudio's output that goes away (`ccstudio serve 2>&1 | head -1`, a dead `tee`, a
// process manager that exits), with real processes and a real `head`: writing to the closed pipe
// never loops. `serve` goes on quietly with its log in the data folder and stops cleanly on the
// first SIGTERM; any other command ends quietly, with no EPIPE stack trace.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, readStudioInfo } from '../../../main/core/studioInfo.js';
import { tryStudioLock } from '../../../main/core/store/studioLock.js';
import { STUDIO_LOG_FILE } from '../../../main/host/studioLog.js';
import { CLI, runCli, trackProcesses, waitExit } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';
import { sleep, waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);
/** Processes found by pid (the studio behind a shell pipeline), ended after each test. */
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

/** Stopping takes the studio this long at most, here and in the issue that asked for it. */
const STOP_WITHIN_MS = 5000;
/** CPU a quiet studio may use while nothing happens (a spinning one used ~90% of a core). */
const QUIET_CPU_SHARE = 0.2;
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A ccstudio command line as bash runs it, its output into `tail` (e.g. `| head -1`). */
function pipeline(args: string[], tail: string): ChildProcess {
  const words = [process.execPath, CLI, ...args].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  // pipefail: the pipeline's exit code is ccstudio's, not head's.
  const proc = spawn('bash', ['-o', 'pipefail', '-c', `${words} ${tail}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  return proc;
}

function collect(proc: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** Seconds of CPU (user and system) the process has used. */
function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

describe('a studio whose output goes nowhere', () => {
  it('goes on quietly with its log in the data folder, and stops on the first SIGTERM', async () => {
    const data = tempDir('ccstudio-closedout-');
    dirs.push(data);
    const shell = pipeline(['serve', '--data', data, '--port', '0', '--no-start'], '2>&1 | head -1');
    const seen = collect(shell);
    await waitFor('head to print its one line', () => seen.stdout().includes('\n'), { timeoutMs: 20_000 });
    expect(seen.stdout()).toBe('Claude Code Studio is running.\n');
    const pid = readStudioInfo(data)!.pid;
    pids.push(pid);

    // An agent started: the studio logs it, with nobody reading its output any more.
    const add = await runCli(['agent', 'add', 'worker', '--command', 'cat', '--data', data]);
    expect(add.code, add.stderr).toBe(0);
    const log = join(data, STUDIO_LOG_FILE);
    await waitFor('the studio to log the start', () =>
      existsSync(log) ? readFileSync(log, 'utf8').includes('info agent started {"agent":"worker"') : false,
    );

    const cpuBefore = cpuSeconds(pid);
    const quietFrom = Date.now();
    await sleep(1500);
    const share = (cpuSeconds(pid) - cpuBefore) / ((Date.now() - quietFrom) / 1000);
    expect(share, `CPU used while idle: ${(share * 100).toFixed(0)}% of a core`).toBeLessThan(
      QUIET_CPU_SHARE,
    );

    const signalled = Date.now();
    process.kill(pid, 'SIGTERM');
    const code = await Promise.race([waitExit(shell), sleep(STOP_WITHIN_MS).then(() => 'still running')]);
    expect(code, 'the first SIGTERM stops the studio').toBe(0);
    expect(Date.now() - signalled).toBeLessThan(STOP_WITHIN_MS);
    // Stopped cleanly: its agent ended, the database closed (no WAL left), studio.json gone, lock free.
    expect(readFileSync(log, 'utf8')).toMatch(/info agent exited \{"agent":"worker".*"expected":true/);
    expect(existsSync(join(data, 'studio.db-wal'))).toBe(false);
    expect(readStudioInfo(data)).toBeUndefined();
    const lock = tryStudioLock(data);
    expect(lock, 'the data folder is free again').toBeDefined();
    lock!.release();
  }, 40_000);
});

describe('a command whose reader goes away', () => {
  it('`ccstudio task list --json | head -1` ends quietly, with no stack trace', async () => {
    const data = tempDir('ccstudio-closedout-');
    dirs.push(data);
    // More than a pipe holds (64 KB), so head exits while ccstudio is still writing.
    for (const title of ['first', 'second']) {
      const add = await runCli(['task', 'add', title, '--body', 'b'.repeat(60_000), '--data', data]);
      expect(add.code, add.stderr).toBe(0);
    }
    const list = pipeline(['task', 'list', '--json', '--data', data], '| head -1');
    const seen = collect(list);
    const code = await waitExit(list);
    expect(seen.stdout()).toBe('[\n');
    expect(seen.stderr()).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});
