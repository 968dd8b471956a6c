// The "Done when", end to end with real processes only: `ccstudio serve` (built CLI, its
// own process), `ccstudio agent add --remote --json` for two agents, the MCP Inspector CLI acting as
// each agent, `ccstudio status --json`; then kill -9 the studio while bob has unread mail, start it
// again on the same data folder, and find bob's mail and the task intact.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioStatus } from '../../main/contract/model.js';
import { skipTitle } from '../support/skipReason.js';
import {
  InspectorClient,
  REPO_ROOT,
  realClientsMissingReason,
  run,
  tempDir,
  type InboxAnswer,
  type TaskAnswer,
} from '../support/realClients.js';

const CLI = join(REPO_ROOT, 'dist/main/cli/ccstudio.js');
const TIMEOUT = 120_000;

function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.STUDIO_DATA_DIR;
  delete env.NODE_OPTIONS;
  return env;
}

interface ServeProcess {
  child: ChildProcess;
  mcpUrl: string;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts `ccstudio serve --data DIR --port 0`, reads the MCP URL from its banner and waits for /health. */
async function startServe(dataDir: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

  const mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no MCP URL within 30 s\n${output()}`)),
      30_000,
    );
    const look = () => {
      const m = /MCP \(Streamable HTTP\):\s+(http:\/\/\S+\/mcp)\s/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (code ${code}, signal ${signal}) before it was ready\n${output()}`));
    });
    look();
  });
  const base = mcpUrl.replace(/\/mcp$/, '');

  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok && ((await res.json()) as { ok?: boolean }).ok === true) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/health never answered\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, mcpUrl, base, exited, output };
}

