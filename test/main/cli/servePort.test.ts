// `ccstudio serve` and its port, with real processes: when it cannot listen it says why and what
// to do (who holds the port, an address this machine does not have, a port only root may use),
// and when it stops the port is free again at once, before its terminals have finished stopping.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startServe, trackProcesses, waitExit } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function dataDir(): string {
  const d = tempDir('ccstudio-port-');
  dirs.push(d);
  return d;
}

/** A plain node process listening on a free port of 127.0.0.1, as any other program would. */
async function holdPort(): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await waitFor('the holder to listen', () => Number(out.trim()) || undefined);
  return { proc, port };
}

/** Resolves true once nothing accepts connections on the port. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('serve when it cannot listen', () => {
  it('names the process that holds the port, found by ss or by /proc', async () => {
    const { proc, port } = await holdPort();
    const expected =
      `ccstudio: Port ${port} is in use by pid ${proc.pid} (node). ` +
      'Stop it, or pass --port N (--port 0 picks a free one).\n';
    const withSs = await runCli(['serve', '--data', dataDir(), '--port', String(port)]);
    expect(withSs.code).toBe(1);
    expect(withSs.stderr).toBe(expected);
    // No ss or lsof on PATH: the listening socket's inode, read from /proc.
    const withProc = await runCli(['serve', '--data', dataDir(), '--port', String(port)], {
      PATH: dirname(process.execPath),
    });
    expect(withProc.stderr).toBe(expected);
  });

  it('says that no interface has the address given with --host', async () => {
    const address = '192.0.2.1'; // TEST-NET-1: documentation only, never a real machine's.
    const ours = Object.values(networkInterfaces())
      .flat()
      .some((i) => i?.address === address);
    expect(ours).toBe(false);
    const r = await runCli(['serve', '--data', dataDir(), '--port', '0', '--host', address]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ccstudio: Cannot listen on ${address}: no network interface on this machine has that address. ` +
        'serve listens on 127.0.0.1 unless --host says otherwise.\n',
    );
  });

  // Root may listen anywhere: the check runs as nobody, where setpriv can drop to it.
  const root = process.getuid?.() === 0;
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const unprivilegedFrom = Number(
    existsSync('/proc/sys/net/ipv4/ip_unprivileged_port_start')
      ? readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')
      : 1024,
  );
  it.skipIf((root && !setpriv) || unprivilegedFrom <= 80)(
    'says a port below 1024 needs administrator rights',
    async () => {
      const data = dataDir();
      chmodSync(data, 0o777);
      if (root) chownSync(data, 65534, 65534);
      const args = [CLI, 'serve', '--data', join(data, 'studio'), '--port', '80'];
      const [command, ...rest] = root
        ? [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]
        : [process.execPath, ...args];
      const child = spawn(command!, rest, {
        env: { ...process.env, HOME: data },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      procs.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      expect(await waitExit(child)).toBe(1);
      expect(stderr).toBe(
        'ccstudio: Cannot listen on port 80: ports below 1024 need administrator rights. ' +
          'Pass --port N with N from 1024 up (--port 0 picks a free one).\n',
      );
    },
  );
});

describe('serve when it stops', () => {
  it('frees its port at once on SIGTERM, before its terminals stop, and starts again on it', async () => {
    const a = dataDir();
    // A terminal that ignores SIGTERM: the studio takes its whole grace period to stop it.
    const stubborn = join(a, 'stubborn.sh');
    writeFileSync(stubborn, "trap '' TERM\nwhile :; do sleep 1; done\n");
    const first = await startServe(['--data', a, '--port', '0']);
    procs.push(first.proc);
    const port = new URL(first.mcpUrl).port;
    const added = await runCli(['agent', 'add', 'stubborn', '--command', `sh ${stubborn}`, '--data', a]);
    expect(added.stdout).toContain('It is running in the studio');
    // A client that connected and never finished its request: it must not hold the studio up.
    const lingering = connect(Number(port), '127.0.0.1');
    await new Promise((r) => lingering.once('connect', r));
    lingering.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const dropped = new Promise((r) => lingering.once('close', r));

    first.proc.kill('SIGTERM');
    await waitFor('the port to be free', () => refused(Number(port)), { timeoutMs: 2000, everyMs: 20 });
    expect(first.proc.exitCode, 'the studio was still stopping its terminals').toBeNull();
    await dropped;
    // Another studio takes the port while the first is still stopping.
    const other = await startServe(['--data', dataDir(), '--port', port]);
    procs.push(other.proc);
    expect(await waitExit(first.proc)).toBe(0);
    other.proc.kill('SIGTERM');
    expect(await waitExit(other.proc)).toBe(0);
    // And the first comes straight back, on its own data folder and port.
    const again = await startServe(['--data', a, '--port', port]);
    procs.push(again.proc);
    expect(new URL(again.mcpUrl).port).toBe(port);
  }, 30_000);
});
