import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist/main/cli/ccstudio.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one ccstudio command to completion (async, so a server in this process keeps answering). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `ccstudio serve` and resolves once it printed its MCP URL and /health answers. */
export async function startServe(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; bin?: string } = {},
): Promise<{ proc: ChildProcess; mcpUrl: string; output: () => string }> {
  // `bin`: an installed ccstudio executable, run as a shell would; otherwise this checkout's build.
  const [command, ...prefix] = options.bin ? [options.bin] : [process.execPath, CLI];
  const proc = spawn(command!, [...prefix, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const m = /MCP \(Streamable HTTP\): (\S+)/.exec(out);
    if (m) {
      const health = await fetch(m[1]!.replace(/\/mcp$/, '/health')).catch(() => undefined);
      if (health?.ok) return { proc, mcpUrl: m[1]!, output: () => out };
    }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitExit(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

/**
 * Processes and folders a test file starts and makes, ended and removed after each test: call
 * `track()` at the top of the file (it registers the afterEach).
 */
export function trackProcesses(afterEach: (fn: () => Promise<void>) => void): {
  procs: ChildProcess[];
  dirs: string[];
} {
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGKILL');
        await waitExit(p);
      }
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return { procs, dirs };
}