async function ccstudio(dataDir: string, ...args: string[]): Promise<string> {
  const r = await run(process.execPath, [CLI, ...args, '--data', dataDir], {
    env: cliEnv(),
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`ccstudio ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function ccstudioJson<T>(dataDir: string, ...args: string[]): Promise<T> {
  return JSON.parse(await ccstudio(dataDir, ...args, '--json')) as T;
}

const SUITE = skipTitle(
  'ccstudio serve + agent add + Inspector CLI, surviving kill -9',
  realClientsMissingReason,
);
describe.skipIf(realClientsMissingReason)(SUITE, () => {
  let dataDir: string;
  let home: string;
  const serves: ServeProcess[] = [];

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    dataDir = tempDir('ccstudio-cli-data-');
    home = tempDir('ccstudio-cli-home-');
  });

  afterAll(async () => {
    for (const s of serves) {
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it(
    'two remote agents exchange messages and a task; unread mail and the task survive kill -9 and a restart',
    async () => {
      // 1. The studio, and two remote agents whose tokens come from `agent add --json`.
      const first = await startServe(dataDir);
      serves.push(first);
      expect(first.mcpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      type Added = { name: string; token: string; mcpUrl: string; claudeMcpAdd: string };
      const aliceAdded = await ccstudioJson<Added>(
        dataDir,
        'agent',
        'add',
        'alice',
        '--remote',
        '--role',
        'lead',
      );
      const bobAdded = await ccstudioJson<Added>(
        dataDir,
        'agent',
        'add',
        'bob',
        '--remote',
        '--role',
        'worker',
      );
      expect(aliceAdded).toMatchObject({ name: 'alice', mcpUrl: first.mcpUrl });
      expect(bobAdded).toMatchObject({ name: 'bob', mcpUrl: first.mcpUrl });
      expect(aliceAdded.token).not.toBe(bobAdded.token);
      expect(aliceAdded.claudeMcpAdd).toContain(aliceAdded.token);

      const alice = new InspectorClient(home, first.mcpUrl, 'http', aliceAdded.token);
      const bob = new InspectorClient(home, first.mcpUrl, 'http', bobAdded.token);

      // 2. Messages both ways (bob answers over the legacy SSE transport).
      await alice.text('send_message', { to: 'bob', text: 'Hi bob, can you take the parser?' });
      const bobInbox1 = await bob.json<InboxAnswer>('check_inbox');
      expect(bobInbox1.messages).toHaveLength(1);
      expect(bobInbox1.messages[0]).toMatchObject({
        from: 'alice',
        to: 'bob',
        text: 'Hi bob, can you take the parser?',
      });
      const bobSse = new InspectorClient(home, first.mcpUrl, 'sse', bobAdded.token);
      await bobSse.text('send_message', {
        to: 'alice',
        text: 'Yes, send it over.',
        reply_to: bobInbox1.messages[0]!.id,
      });
      const aliceInbox1 = await alice.json<InboxAnswer>('check_inbox');
      expect(aliceInbox1.messages).toHaveLength(1);
      expect(aliceInbox1.messages[0]).toMatchObject({
        from: 'bob',
        text: 'Yes, send it over.',
        reply_to: bobInbox1.messages[0]!.id,
      });

      // 3. A task: alice dispatches, bob takes it.
      const task = await alice.json<TaskAnswer>('dispatch_task', {
        title: 'Rewrite the parser',
        body: 'Keep the API.',
        to: 'bob',
      });
      expect(task).toMatchObject({ status: 'assigned', assignee: 'bob', dispatcher: 'alice' });
      const bobInbox2 = await bob.json<InboxAnswer>('check_inbox');
      expect(bobInbox2.messages).toHaveLength(1);
      expect(bobInbox2.messages[0]).toMatchObject({ from: 'alice', type: 'task', task_id: task.id });
      await bob.json<TaskAnswer>('update_task', { task_id: task.id, status: 'in_progress', note: 'on it' });
      const aliceInbox2 = await alice.json<InboxAnswer>('check_inbox');
      expect(aliceInbox2.messages).toHaveLength(1);
      expect(aliceInbox2.messages[0]).toMatchObject({ from: 'bob', task_id: task.id });
      expect(aliceInbox2.messages[0]!.text).toContain('in_progress');

      // 4. bob has unread mail when the studio dies.
      await alice.text('send_message', { to: 'bob', text: 'Unread before the crash: also add tests.' });

      // 5. `ccstudio status --json` (through the running studio's API) shows all of it.
      const status = await ccstudioJson<StudioStatus>(dataDir, 'status');
      const byName = new Map(status.agents.map((a) => [a.name, a]));
      expect(byName.get('alice')).toMatchObject({ remote: true, role: 'lead', unread: 0 });
      expect(byName.get('bob')).toMatchObject({ remote: true, role: 'worker', unread: 1, openTasks: 1 });
      expect(byName.get('alice')!.lastSeenAt).toBeGreaterThan(0);
      expect(status.taskCounts.in_progress).toBe(1);
      expect(status.openTasks).toEqual([
        expect.objectContaining({
          id: task.id,
          title: 'Rewrite the parser',
          status: 'in_progress',
          assignee: 'bob',
          dispatcher: 'alice',
        }),
      ]);
      expect(status.activity.some((a) => a.kind === 'message' && a.actor === 'alice')).toBe(true);
      expect(status.activity.some((a) => a.kind === 'task' && a.taskId === task.id)).toBe(true);

      // 6. kill -9, then start again on the same data folder.
      expect(first.child.kill('SIGKILL')).toBe(true);
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const second = await startServe(dataDir);
      serves.push(second);

      // The CLI sees the new studio and the unread mail before anyone reads it.
      const after = await ccstudioJson<StudioStatus>(dataDir, 'status');
      expect(after.agents.find((a) => a.name === 'bob')).toMatchObject({ unread: 1, openTasks: 1 });

      // 7. Same tokens, new URL: bob's unread message is there, and only it (what he read stays read).
      const bobAgain = new InspectorClient(home, second.mcpUrl, 'http', bobAdded.token);
      const bobInbox3 = await bobAgain.json<InboxAnswer>('check_inbox');
      expect(bobInbox3.messages).toEqual([
        expect.objectContaining({
          from: 'alice',
          to: 'bob',
          text: 'Unread before the crash: also add tests.',
        }),
      ]);
      expect((await bobAgain.json<InboxAnswer>('check_inbox')).messages).toEqual([]);

      const detail = await bobAgain.json<TaskAnswer>('get_task', { task_id: task.id });
      expect(detail).toMatchObject({
        id: task.id,
        title: 'Rewrite the parser',
        status: 'in_progress',
        assignee: 'bob',
        dispatcher: 'alice',
      });
      expect(detail.history?.map((e) => [e.by, e.kind, e.to])).toEqual([
        ['alice', 'created', 'assigned'],
        ['bob', 'status', 'in_progress'],
      ]);
      const shown = await ccstudioJson<TaskAnswer & { events: unknown[] }>(
        dataDir,
        'task',
        'show',
        String(task.id),
      );
      expect(shown).toMatchObject({ id: task.id, status: 'in_progress', assignee: 'bob' });

      // The old token of alice still works after the restart, too; then bob finishes the task.
      const aliceAgain = new InspectorClient(home, second.mcpUrl, 'sse', aliceAdded.token);
      await bobAgain.json<TaskAnswer>('update_task', {
        task_id: task.id,
        status: 'done',
        result: 'Parser rewritten, tests added.',
      });
      const aliceInbox3 = await aliceAgain.json<InboxAnswer>('check_inbox');
      expect(aliceInbox3.messages).toEqual([
        expect.objectContaining({ from: 'bob', type: 'result', task_id: task.id }),
      ]);
      expect(aliceInbox3.messages[0]!.text).toContain('Parser rewritten, tests added.');

      // 8. A clean stop this time: SIGTERM ends serve with exit 0 and removes studio.json.
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(join(dataDir, 'studio.json'))).toBe(false);
    },
    TIMEOUT,
  );
});
