// The studio's SSH connection against a real sshd on loopback (test/support/sshd.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteTranscripts } from '../../../../main/core/remote/remoteLaunch.js';
import { SshLink, SshLinks, SshError } from '../../../../main/core/remote/sshLink.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { skipTitle } from '../../../support/skipReason.js';
import { REMOTE_ALIAS, sshdMissingReason, startSshd, type Sshd } from '../../../support/sshd.js';
import { tempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

describe.skipIf(sshdMissingReason)(skipTitle('SshLink against a real sshd', sshdMissingReason), () => {
  let sshd: Sshd;
  let studio: Server;
  let studioPort: number;
  const links: SshLink[] = [];
  const link = (sshCommand: string, dest = REMOTE_ALIAS) => {
    const l = new SshLink({
      dest,
      controlDir: tempDir('ccstudio-ctl-'),
      sshCommand,
      studioPort,
      env: process.env,
      logger: silentLogger,
    });
    links.push(l);
    return l;
  };

  beforeAll(async () => {
    sshd = await startSshd();
    // Stands in for the studio's listener: answers with the Host it was asked for.
    studio = createServer((req, res) => res.end(`studio here, Host ${req.headers.host}`));
    await new Promise<void>((r) => studio.listen(0, '127.0.0.1', r));
    studioPort = (studio.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const l of links) await l.close();
    await new Promise<void>((r) => studio.close(() => r()));
    await sshd?.close();
  });

  it('connects once, forwards a remote loopback port to the studio, and runs commands on the connection', async () => {
    const l = link(sshd.sshCommand);
    const [a, b] = await Promise.all([l.connect(), l.connect()]);
    expect(a).toBe(b);
    expect(l.up).toBe(true);
    const who = await l.exec('id -un; echo "$SSH_CONNECTION"');
    expect(who.code).toBe(0);
    // SSH_CONNECTION: the client's address and port, then the server's.
    const [user, connection = ''] = who.stdout.split('\n');
    expect(user).toBe('ccremote');
    expect(connection.split(' ').slice(2)).toEqual([sshd.address, String(sshd.port)]);
    // From the remote side, the forwarded port is the studio.
    const through = await l.exec(`curl -s http://127.0.0.1:${a}/`);
    expect(through.stdout).toBe(`studio here, Host 127.0.0.1:${a}`);
    // With a network of its own, the remote's loopback is its own: the studio's port is not there.
    if (sshd.network === 'own' && a !== studioPort)
      expect((await l.exec(`curl -s -m 5 http://127.0.0.1:${studioPort}/`)).code).not.toBe(0);
    // Input goes to the remote command's stdin, not its command line.
    const echoed = await l.exec('cat', 'secret-on-stdin\n');
    expect(echoed.stdout).toBe('secret-on-stdin\n');
  });

  it("keeps the person's own forwardings out of its connection: no agent, no RemoteCommand, no LocalForward clash", async () => {
    const dir = tempDir('ccstudio-agent-');
    const socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await waitFor('the ssh-agent', () => existsSync(socket));
      // A port already in use here: their LocalForward would end a connection that took it.
      const busy = createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
      const busyPort = (busy.address() as AddressInfo).port;
      const theirs = sshd.sshWith('theirs', [
        `ForwardAgent ${socket}`,
        'ForwardX11 yes',
        'RemoteCommand echo hijacked',
        'RequestTTY yes',
        `LocalForward ${busyPort} 127.0.0.1:9`,
        'PermitLocalCommand yes',
        `LocalCommand touch ${join(dir, 'local-command-ran')}`,
      ]);
      try {
        const l = link(theirs);
        await l.connect();
        const env = await l.exec('echo "agent=[$SSH_AUTH_SOCK] display=[$DISPLAY]"');
        expect(env.stdout).toBe('agent=[] display=[]\n');
        expect(existsSync(join(dir, 'local-command-ran'))).toBe(false);
      } finally {
        await new Promise<void>((r) => busy.close(() => r()));
      }
    } finally {
      agent.kill();
    }
  });

  it('reads a transcript there from an offset, only a regular file inside the projects folder', async () => {
    const l = link(sshd.sshCommand);
    await l.connect();
    const projects = join(sshd.remoteDir, 'projects');
    const file = join(projects, '-work', 'session.jsonl');
    sshd.asRemote(['mkdir', '-p', join(projects, '-work')]);
    sshd.asRemote(['sh', '-c', `printf 'héllo\\nworld\\n' > '${file}'`]);
    sshd.asRemote(['sh', '-c', `echo secret > '${join(sshd.remoteDir, 'outside.txt')}'`]);
    sshd.asRemote(['ln', '-s', join(sshd.remoteDir, 'outside.txt'), join(projects, '-work', 'link.jsonl')]);
    const source = remoteTranscripts(l);
    const all = await source.read(file, projects, 0, 1000);
    expect(all?.size).toBe(13);
    expect(all?.bytes.toString('utf8')).toBe('héllo\nworld\n');
    const rest = await source.read(file, projects, 7, 3);
    expect(rest?.bytes.toString('utf8')).toBe('wor');
    expect(await source.read(join(projects, '-work', 'link.jsonl'), projects, 0, 1000)).toBeUndefined();
    expect(await source.read(join(sshd.remoteDir, 'outside.txt'), projects, 0, 1000)).toBeUndefined();
    expect(await source.read(join(projects, '..', 'outside.txt'), projects, 0, 1000)).toBeUndefined();
    expect(await source.read(join(projects, 'missing.jsonl'), projects, 0, 1000)).toBeUndefined();
  });

  it('starts despite leftovers in its socket folder that are not sockets', async () => {
    const controlDir = tempDir('ccstudio-ctl-');
    mkdirSync(join(controlDir, 'a-folder'));
    writeFileSync(join(controlDir, 'a-file'), 'not a socket');
    const links = new SshLinks({
      controlDir,
      sshCommand: sshd.sshCommand,
      studioPort,
      env: process.env,
      logger: silentLogger,
    });
    try {
      expect(await links.forAgent(REMOTE_ALIAS, 1).connect()).toBeGreaterThan(0);
    } finally {
      await links.close();
    }
  });

  it('tells the studio when the connection drops, and connects again when asked', async () => {
    const l = link(sshd.sshCommand);
    const first = await l.connect();
    const dropped = new Promise<string>((r) => l.onDidDrop(r));
    sshd.dropConnections();
    expect(await dropped).toMatch(new RegExp(REMOTE_ALIAS));
    expect(l.up).toBe(false);
    const again = await l.connect();
    expect(again).toBeGreaterThan(0);
    expect((await l.exec(`curl -s http://127.0.0.1:${again}/`)).stdout).toMatch(/studio here/);
    expect(first).toBeGreaterThan(0);
  });

  it('says what to do about a key the host does not know', async () => {
    const err = await link(sshd.wrongKeySsh)
      .connect()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as SshError).problem).toBe('login');
    expect((err as Error).message).toMatch(/refused the login.*ssh-copy-id/s);
  });

  it('says what to do about a host key it has no record of, and never accepts it', async () => {
    const err = await link(sshd.unknownHostSsh)
      .connect()
      .catch((e: unknown) => e);
    expect((err as SshError).problem).toBe('hostkey');
    expect((err as Error).message).toMatch(/host key.*Run `ssh studio-remote` once/s);
  });

  it('says a host that does not answer cannot be reached', async () => {
    await sshd.stop();
    try {
      const err = await link(sshd.sshCommand)
        .connect()
        .catch((e: unknown) => e);
      expect((err as SshError).problem).toBe('unreachable');
      expect((err as Error).message).toMatch(/cannot be reached.*Connection refused/s);
    } finally {
      await sshd.start();
    }
    await waitFor('sshd back', async () => (await link(sshd.sshCommand).connect()) > 0);
  });
});
