import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { callJson, callText, tempDir } from '../../support/studioHarness.js';
import { CLI, runCli, startServe, trackProcesses, waitExit } from '../../support/cliProcess.js';
import type { StudioStatus } from '../../../main/contract/model.js';
import { createStudioWithParts } from '../../support/studioParts.js';
import { readStudioInfo } from '../../../main/core/studioInfo.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function dataDir(): string {
  const d = tempDir('ccstudio-cli-');
  dirs.push(d);
  return d;
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'cli-test', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('ccstudio', () => {
  it('serve writes studio.json; agent add prints a token and a claude mcp add line that work', async () => {
    const data = dataDir();
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8'));
    expect(info).toMatchObject({ pid: serve.proc.pid, mcpUrl: serve.mcpUrl });
    expect(statSync(join(data, 'studio.json')).mode & 0o777).toBe(0o600);

    const added = await runCli([
      'agent',
      'add',
      'alice',
      '--role',
      'builder',
      '--remote',
      '--json',
      '--data',
      data,
    ]);
    expect(added.code).toBe(0);
    const alice = JSON.parse(added.stdout);
    expect(alice.claudeMcpAdd).toBe(
      `claude mcp add --transport http studio ${serve.mcpUrl} --header 'Authorization: Bearer ${alice.token}'`,
    );
    const text = await runCli(['agent', 'add', 'bob', '--remote', '--data', data]);
    expect(text.stdout).toContain('claude mcp add --transport http studio');

    const client = await connect(alice.mcpUrl, alice.token);
    expect(await callText(client, 'send_message', { to: 'bob', text: 'hello from alice' })).toContain('Sent');
    await client.close();

    const status = JSON.parse((await runCli(['status', '--json', '--data', data])).stdout) as StudioStatus;
    expect(status.agents.find((a) => a.name === 'bob')?.unread).toBe(1);
    expect(status.agents.find((a) => a.name === 'alice')?.role).toBe('builder');

    const second = await runCli(['serve', '--data', data, '--port', '0']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/already running on this data folder/);
  });

  it('loses nothing when serve is killed with -9 and restarted', async () => {
    const data = dataDir();
    let serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const bob = JSON.parse(
      (await runCli(['agent', 'add', 'bob', '--remote', '--json', '--data', data])).stdout,
    );
    await runCli(['agent', 'add', 'alice', '--remote', '--json', '--data', data]);
    expect((await runCli(['send', 'bob', 'first', 'message', '--data', data])).code).toBe(0);
    const task = JSON.parse(
      (
        await runCli([
          'task',
          'add',
          'Ship it',
          '--to',
          'bob',
          '--priority',
          'high',
          '--json',
          '--data',
          data,
        ])
      ).stdout,
    );
    expect(task).toMatchObject({ status: 'assigned', assignee: 'bob', priority: 'high' });

    serve.proc.kill('SIGKILL');
    await waitExit(serve.proc);
    // A stale studio.json is ignored: its pid is dead.
    serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const client = await connect(serve.mcpUrl, bob.token);
    const inbox = await callJson<{ messages: Array<{ from: string; text: string; type?: string }> }>(
      client,
      'check_inbox',
    );
    expect(inbox.messages.map((m) => [m.from, m.type ?? 'text'])).toEqual([
      ['user', 'text'],
      ['user', 'task'],
    ]);
    expect(inbox.messages[0]!.text).toBe('first message');
    const mine = await callJson<{ assigned: Array<{ title: string }> }>(client, 'my_tasks');
    expect(mine.assigned.map((x) => x.title)).toEqual(['Ship it']);
    await client.close();
  });

  it('works on the files when no studio is running, and stops cleanly on SIGTERM', async () => {
    const data = dataDir();
    expect((await runCli(['agent', 'add', 'solo', '--data', data])).code).toBe(0);
    expect((await runCli(['task', 'add', 'Offline task', '--data', data])).stdout).toMatch(
      /Created task #1 \(backlog\)/,
    );
    const list = await runCli(['task', 'list', '--json', '--data', data]);
    expect(JSON.parse(list.stdout).map((x: { title: string }) => x.title)).toEqual(['Offline task']);
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const listed = JSON.parse((await runCli(['agent', 'list', '--json', '--data', data])).stdout);
    expect(listed.map((a: { name: string }) => a.name)).toEqual(['user', 'solo']);
    serve.proc.kill('SIGTERM');
    expect(await waitExit(serve.proc)).toBe(0);
    expect(existsSync(join(data, 'studio.json'))).toBe(false);
  });

  it('says it stopped, and where its data is, on Ctrl-C (SIGINT) and on SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const data = dataDir();
      const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
      procs.push(serve.proc);
      serve.proc.kill(signal);
      expect(await waitExit(serve.proc)).toBe(0);
      // The last line, once everything has stopped.
      expect(serve.output().trimEnd().split('\n').at(-1)).toBe(
        `Claude Code Studio stopped (data in ${data}).`,
      );
    }
  });

  it('a Ctrl-C while its agents are still starting stops it cleanly too, and says so', async () => {
    const data = dataDir();
    // A saved agent that keeps printing: the studio waits START_SETTLE_MS to see what became of it.
    const seed = createStudioWithParts({ dataDir: data });
    seed.agents.add({
      name: 'chatty',
      cwd: data,
      autostart: true,
      profile: { kind: 'command', command: 'sh', args: ['-c', 'while :; do echo starting; sleep 0.2; done'] },
    });
    await seed.close();
    const serve = spawn(process.execPath, [CLI, 'serve', '--data', data, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(serve);
    let out = '';
    serve.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // studio.json is written as it starts its saved agents.
    await waitFor('the studio to start its agents', () => readStudioInfo(data)?.pid === serve.pid);
    serve.kill('SIGINT');
    expect(await waitExit(serve)).toBe(0);
    expect(out.trimEnd().split('\n').at(-1)).toBe(`Claude Code Studio stopped (data in ${data}).`);
    expect(existsSync(join(data, 'studio.json'))).toBe(false);
  });

  it('reads STUDIO_DATA_DIR and explains bad input with exit code 2', async () => {
    const data = dataDir();
    const env = { STUDIO_DATA_DIR: data };
    expect((await runCli(['agent', 'add', 'envagent'], env)).code).toBe(0);
    expect(existsSync(join(data, 'studio.db'))).toBe(true);
    const cases: Array<[string[], RegExp]> = [
      [['agent', 'add', 'bad name'], /agent name/],
      [['agent', 'add', 'envagent'], /already exists/],
      [['send', 'ghost', 'hi'], /No agent named "ghost"/],
      [['task', 'add', 'x', '--priority', 'asap'], /--priority must be one of/],
      [['task', 'show', 'abc'], /Give a task id/],
      [['task', 'show', '42'], /No task #42/],
      [['serve', '--port', '99999'], /--port is 0-65535/],
      [['frobnicate'], /Unknown command/],
      [['agent', 'add', 'boxed', '--sandbox', '--command', 'bash'], /--sandbox is Claude Code's own sandbox/],
      [['status', '--bogus'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const agents = JSON.parse((await runCli(['agent', 'list', '--json'], env)).stdout);
    expect(agents.map((a: { name: string }) => a.name)).toEqual(['user', 'envagent']);
  });

  it('says plainly when the port is taken, by which studio', async () => {
    const a = dataDir();
    const serve = await startServe(['--data', a, '--port', '0']);
    procs.push(serve.proc);
    const port = new URL(serve.mcpUrl).port;
    const r = await runCli(['serve', '--data', dataDir(), '--port', port]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ccstudio: Another Claude Code Studio (pid ${serve.proc.pid}, data folder ${a}) is using port ${port}. ` +
        'Stop it, or pass --port N (--port 0 picks a free one).\n',
    );
  });

  it("prints agents' text with no control character reaching the person's terminal", async () => {
    const data = dataDir();
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const added = JSON.parse(
      (await runCli(['agent', 'add', 'mallory', '--remote', '--json', '--data', data])).stdout,
    );
    // Sets the terminal title, erases the line, moves up: a forged line would replace a real one.
    const hostile =
      'ok\u001b]0;pwned\u0007\u001b[2K\u001b[1A\r#99 from commander: run rm -rf ~\n#98 from commander: and this\u009b2J\u202eevil';
    const m = await connect(added.mcpUrl, added.token);
    await callText(m, 'register', { role: hostile, summary: hostile });
    await callText(m, 'send_message', { to: 'user', text: hostile });
    const task = await callJson<{ id: number }>(m, 'dispatch_task', {
      to: 'user',
      title: hostile,
      body: hostile,
    });
    await callText(m, 'update_task', { task_id: task.id, note: hostile, result: hostile });
    await m.close();

    const runs = [
      ['status'],
      ['status', '--json'],
      ['agent', 'list'],
      ['agent', 'list', '--json'],
      ['task', 'list'],
      ['task', 'list', '--json'],
      ['task', 'show', String(task.id)],
      ['task', 'show', String(task.id), '--json'],
      ['inbox'],
    ];
    for (const args of runs) {
      const r = await runCli([...args, '--data', data]);
      const label = args.join(' ');
      expect(r.code, label).toBe(0);
      expect(r.stdout, label).toContain('pwned');
      // eslint-disable-next-line no-control-regex
      expect(r.stdout, label).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      // No line the agent wrote can pass for one of the CLI's own.
      expect(r.stdout, label).not.toMatch(/^#9\d from commander/m);
    }
    // The JSON still carries the exact text, escaped.
    const inboxJson = await runCli(['inbox', '--json', '--data', data]);
    expect(JSON.parse(inboxJson.stdout).length).toBe(0);
    const shown = await runCli(['task', 'show', String(task.id), '--json', '--data', data]);
    expect(JSON.parse(shown.stdout).title).toBe(hostile);
  });
});
