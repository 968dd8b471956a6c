// Slow and greedy clients against the studio's one listener: every buffer held for a client is
// bounded, a client that stops reading is cut off with a reason, and slow or idle connections
// time out (the connection cap: frontDoor.test.ts). The memory test runs `ccstudio serve` as its own process, so its size is the studio's.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  HEADERS_TIMEOUT_MS,
  MAX_STREAMS_PER_AGENT,
  REQUEST_TIMEOUT_MS,
  UI_TOO_SLOW_CODE,
} from '../../server/httpServer.js';
import { startServe, waitExit } from '../support/cliProcess.js';
import { INITIALIZE, MCP_HEADERS, rawRequest } from '../support/rawHttp.js';
import { startTestStudio, tempDir, type TestStudio } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';
import { tabSession, uiSocketUrl } from '../support/uiSession.js';

let t: TestStudio | undefined;
const procs: ChildProcess[] = [];
const dirs: string[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
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

/** An event stream held open: resolves once the headers arrived; `ended` once the server let go. */
function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<{ res: IncomingMessage; req: ClientRequest; ended: () => boolean }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', headers },
      (res) => {
        let ended = false;
        res.on('data', () => {});
        res.on('close', () => (ended = true));
        res.on('end', () => (ended = true));
        resolve({ res, req, ended: () => ended });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

describe('greedy clients', () => {
  it(`keeps at most ${MAX_STREAMS_PER_AGENT} event streams per agent, closing the oldest`, async () => {
    t = await startTestStudio();
    const token = t.addAgent('greedy');
    const auth = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    const legacy: Array<Awaited<ReturnType<typeof openStream>>> = [];
    for (let i = 0; i < 10; i++) legacy.push(await openStream(t.http.url.replace('/mcp', '/sse'), auth));
    await waitFor('the oldest legacy streams to be closed', () =>
      legacy.slice(0, 10 - MAX_STREAMS_PER_AGENT).every((s) => s.ended()),
    );
    expect(legacy.slice(-MAX_STREAMS_PER_AGENT).map((s) => s.ended())).toEqual(
      Array(MAX_STREAMS_PER_AGENT).fill(false),
    );
    // Streamable HTTP streams count against the same cap.
    const fresh: Array<Awaited<ReturnType<typeof openStream>>> = [];
    for (let i = 0; i < MAX_STREAMS_PER_AGENT + 2; i++) {
      const init = await rawRequest(t.http.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: INITIALIZE,
      });
      const session = init.headers['mcp-session-id'] as string;
      fresh.push(await openStream(t.http.url, { ...auth, 'mcp-session-id': session }));
    }
    await waitFor('only the newest streams to stay', () => legacy.every((s) => s.ended()));
    await waitFor('the oldest new ones to go', () => fresh.slice(0, 2).every((s) => s.ended()));
    expect(fresh.slice(2).map((s) => s.ended())).toEqual(Array(MAX_STREAMS_PER_AGENT).fill(false));
    for (const s of [...legacy, ...fresh]) s.req.destroy();
  });

  it('cuts off slow headers and a body sent a byte at a time', async () => {
    t = await startTestStudio();
    const { port } = t.http;
    const closedAfter = (socket: Socket, started: number) =>
      new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    const started = Date.now();
    const slowHeaders = connect(port, '127.0.0.1');
    sockets.push(slowHeaders);
    slowHeaders.on('error', () => {});
    slowHeaders.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    const drip = connect(port, '127.0.0.1');
    sockets.push(drip);
    drip.on('error', () => {});
    // With the admin token, so the body is read (a caller without one is answered and cut at once).
    drip.write(
      `POST /api/rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${t.adminToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    const dripping = setInterval(() => drip.writable && drip.write(' '), 200);
    try {
      const [headersMs, bodyMs] = await Promise.all([
        closedAfter(slowHeaders, started),
        closedAfter(drip, started),
      ]);
      expect(headersMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2500);
      expect(bodyMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
      expect(bodyMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 1000);
    } finally {
      clearInterval(dripping);
    }
  }, 30_000);
});

describe('a UI client that stops reading', () => {
  it('is cut off with a reason, and 3,000 x 60 KB messages leave the studio under +100 MB', async () => {
    const data = tempDir('ccstudio-slowui-');
    dirs.push(data);
    const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
    procs.push(serve.proc);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as {
      baseUrl: string;
      apiUrl: string;
      adminToken: string;
      uiToken: string;
    };
    const rpc = async (method: string, params: unknown[]) => {
      const res = await fetch(info.apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${info.adminToken}` },
        body: JSON.stringify({ method, params }),
      });
      const body = (await res.json()) as { error?: { message: string } };
      if (body.error) throw new Error(body.error.message);
    };
    // Enough recipients that no inbox reaches its quota (50 x 60 KB each, within one sender's
    // 4 MB share): this test is about the UI's buffer.
    const recipients = Array.from({ length: 60 }, (_, i) => `r${i}`);
    for (const name of recipients) await rpc('addAgent', [{ name, remote: true }]);

    const { session } = await tabSession(info.baseUrl, { token: info.uiToken });
    const ws = new WebSocket(uiSocketUrl(serve.mcpUrl, session));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    let closeCode = 0;
    ws.on('close', (code) => (closeCode = code));
    ws.on('error', () => {});
    // It stops reading: its socket is paused and the kernel's buffers fill.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const before = rssMb(serve.proc.pid!);

    const body = 'm'.repeat(60 * 1024);
    let next = 0;
    const sender = async () => {
      while (next < 3000) {
        const i = next++;
        await rpc('sendMessage', [{ to: recipients[i % recipients.length]!, body }]);
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    const after = rssMb(serve.proc.pid!);
    expect(after - before, `studio RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MB`).toBeLessThan(100);
    expect(serve.output()).toMatch(/a UI connection fell too far behind; closing it/);
    // Reading again, it finds the connection closed (it reconnects and loads a fresh view).
    (ws as unknown as { _socket: Socket })._socket.resume();
    await waitFor('the close', () => closeCode !== 0, { timeoutMs: 20_000 });
    expect([UI_TOO_SLOW_CODE, 1006]).toContain(closeCode);
  }, 120_000);
});
