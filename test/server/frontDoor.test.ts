// The front door: the listener's connection cap, against a local process that holds as many
// connections as it can and reopens each one the studio closes. Whatever it holds, the person's UI,
// the CLI, agents' MCP and their hooks still get in. The last two tests run `ccstudio serve` as its
// own process and reach it the way the real callers do (the CLI, the MCP SDK, the hook reporter).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPipeClient } from '../../main/contract/pipe.js';
import {
  HEADERS_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_UNAUTHENTICATED_CONNECTIONS,
} from '../../server/httpServer.js';
import { runCli, startServe, waitExit } from '../support/cliProcess.js';
import { writeFakeClaude } from '../support/fakeAgentStudio.js';
import { INITIALIZE, MCP_HEADERS, rawRequest } from '../support/rawHttp.js';
import {
  callText,
  connectMcpClient,
  startTestStudio,
  tempDir,
  type TestStudio,
} from '../support/studioHarness.js';
import { tabSession, uiSocketUrl } from '../support/uiSession.js';
import { waitFor } from '../support/waitFor.js';
import { wsPipe } from '../support/wsPipe.js';

const HOOK_REPORTER = join(process.cwd(), 'dist/main/host/hookReporter.mjs');
/** More than the cap: the count the attacker held. */
const ATTACK_SOCKETS = 520;

let t: TestStudio | undefined;
const procs: ChildProcess[] = [];
const dirs: string[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await t?.close();
  t = undefined;
  for (const p of procs.splice(0)) {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await waitExit(p);
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const isClosed = (s: Socket) => s.destroyed || s.readyState === 'closed';

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    cleanups.push(() => s.destroy());
  });
}

function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/**
 * A local process holding `count` connections: `opening` is what it sends on each, `renew` what it
 * sends on every open one every second, and each one the studio closes is opened again after
 * `reopenMs` (an attacker's loop, paced so the test does not take the machine's cores).
 */
function holdConnections(
  port: number,
  options: { count: number; opening: string; renew?: string; reopenMs: number },
) {
  let stopped = false;
  let connects = 0;
  const open = new Set<Socket>();
  const start = () => {
    if (stopped) return;
    const s = connect(port, '127.0.0.1', () => {
      connects++;
      open.add(s);
      s.write(options.opening);
    });
    s.on('error', () => {});
    s.on('data', () => {});
    s.on('close', () => {
      open.delete(s);
      if (!stopped) setTimeout(start, options.reopenMs);
    });
  };
  for (let i = 0; i < options.count; i++) start();
  const renewing = setInterval(() => {
    if (options.renew) for (const s of open) if (s.writable) s.write(options.renew);
  }, 1000);
  const stop = () => {
    stopped = true;
    clearInterval(renewing);
    for (const s of open) s.destroy();
  };
  cleanups.push(stop);
  return { connects: () => connects, held: () => open.size, stop };
}

async function openUi(url: string) {
  const ws = new WebSocket(url);
  cleanups.push(() => ws.terminate());
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return { ws, client: createPipeClient(wsPipe(ws)) };
}

describe('answers that keep no connection', () => {
  it('closes after /health and after 401, 403 and 404; keeps a caller with a credential', async () => {
    t = await startTestStudio();
    const { port } = t.http;
    const base = `http://127.0.0.1:${port}`;
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const get = (path: string, headers: Record<string, string> = {}) =>
      rawRequest(base + path, { method: 'GET', headers, agent });
    const asked = {
      health: await get('/health'),
      unauthorized: await rawRequest(`${base}/mcp`, { headers: MCP_HEADERS, body: INITIALIZE, agent }),
      forbidden: await get('/health', { host: 'evil.example.com' }),
      nothing: await get('/nothing-here'),
    };
    expect(Object.values(asked).map((r) => [r.status, r.headers.connection])).toEqual([
      [200, 'close'],
      [401, 'close'],
      [403, 'close'],
      [404, 'close'],
    ]);
    const rpc = await rawRequest(`${base}/api/rpc`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
      body: JSON.stringify({ method: 'status', params: [] }),
      agent,
    });
    expect([rpc.status, rpc.headers.connection]).toEqual([200, 'keep-alive']);

    // And the studio does close: a raw client sees its end after the answer.
    const raw = await openSocket(port);
    const ended = new Promise<string>((resolve) => {
      let text = '';
      raw.on('data', (d: Buffer) => (text += d.toString()));
      raw.on('close', () => resolve(text));
    });
    raw.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    expect(await ended).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close/i);
  });
});

