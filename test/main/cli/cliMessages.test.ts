// What the real `ccstudio` tells a person who typed something wrong, or asked about something the
// studio cannot do: each message points the right way, in the CLI's words (never an MCP tool's
// name), with that command's usage lines as --help has them.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { studioUrls } from '../../../main/contract/urls.js';
import { tryStudioLock } from '../../../main/core/store/studioLock.js';
import { studioInfoFor, writeStudioInfo } from '../../../main/core/studioInfo.js';
import { CLI, runCli, startServe, trackProcesses } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function dataDir(): string {
  const d = realpathSync(tempDir('ccstudio-msg-'));
  dirs.push(d);
  return d;
}

/** These tests run the CLI from the checkout, where what runs it is `npx ccstudio`. */
const env = { INIT_CWD: process.cwd() };
const cli = (args: string[], data: string) => runCli([...args, '--data', data], env);

let help: string | undefined;

/** The usage lines --help gives for a command (and subcommand). */
async function helpLines(data: string, words: string): Promise<string[]> {
  help ??= (await cli(['--help'], data)).stdout;
  return help.split('\n').filter((l) => l.startsWith(`  npx ccstudio ${words}`));
}

describe('ccstudio messages', () => {
  it('task show of a missing task points at `ccstudio task list`; an agent still hears list_tasks', async () => {
    const data = dataDir();
    // No studio running: the command works on the files.
    const offline = await cli(['task', 'show', '999'], data);
    expect(offline.code).toBe(2);
    // The hint runs on this data folder, as the command did.
    expect(offline.stderr).toBe(
      `ccstudio: No task #999. \`npx ccstudio task list --data ${data}\` shows the tasks.\n`,
    );
    const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
    procs.push(serve.proc);
    // Through the running studio's API: the hint survives the wire.
    for (const args of [
      ['task', 'show', '999'],
      ['task', 'update', '999', '--status', 'done'],
    ]) {
      const r = await cli(args, data);
      expect(r.stderr, args.join(' ')).toBe(
        `ccstudio: No task #999. \`npx ccstudio task list --data ${data}\` shows the tasks.\n`,
      );
    }
    // The MCP tools keep speaking in tool names.
    const added = JSON.parse((await cli(['agent', 'add', 'bot', '--remote', '--json'], data)).stdout);
    const client = new Client({ name: 'msg-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(added.mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${added.token}` } },
      }),
    );
    const answer = (await client.callTool({ name: 'get_task', arguments: { task_id: 999 } })) as {
      isError?: boolean;
      content: Array<{ text: string }>;
    };
    await client.close();
    expect(answer.isError).toBe(true);
    expect(answer.content[0]!.text).toBe('No task #999. list_tasks shows the open ones.');
  });

  it('an agent on another machine: screen and keys say it runs elsewhere, as start does', async () => {
    const data = dataDir();
    const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
    procs.push(serve.proc);
    await cli(['agent', 'add', 'faraway', '--remote'], data);
    for (const args of [
      ['agent', 'screen', 'faraway'],
      ['agent', 'keys', 'faraway', '1'],
      ['agent', 'start', 'faraway'],
    ]) {
      const r = await cli(args, data);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(
        'ccstudio: faraway runs elsewhere; the studio has no terminal for it.\n',
      );
    }
  });

  it('agent screen ends at its last line; keys to a stopped terminal name the agent', async () => {
    const data = dataDir();
    const script = join(data, 'ready.sh');
    // A line with trailing spaces, then nothing: the rest of the 36 rows are blank.
    writeFileSync(script, "printf 'ready   \\n  indented  \\n'\nexec sleep 600\n");
    const serve = await startServe(['--data', data, '--port', '0']);
    procs.push(serve.proc);
    const added = await cli(['agent', 'add', 'sheller', '--command', `sh ${script}`], data);
    expect(added.stdout).toMatch(
      /^Added agent sheller\. It is running in the studio(, ready at its prompt)?\.\n$/,
    );
    const screen = await waitFor('the screen to show ready', async () => {
      const r = await cli(['agent', 'screen', 'sheller'], data);
      return r.stdout.includes('ready') && r.stdout;
    });
    expect(screen).toBe('ready\n  indented\n');
    expect((await cli(['agent', 'stop', 'sheller'], data)).code).toBe(0);
    const keys = await cli(['agent', 'keys', 'sheller', 'enter'], data);
    expect(keys.code).toBe(2);
    expect(keys.stderr).toBe("ccstudio: sheller's terminal is not running; start it again.\n");
  });

  it('agent list shows the person as you, and no bare "unknown" state', async () => {
    const data = dataDir();
    await cli(['agent', 'add', 'local-one'], data);
    await cli(['agent', 'add', 'far-one', '--remote'], data);
    const list = await cli(['agent', 'list'], data);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^user +you \(person\)$/m);
    expect(list.stdout).toMatch(/^local-one +agent +not started$/m);
    expect(list.stdout).toMatch(/^far-one +remote agent +not connected yet$/m);
    expect(list.stdout).not.toMatch(/unknown/);
    const status = await cli(['status'], data);
    expect(status.stdout).toMatch(/^ {2}user +you \(person\) +unread 0/m);
    expect(status.stdout).not.toMatch(/unknown/);
  });

  it("unknown and missing options say so in the CLI's words, quotes balanced", async () => {
    const data = dataDir();
    const cases: Array<[string[], string]> = [
      [['status', '--bogus'], 'Unknown option --bogus. `npx ccstudio --help` lists the options.'],
      [['status', '-x'], 'Unknown option -x. `npx ccstudio --help` lists the options.'],
      [
        ['serve', '--port'],
        'Option --port needs a value (--port VALUE, or --port=VALUE for one that starts with -). `npx ccstudio --help` lists the options.',
      ],
      [['status', '--json=yes'], 'Option --json takes no value. `npx ccstudio --help` lists the options.'],
    ];
    for (const [args, message] of cases) {
      // The option under test goes last: --port must not take --data for its value.
      const r = await runCli(['--data', data, ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(`ccstudio: ${message}\n`);
    }
  });

  it('an unknown or missing subcommand prints the error and that group’s usage lines', async () => {
    const data = dataDir();
    for (const [group, sub] of [
      ['agent', 'frob'],
      ['task', 'frob'],
      ['agent', undefined],
    ] as const) {
      const r = await cli(sub ? [group, sub] : [group], data);
      expect(r.code).toBe(2);
      const [first, usage, ...lines] = r.stderr.trimEnd().split('\n');
      expect(first).toBe(
        sub
          ? `ccstudio: Unknown subcommand "${sub}" for ${group}.`
          : `ccstudio: ${group} needs a subcommand.`,
      );
      expect(usage).toBe('Usage:');
      const help = await helpLines(data, `${group} `);
      expect(help.length).toBeGreaterThan(3);
      expect(lines.filter((l) => l.startsWith('  npx'))).toEqual(help);
    }
  });

  it('usage in errors is the command’s --help lines, listing every option it takes', async () => {
    const data = dataDir();
    const cases: Array<[string[], string, string[]]> = [
      [['task', 'add'], 'task add', ['--body', '--to', '--priority', '--json']],
      [['task', 'show'], 'task show', ['--json']],
      [['task', 'update'], 'task update', ['--status', '--to', '--result', '--note', '--json']],
      [
        ['agent', 'add'],
        'agent add',
        ['--role', '--summary', '--prompt', '--command', '--cwd', '--sandbox', '--remote', '--json'],
      ],
      [['agent', 'keys', 'x'], 'agent keys', []],
      [['agent', 'screen'], 'agent start|stop|restart|screen|kick', []],
      [['send', 'x'], 'send', []],
    ];
    for (const [args, words, options] of cases) {
      const r = await cli(args, data);
      const label = args.join(' ');
      expect(r.code, label).toBe(2);
      const usage = r.stderr.split('\nUsage:\n')[1];
      expect(usage, label).toBeDefined();
      const help = await helpLines(data, words);
      expect(help.length, label).toBeGreaterThan(0);
      expect(
        usage!
          .trimEnd()
          .split('\n')
          .filter((l) => l.startsWith('  npx')),
        label,
      ).toEqual(help);
      for (const option of options)
        expect(usage, `${label}: ${option}`).toMatch(new RegExp(`(\\[| )${option}\\b`));
    }
  });

  it('refuses arguments a command does not take, and serve starts nothing then', async () => {
    const data = dataDir();
    const cases: Array<[string[], string]> = [
      [['serve', '0'], 'Unexpected argument "0" for serve.'],
      [['status', 'now'], 'Unexpected argument "now" for status.'],
      [['inbox', 'all'], 'Unexpected argument "all" for inbox.'],
      [['agent', 'list', 'a', 'b'], 'Unexpected arguments "a" "b" for agent list.'],
      [['task', 'list', 'open'], 'Unexpected argument "open" for task list.'],
      [['task', 'show', '1', '2'], 'Unexpected argument "2" for task show.'],
      [['agent', 'stop', 'a', 'b'], 'Unexpected argument "b" for agent stop.'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, data);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(`ccstudio: ${message}`);
      expect(r.stderr, args.join(' ')).toContain(`\nUsage:\n  npx ccstudio ${args[0]}`);
    }
    expect(existsSync(join(data, 'studio.json'))).toBe(false);
  });

  it('npm run serve --port 0 (npm took --port) is refused with what to type instead', async () => {
    const data = dataDir();
    // The package's own `serve` script, through real npm; the data folder comes from the environment.
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        'npm',
        ['run', '--silent', 'serve', '--port', '0'],
        { cwd: process.cwd(), env: { ...process.env, STUDIO_DATA_DIR: data }, timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
      );
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('ccstudio: npm took --port for itself: run npm run serve -- --port 0\n');
    expect(existsSync(join(data, 'studio.json'))).toBe(false);
  });
});

