// The data folder as real `ccstudio` processes use it: private whatever the umask, one studio at a
// time however close together two start, no stale studio.json in the way, and a damaged database
// refused before anything is written to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startServe, trackProcesses, waitExit } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

function scratch(): string {
  const d = tempDir('ccstudio-datafolder-');
  dirs.push(d);
  return d;
}

/** `ccstudio` run the way a person's shell with umask 022 runs it. */
function wideUmaskBin(dir: string): string {
  const bin = join(dir, 'ccstudio-umask022');
  writeFileSync(
    bin,
    `#!/bin/sh\numask 022\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(bin, 0o755);
  return bin;
}

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      const st = statSync(full);
      out[rel + entry] = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) walk(full, `${rel}${entry}/`);
    }
  };
  walk(dir, '');
  return out;
}

beforeAll(() => {
  readFileSync(CLI); // built by npm test
});

describe('the data folder', () => {
  it('is 0700 with every studio file 0600 whatever the umask, including what an older build left wide', async () => {
    const dir = scratch();
    const data = join(dir, 'data');
    mkdirSync(join(data, 'agents', 'old'), { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    writeFileSync(join(data, 'agents', 'old', 'mcp.json'), '{}', { mode: 0o644 });
    writeFileSync(join(data, 'notes.txt'), 'mine', { mode: 0o644 });
    const serve = await startServe(['--data', data, '--port', '0'], { bin: wideUmaskBin(dir) });
    procs.push(serve.proc);
    expect((await runCli(['agent', 'add', 'alice', '--remote', '--data', data])).code).toBe(0);
    expect((await runCli(['send', 'alice', 'hello', '--data', data])).code).toBe(0);
    const seen = modes(data);
    expect(Object.keys(seen)).toEqual(
      expect.arrayContaining([
        'studio.db',
        'studio.db-wal',
        'studio.db-shm',
        'studio.db.bak',
        'studio.json',
        'studio.lock',
      ]),
    );
    const { 'notes.txt': notes, ...studioFiles } = seen;
    expect(notes).toBe('644'); // not the studio's: left alone
    for (const [file, mode] of Object.entries(studioFiles)) {
      const isDir = statSync(join(data, file)).isDirectory();
      expect(mode, file).toBe(isDir ? '700' : '600');
    }
    expect((statSync(data).mode & 0o777).toString(8)).toBe('700');
  });

  it('runs one studio however close together two start; the other says so and changes nothing', async () => {
    for (let round = 0; round < 3; round++) {
      const data = join(scratch(), 'data');
      const start = () =>
        spawn(
          process.execPath,
          [CLI, 'serve', '--data', data, '--port', '0', '--agents', '1', '--claude', 'true'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
      const a = start();
      const b = start();
      procs.push(a, b);
      const output = new Map<ChildProcess, string>();
      for (const p of [a, b]) {
        output.set(p, '');
        p.stdout!.on('data', (d: Buffer) => output.set(p, output.get(p) + d.toString()));
        p.stderr!.on('data', (d: Buffer) => output.set(p, output.get(p) + d.toString()));
      }
      const loser = await Promise.race([a, b].map((p) => waitExit(p).then(() => p)));
      const winner = loser === a ? b : a;
      expect(loser.exitCode, output.get(loser)).not.toBe(0);
      expect(output.get(loser)).toMatch(/already running on this data folder/);
      await waitFor('the winner to be serving', () => /MCP \(Streamable HTTP\)/.test(output.get(winner)!));
      const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as { pid: number };
      expect(info.pid).toBe(winner.pid);
      expect(winner.exitCode).toBe(null);
      // The loser stopped before it listened or launched a terminal for the team.
      expect(output.get(loser)).not.toMatch(/MCP \(Streamable HTTP\)|started/);
      const status = await runCli(['status', '--json', '--data', data]);
      expect(status.code).toBe(0);
      winner.kill('SIGTERM');
      expect(await waitExit(winner)).toBe(0);
    }
  });

  it('starts over a stale studio.json whose pid now belongs to another process', async () => {
    const data = join(scratch(), 'data');
    mkdirSync(data, { recursive: true });
    // This test's own process: alive, and not a studio.
    writeFileSync(
      join(data, 'studio.json'),
      JSON.stringify({
        pid: process.pid,
        host: '127.0.0.1',
        port: 9,
        mcpUrl: 'http://127.0.0.1:9/mcp',
        sseUrl: 'http://127.0.0.1:9/sse',
        apiUrl: 'http://127.0.0.1:9/api/rpc',
        adminToken: 'stale',
        uiToken: 'stale',
        startedAt: new Date(0).toISOString(),
        version: '0.0.0',
      }),
    );
    // The commands work on the files rather than calling a studio that is not there...
    const added = await runCli(['agent', 'add', 'alice', '--remote', '--data', data]);
    expect(added.code, added.stderr).toBe(0);
    // ...and serve starts.
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as { pid: number };
    expect(info.pid).toBe(serve.proc.pid);
    const list = await runCli(['agent', 'list', '--json', '--data', data]);
    expect(JSON.parse(list.stdout).map((a: { name: string }) => a.name)).toEqual(['user', 'alice']);
  });

  it('refuses a damaged database with the newest backup named, and writes nothing to it', async () => {
    const data = join(scratch(), 'data');
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    for (let i = 0; i < 4; i++)
      await runCli(['task', 'add', `Task ${i}`, '--body', `${i}`.repeat(20_000), '--data', data]);
    serve.proc.kill('SIGTERM');
    await waitExit(serve.proc);
    const db = join(data, 'studio.db');
    expect(statSync(join(data, 'studio.db.bak')).isFile()).toBe(true);
    // Scribble over the tasks table's root page, as a bad disk or a stray write would.
    const peek = new Database(db, { readonly: true });
    const pageSize = peek.pragma('page_size', { simple: true }) as number;
    const root = (
      peek.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'").get() as { rootpage: number }
    ).rootpage;
    peek.close();
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(200, 0x5a), 0, 200, (root - 1) * pageSize);
    closeSync(fd);
    const before = createHash('sha256').update(readFileSync(db)).digest('hex');

    const r = await runCli(['serve', '--data', data, '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/studio database .*studio\.db is damaged/);
    expect(r.stderr).toContain(join(data, 'studio.db.bak'));
    const send = await runCli(['task', 'add', 'one more', '--data', data]);
    expect(send.code).not.toBe(0);
    expect(send.stderr).toMatch(/is damaged/);
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before);
  });
});