describe('the connection cap', () => {
  it(`closes the oldest unauthenticated connections to let new ones in, never an authenticated one`, async () => {
    t = await startTestStudio();
    const { port, server } = t.http;
    // A caller with a credential, idle between its requests on one kept-alive connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const token = t.addAgent('keeper');
    const init = await rawRequest(t.http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
      agent,
    });
    expect(init.status).toBe(200);
    const authenticated = Object.values(agent.freeSockets).flat()[0]!;
    expect(authenticated).toBeDefined();

    // All the room unauthenticated connections have, then as many again: each new one closes the
    // oldest, so the first batch goes and the second stays. Nothing was refused.
    const first = await Promise.all(
      Array.from({ length: MAX_UNAUTHENTICATED_CONNECTIONS }, () => openSocket(port)),
    );
    await waitFor(
      'the studio to hold the first batch',
      async () => (await connectionsOf(server)) === MAX_UNAUTHENTICATED_CONNECTIONS + 1,
    );
    const opened = Date.now();
    const second = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS - MAX_UNAUTHENTICATED_CONNECTIONS }, () => openSocket(port)),
    );
    await waitFor('the first batch to be closed', () => first.every(isClosed), { timeoutMs: 3000 });
    expect(Date.now() - opened).toBeLessThan(HEADERS_TIMEOUT_MS);
    expect(second.filter(isClosed)).toHaveLength(0);
    expect(isClosed(authenticated)).toBe(false);
    expect(await connectionsOf(server)).toBe(MAX_UNAUTHENTICATED_CONNECTIONS + 1);

    // The authenticated connection is still good for its next request.
    const again = await rawRequest(t.http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
      agent,
    });
    expect(again.status).toBe(200);
    expect(isClosed(authenticated)).toBe(false);

    // Connections that never send a request time out like slow headers.
    await waitFor('the silent ones to time out', () => second.every(isClosed), {
      timeoutMs: HEADERS_TIMEOUT_MS + 5000,
    });
  }, 30_000);
  it('closes the oldest unauthenticated connections even mid-request, never the UI socket', async () => {
    t = await startTestStudio();
    const { port, server } = t.http;
    const base = `http://127.0.0.1:${port}`;
    const ui = await openUi(uiSocketUrl(base, (await tabSession(base, { token: t.uiToken })).session));
    let requests = 0;
    server.on('request', () => requests++);
    // Requests whose body never comes: busy, and unauthenticated (a one-time code is in the body).
    const slowBody =
      `POST /ui/session HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`;
    const busy: Socket[] = [];
    for (let i = 0; i < MAX_UNAUTHENTICATED_CONNECTIONS; i++) {
      const s = await openSocket(port);
      s.write(slowBody);
      busy.push(s);
    }
    await waitFor('the studio to be reading every body', () => requests === MAX_UNAUTHENTICATED_CONNECTIONS);
    const newcomers = await Promise.all([openSocket(port), openSocket(port)]);
    await waitFor('the two oldest to be closed', () => busy.slice(0, 2).every(isClosed), {
      timeoutMs: 3000,
    });
    expect(busy.slice(2).filter(isClosed)).toHaveLength(0);
    expect(newcomers.filter(isClosed)).toHaveLength(0);
    expect(ui.ws.readyState, 'the UI socket is open').toBe(WebSocket.OPEN);
    expect((await ui.client.listAgents()).map((a) => a.name)).toEqual(['user']);
  }, 30_000);

  it('when authenticated callers fill it, closes the one idle longest; refuses only when all are busy', async () => {
    t = await startTestStudio();
    const { port, server } = t.http;
    let requests = 0;
    server.on('request', () => requests++);
    const body = JSON.stringify({ method: 'status', params: [] });
    const rpc = (length = Buffer.byteLength(body)) =>
      `POST /api/rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${t!.adminToken}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const answered = (s: Socket) =>
      new Promise<void>((resolve) =>
        s.on('data', function seen(d: Buffer) {
          if (!d.toString().startsWith('HTTP/1.1 200')) return;
          s.off('data', seen);
          resolve();
        }),
      );
    const callers: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const s = await openSocket(port);
      const done = answered(s);
      s.write(rpc() + body);
      await done;
      callers.push(s);
    }
    // Full of callers with the admin token, idle between requests: the one idle longest makes room.
    const newcomer = await openSocket(port);
    await waitFor('the caller idle longest to be closed', () => isClosed(callers[0]!), { timeoutMs: 3000 });
    expect(callers.slice(1).filter(isClosed)).toHaveLength(0);
    const done = answered(newcomer);
    newcomer.write(rpc() + body);
    await done;

    // All of them busy (bodies still coming): no room, so the next connection is refused.
    const before = requests;
    for (const s of [...callers.slice(1), newcomer]) s.write(rpc(100) + '{');
    await waitFor('every caller to be mid-request', () => requests === before + MAX_CONNECTIONS);
    const refused = await openSocket(port);
    await waitFor('the connection past the cap to be refused', () => isClosed(refused), { timeoutMs: 3000 });
    expect([...callers.slice(1), newcomer].filter(isClosed)).toHaveLength(0);
  }, 60_000);
});

/**
 * `ccstudio serve` with an agent (the fake Claude Code, so it has hook and MCP credentials) and a
 * UI socket open; then `attack` starts, and every caller of the studio must still get in.
 */
async function frontDoorHolds(
  attack: (port: number) => { connects: () => number; held: () => number; stop(): void },
): Promise<void> {
  const root = tempDir('ccstudio-frontdoor-');
  dirs.push(root);
  const data = join(root, 'data');
  const home = join(root, 'home');
  mkdirSync(home);
  const env = { ...process.env, HOME: home, INIT_CWD: '/', DISPLAY: '', WAYLAND_DISPLAY: '' };
  const serve = await startServe(
    ['--data', data, '--port', '0', '--no-start', '--claude', writeFakeClaude(join(root, 'bin'))],
    { env },
  );
  procs.push(serve.proc);
  const added = await runCli(
    ['agent', 'add', 'worker', '--prompt', 'Own the parser.', '--cwd', home, '--data', data],
    env,
  );
  expect(added.code, added.stderr).toBe(0);
  const agentDir = join(data, 'agents', 'worker');
  const mcpToken = (
    JSON.parse(readFileSync(join(agentDir, 'mcp.json'), 'utf8')) as {
      mcpServers: { studio: { headers: { Authorization: string } } };
    }
  ).mcpServers.studio.headers.Authorization.replace('Bearer ', '');
  const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as {
    uiToken: string;
    port: number;
  };
  const base = `http://127.0.0.1:${info.port}`;
  const uiUrl = uiSocketUrl(base, (await tabSession(base, { token: info.uiToken })).session);
  const ui = await openUi(uiUrl);

  const attacker = attack(info.port);
  await waitFor('the attacker to have opened every socket', () => attacker.connects() >= ATTACK_SOCKETS, {
    timeoutMs: 20_000,
  });
  const connectsBefore = attacker.connects();

  const status = await runCli(['status', '--data', data], env);
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toMatch(/worker/);

  const mcp = await connectMcpClient(serve.mcpUrl, mcpToken);
  cleanups.push(() => void mcp.close());
  expect(await callText(mcp, 'list_peers')).toMatch(/user/);

  const hook = spawn(process.execPath, [HOOK_REPORTER, join(agentDir, 'hook.json')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  procs.push(hook);
  let hookOut = '';
  hook.stdout!.on('data', (d: Buffer) => (hookOut += d.toString()));
  hook.stdin!.end(JSON.stringify({ hook_event_name: 'SessionStart', source: 'clear' }));
  await waitExit(hook);
  expect(hookOut, 'the hook reporter got the studio’s answer').toMatch(
    /you are worker\. Your role: Own the parser\./,
  );

  // The UI socket opened before the attack still answers, and a new one (a reload) gets in.
  expect(ui.ws.readyState, 'the UI socket is open').toBe(WebSocket.OPEN);
  expect((await ui.client.listAgents()).map((a) => a.name)).toContain('worker');
  const reloaded = await openUi(uiUrl);
  expect((await reloaded.client.status()).agents.map((a) => a.name)).toContain('worker');

  // The attacker kept at it all along.
  await waitFor('the attacker to be reopening still', () => attacker.connects() > connectsBefore);
  attacker.stop();
}

describe('the front door under a local process holding connections', () => {
  it(`lets the CLI, MCP, hooks and the UI in past ${ATTACK_SOCKETS} kept-alive /health sockets, renewed`, async () => {
    await frontDoorHolds((port) =>
      holdConnections(port, {
        count: ATTACK_SOCKETS,
        opening: `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
        renew: `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
        reopenMs: 1000,
      }),
    );
  }, 90_000);

  it(`lets them in past ${ATTACK_SOCKETS} sockets that never finish a request, reopened when closed`, async () => {
    await frontDoorHolds((port) =>
      holdConnections(port, {
        count: ATTACK_SOCKETS,
        opening: `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
        reopenMs: 200,
      }),
    );
  }, 90_000);
});