describe('a studio that closes the connection without answering', () => {
  /** A "studio" whose connections end as `close` says; status is asked of it. */
  async function statusFrom(close: (socket: Socket) => void) {
    const data = dataDir();
    const sockets: Socket[] = [];
    const server = createServer((socket) => (sockets.push(socket), close(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const lock = tryStudioLock(data)!;
    try {
      writeStudioInfo(
        data,
        studioInfoFor('127.0.0.1', studioUrls(`http://127.0.0.1:${port}`), { adminToken: 'a', uiToken: 'u' }),
      );
      return { data, status: await cli(['status'], data) };
    } finally {
      lock.release();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }
  const saysSo = (data: string) =>
    `ccstudio: the studio closed the connection without answering, so this command may or may not have taken effect. Check with \`npx ccstudio status --data ${data}\` and try again.\n`;

  it('is never taken for success: the command says so and exits 1', async () => {
    // Ended the moment it is made, as a full listener once did: Node's fetch then may never
    // settle, and the process used to end silently with exit code 0 (or it fails at once).
    const { data, status } = await statusFrom((socket) => socket.end());
    expect(status.stdout).toBe('');
    expect(status.stderr).toBe(saysSo(data));
    expect(status.code).toBe(1);
  });

  it('says the same when the request went out and the connection ended before the answer', async () => {
    // fetch fails at once here ("other side closed"), rather than leaving its promise pending.
    const { data, status } = await statusFrom((socket) => socket.once('data', () => socket.end()));
    expect(status.stdout).toBe('');
    expect(status.stderr).toBe(saysSo(data));
    expect(status.code).toBe(1);
  });
});
