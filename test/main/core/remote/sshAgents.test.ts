// Agents on another machine, end to end through a real sshd on loopback, with the fake agent
// (test/fixtures/fakeAgent.mjs) standing in for Claude Code there: starts, wakes, one connection
// per host, credentials kept off command lines, a dropped link, and the failures a person meets.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAgentLogs,
  FAKE_AGENT,
  startFakeAgentStudio,
  type FakeAgentStudio,
} from '../../../support/fakeAgentStudio.js';
import { AGENTS_PER_CONNECTION } from '../../../../main/core/remote/sshLink.js';
import { skipTitle } from '../../../support/skipReason.js';
import {
  installFakeClaude,
  REMOTE_ALIAS,
  REMOTE_USER,
  sshdMissingReason,
  startSshd,
  type Sshd,
} from '../../../support/sshd.js';
import { holdsFor, waitFor } from '../../../support/waitFor.js';

const SUITE = skipTitle('agents on another machine over SSH (fake agent)', sshdMissingReason);

describe.skipIf(sshdMissingReason)(SUITE, () => {
  let sshd: Sshd;
  /** The fake Claude Code on the remote, as its user can run it. */
  let remoteClaude: string;
  let fs: FakeAgentStudio | undefined;

  beforeAll(async () => {
    sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin' });
    remoteClaude = installFakeClaude(sshd, FAKE_AGENT);
    // The remote user can run them, as its own install would be.
    for (const f of ['fakeAgent.mjs', 'claude']) sshd.asRemote(['test', '-r', join(sshd.remoteDir, f)]);
  });
  afterEach(async () => {
    await fs?.close();
    fs = undefined;
  });
  afterAll(async () => {
    await sshd?.close();
  });

  /** A fake agent on the remote, with its logs in the remote's folder. */
  const addRemote = async (s: FakeAgentStudio, name: string, extra: { command?: string } = {}) => {
    const logs = new FakeAgentLogs(
      join(sshd.remoteDir, `${name}.input.jsonl`),
      join(sshd.remoteDir, `${name}.prompts.jsonl`),
      join(sshd.remoteDir, `${name}.argv.jsonl`),
    );
    await s.studio.service.addAgent({
      name,
      cwd: sshd.remoteDir,
      ssh: { dest: REMOTE_ALIAS, command: extra.command ?? remoteClaude },
      profile: {
        kind: 'claude',
        args: [
          `FAKE_INPUT_LOG=${logs.inputLog}`,
          `FAKE_PROMPT_LOG=${logs.promptLog}`,
          `FAKE_ARGV_LOG=${logs.argvLog}`,
        ],
      },
    });
    return logs;
  };

  /** The process runs (a zombie its frozen parent cannot reap has ended). */
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };

  /** Starts an agent there and waits until it is at its prompt. */
  const startIdle = async (s: FakeAgentStudio['studio'], name: string) => {
    await s.service.startAgent(name);
    await waitFor(`${name} idle`, () => s.agents.require(name).state === 'idle');
  };

  /** The SSH connections open to the server right now (one sshd child each). */
  const connections = () => sshd.connectionCount();

  it('runs two agents on the host over one connection, wakes each once, and keeps tokens off command lines', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const bobLogs = await addRemote(fs, 'bob');
    const carolLogs = await addRemote(fs, 'carol');
    await Promise.all([s.service.startAgent('bob'), s.service.startAgent('carol')]);
    await waitFor('both idle on the remote', () =>
      ['bob', 'carol'].every((n) => s.agents.require(n).state === 'idle'),
    );
    expect(connections()).toBe(1);
    expect(s.agents.require('bob').ssh).toEqual({ dest: REMOTE_ALIAS, command: remoteClaude });

    s.bus.send(s.agents.person, 'bob', 'hello over ssh');
    s.bus.send(s.agents.person, 'carol', 'and to you');
    await waitFor(
      'each wake typed on the remote',
      () => bobLogs.prompts().length === 1 && carolLogs.prompts().length === 1,
    );
    expect(bobLogs.prompts()[0]).toMatch(/^\[studio\] You have 1 new message from user/);

    // Its Claude Code was started with files in its private folder there, not with credentials.
    const argv = JSON.parse(readFileSync(bobLogs.argvLog, 'utf8').split('\n')[0]!) as string[];
    const mcpFile = argv[argv.indexOf('--mcp-config') + 1]!;
    expect(mcpFile).toMatch(new RegExp(`^${sshd.home}/\\.ccstudio/[0-9a-f]{12}/bob/mcp\\.json$`));
    expect(statSync(mcpFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(mcpFile, '..')).mode & 0o777).toBe(0o700);
    expect(readFileSync(mcpFile, 'utf8')).toMatch(/"Authorization": "Bearer ccs_/);
    const processes = sshd.asRemote(['ps', '-u', REMOTE_USER, '-o', 'args=']);
    expect(processes).toMatch(/fakeAgent\.mjs/);
    expect(processes).not.toMatch(/ccs_|ccsh_/);
    expect(JSON.stringify(argv)).not.toMatch(/ccs_|ccsh_/);
    // "~." after an Enter is text for the agent, not ssh's escape that ends the session.
    s.sessions.input('bob', '\r~.');
    await waitFor('bob to read "~."', () => bobLogs.typed().includes('\r~.'));
    await holdsFor('bob still running', () => s.sessions.isRunning(s.agents.require('bob').id), 1_000);
    // And the studio still listens on loopback only: the remote reached it through the connection.
    expect(new URL(fs.http.url).hostname).toBe('127.0.0.1');
  });

  it("spreads more agents than one connection may carry (sshd's MaxSessions) over a second one", async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const names = Array.from({ length: AGENTS_PER_CONNECTION + 1 }, (_, i) => `crew-${i}`);
    for (const n of names) await addRemote(fs, n);
    await Promise.all(names.map((n) => s.service.startAgent(n)));
    await waitFor('all idle', () => names.every((n) => s.agents.require(n).state === 'idle'), {
      timeoutMs: 30_000,
    });
    expect(connections()).toBe(2);
  });

  it('a dropped link shows reconnecting, loses no mail, and the agent comes back and gets it once', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const logs = await addRemote(fs, 'dave');
    await startIdle(s, 'dave');
    const firstPid = s.sessions.get(s.agents.require('dave').id)!.pty.pid;
    const told: string[] = [];
    s.events.on((e) => e.type === 'attention' && told.push(`${e.attention.kind}: ${e.attention.title}`));

    sshd.dropConnections();
    await waitFor('dave reconnecting', () => s.agents.require('dave').state === 'reconnecting');
    expect(s.agents.require('dave').lastExit?.advice).toMatch(
      /SSH link to studio-remote dropped.*reconnecting/,
    );
    s.bus.send(s.agents.person, 'dave', 'sent while the link was down');
    expect(s.bus.unreadSummary(s.agents.require('dave').id)).toMatchObject({ total: 1, queued: 1 });

    await waitFor('dave back and idle', () => s.agents.require('dave').state === 'idle', {
      timeoutMs: 30_000,
    });
    expect(s.sessions.get(s.agents.require('dave').id)!.pty.pid).not.toBe(firstPid);
    await waitFor('the waiting mail announced', () => logs.prompts().length === 1, { timeoutMs: 15_000 });
    expect(logs.prompts()).toHaveLength(1);
    expect(s.agents.require('dave').lastExit).toBeNull();
    expect(connections()).toBe(1);
    // The person heard of it (an OS notification, the browser's, the webhook).
    expect(told).toEqual(['disconnected: dave lost its link to studio-remote']);
  });

  it('a host that stays away is retried with backoff until it is back', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    await addRemote(fs, 'erin');
    await startIdle(s, 'erin');
    await sshd.stop();
    try {
      await waitFor(
        'a failed try to reach it',
        () => /try 2/.test(s.agents.require('erin').lastExit?.advice ?? ''),
        { timeoutMs: 15_000 },
      );
      expect(s.agents.require('erin').state).toBe('reconnecting');
      expect(s.agents.require('erin').lastExit?.advice).toMatch(/cannot be reached/);
    } finally {
      await sshd.start();
    }
    await waitFor('erin back', () => s.agents.require('erin').state === 'idle', { timeoutMs: 30_000 });
  });

  it('a link that goes silent (the host never notices) is dropped by keepalives; the old process there is ended, not doubled', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    await addRemote(fs, 'ivan');
    await startIdle(s, 'ivan');
    // Its folder there, under this studio's key (earlier tests' studios have their own).
    const keys = readdirSync(join(sshd.home, '.ccstudio'));
    const pidFile = keys
      .map((k) => join(sshd.home, '.ccstudio', k, 'ivan', 'claude.pid'))
      .find((f) => existsSync(f))!;
    const first = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(first)).toBe(true);
    sshd.freezeConnections();
    try {
      // ServerAliveInterval 5 s x 3 misses: the studio's side gives up on the link.
      await waitFor('ivan reconnecting', () => s.agents.require('ivan').state === 'reconnecting', {
        timeoutMs: 30_000,
      });
      // The frozen connection's process still runs over there; the new start ends it first.
      expect(alive(first)).toBe(true);
      await waitFor('ivan back', () => s.agents.require('ivan').state === 'idle', { timeoutMs: 30_000 });
      const second = Number(readFileSync(pidFile, 'utf8'));
      expect(second).not.toBe(first);
      // Ended by the new start's launcher, while the frozen connection still holds it.
      expect(alive(first)).toBe(false);
      expect(alive(second)).toBe(true);
    } finally {
      // The frozen connections go (the new one too: the test is over).
      sshd.dropConnections();
    }
  }, 90_000);

  it('a session that exits 255 over a link that still answers is an exit, not a drop: no reconnect loop', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const failing = join(sshd.remoteDir, 'exits-255');
    writeFileSync(
      failing,
      '#!/bin/sh\n[ "$1" = --version ] && { echo "2.1.330 (Claude Code)"; exit 0; }\necho "it fails"; exit 255\n',
      { mode: 0o755 },
    );
    await addRemote(fs, 'judy', { command: failing });
    await expect(s.service.startAgent('judy')).rejects.toThrow(/exited with code 255/);
    const judy = s.agents.require('judy');
    expect(judy.state).toBe('exited');
    expect(judy.lastExit).toMatchObject({ code: 255, quickExits: 1 });
    expect(judy.lastExit?.advice).not.toMatch(/reconnecting/);
    // Restarted by the studio (each a start over SSH) until the quick-exit cap, then left alone.
    await waitFor('the studio to give up on judy', () => s.agents.require('judy').lastExit?.gaveUp, {
      timeoutMs: 20_000,
    });
    expect(s.agents.require('judy').lastExit).toMatchObject({ quickExits: 3, gaveUp: true });
    expect(s.agents.require('judy').lastExit?.advice).toMatch(/keeps exiting/);
  });

  it('an agent the studio starts by itself while its host is away waits, reconnecting, until the host answers', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    await addRemote(fs, 'kate');
    s.agents.setLaunch(s.agents.require('kate').id, { autostart: true });
    await sshd.stop();
    try {
      const [result] = await s.sessions.startSaved();
      expect(result).toMatchObject({
        name: 'kate',
        error: expect.stringMatching(/cannot be reached/) as string,
      });
      expect(s.agents.require('kate').state).toBe('reconnecting');
    } finally {
      await sshd.start();
    }
    await waitFor('kate up once the host is', () => s.agents.require('kate').state === 'idle', {
      timeoutMs: 30_000,
    });
    expect(s.agents.require('kate').lastExit).toBeNull();
  });

  it('stopped while it reconnects, it stays stopped when the host comes back', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    await addRemote(fs, 'liam');
    await startIdle(s, 'liam');
    await sshd.stop();
    try {
      await waitFor('liam reconnecting', () => s.agents.require('liam').state === 'reconnecting');
      await s.service.stopAgent('liam');
      expect(s.agents.require('liam').state).toBe('exited');
      // A try in flight when the person stopped it schedules nothing more.
      await holdsFor('liam stays stopped', () => s.agents.require('liam').state === 'exited', 2_500);
    } finally {
      await sshd.start();
    }
    await holdsFor(
      'liam stays stopped with the host back',
      () => !s.sessions.isRunning(s.agents.require('liam').id),
      3_000,
    );
    expect(s.agents.require('liam').state).toBe('exited');
  });

  it('resumes a session in a folder with non-ASCII letters in its name', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const folder = join(sshd.remoteDir, 'wörk-ü');
    sshd.asRemote(['mkdir', '-p', folder]);
    const argvLog = join(sshd.remoteDir, 'mia.argv.jsonl');
    await s.service.addAgent({
      name: 'mia',
      cwd: folder,
      ssh: { dest: REMOTE_ALIAS, command: remoteClaude },
      profile: { kind: 'claude', args: [`FAKE_ARGV_LOG=${argvLog}`] },
    });
    await s.service.startAgent('mia');
    const sessionId = s.agents.sessionIdOf(s.agents.require('mia').id)!;
    // Its session on disk there, in the folder Claude Code names after the agent's (each
    // character that is not a letter or digit becomes "-": one for "ö", whatever its bytes).
    const projectDir = join(sshd.home, '.claude', 'projects', folder.replace(/[^A-Za-z0-9]/g, '-'));
    sshd.asRemote(['mkdir', '-p', projectDir]);
    sshd.asRemote(['sh', '-c', `echo '{}' > '${projectDir}/${sessionId}.jsonl'`]);
    await s.service.restartAgent('mia');
    const starts = readFileSync(argvLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
    expect(starts[0]).toContain('--session-id');
    expect(starts.at(-1)).toEqual(expect.arrayContaining(['--resume', sessionId]));
  });

  it('says so when Claude Code is not on the remote, and when the folder is not there', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    await addRemote(fs, 'frank', { command: 'claude-not-installed' });
    const err = await s.service.startAgent('frank').catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /`claude-not-installed`\) was not found on studio-remote.*--command \/path\/to\/claude/s,
    );
    expect(s.agents.require('frank').lastExit?.advice).toBe((err as Error).message);
    expect(s.agents.require('frank').state).toBe('exited');

    await s.service.addAgent({
      name: 'gina',
      cwd: '/no/such/folder',
      ssh: { dest: REMOTE_ALIAS, command: remoteClaude },
    });
    await expect(s.service.startAgent('gina')).rejects.toThrow(
      /studio-remote has no folder \/no\/such\/folder/,
    );
  });

  it('says what to do about a login the host refuses, on the tile, and does not retry it', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.wrongKeySsh });
    const s = fs.studio;
    await addRemote(fs, 'hank');
    await expect(s.service.startAgent('hank')).rejects.toThrow(/refused the login.*never a password/s);
    expect(s.agents.require('hank').lastExit).toMatchObject({ gaveUp: true });
  });

  it('refuses a destination ssh would read as an option, and changes nothing', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const before = s.agents.list().length;
    await expect(
      s.service.addAgent({ name: 'evil', ssh: { dest: '-oProxyCommand=touch /tmp/pwned' } }),
    ).rejects.toThrow(/starts with "-"/);
    await expect(s.service.addAgent({ name: 'evil', ssh: { dest: 'a b' } })).rejects.toThrow(/characters/);
    await expect(
      s.service.addAgent({
        name: 'evil',
        ssh: { dest: REMOTE_ALIAS },
        profile: { kind: 'claude', sandbox: true },
      }),
    ).rejects.toThrow(/sandbox/);
    await expect(
      s.service.addAgent({ name: 'evil', remote: true, ssh: { dest: REMOTE_ALIAS } }),
    ).rejects.toThrow(/not both/);
    expect(s.agents.list()).toHaveLength(before);
  });
});
