import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  callJson,
  callText,
  startTestStudio,
  ToolError,
  type TestStudio,
  type TransportKind,
  dumpDatabase,
} from '../support/studioHarness.js';
import { INITIALIZE, MCP_HEADERS, rawRequest } from '../support/rawHttp.js';
import { waitFor } from '../support/waitFor.js';

let t: TestStudio;
let aliceToken: string;
let bobToken: string;
beforeEach(async () => {
  t = await startTestStudio();
  aliceToken = t.addAgent('alice', 'builder');
  bobToken = t.addAgent('bob', 'reviewer');
});
afterEach(() => t.close());

const dbDump = () => dumpDatabase(t.studio.db);

/**
 * A legacy event stream (GET /sse) held open as `token`'s agent: the URL its messages are posted
 * to (from its `endpoint` event), and everything the stream carried so far.
 */
function openLegacySession(
  token: string,
): Promise<{ messagesUrl: string; received: () => string; close(): void }> {
  const sse = new URL(t.http.url.replace(/\/mcp$/, '/sse'));
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(
      {
        host: sse.hostname,
        port: sse.port,
        path: sse.pathname,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          const path = /event: endpoint\ndata: (\S+)/.exec(text)?.[1];
          if (path)
            resolve({
              messagesUrl: new URL(path, sse).href,
              received: () => text,
              close: () => req.destroy(),
            });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.each<TransportKind>(['http', 'sse'])('MCP over %s', (kind) => {
  it('lists every tool, lean enough for every turn', async () => {
    const client = await t.connect(aliceToken, kind);
    const { tools } = await client.listTools();
    // The surface the README documents, written out: a tool dropped or renamed fails here.
    expect(tools.map((x) => x.name).sort()).toEqual(
      [
        'broadcast',
        'check_inbox',
        'dispatch_task',
        'get_history',
        'get_prompt',
        'get_task',
        'heartbeat',
        'kick',
        'list_peers',
        'list_tasks',
        'my_tasks',
        'peer_state',
        'publish',
        'read_peer',
        'register',
        'respond',
        'send_message',
        'set_prompt',
        'set_summary',
        'studio_status',
        'subscribe',
        'unsubscribe',
        'update_task',
      ].sort(),
    );
    for (const tool of tools) expect(tool.inputSchema.type).toBe('object');
    expect(JSON.stringify({ tools }).length).toBeLessThan(12_000);
    for (const tool of tools) expect(tool.description!.length).toBeGreaterThan(20);
  });

  it('stamps the sender from the token and delivers to the recipient', async () => {
    const alice = await t.connect(aliceToken, kind);
    const bob = await t.connect(bobToken, kind);
    expect(await callText(alice, 'send_message', { to: 'bob', text: 'review #12 please' })).toMatch(
      /^Sent message #1 to bob/,
    );
    const inbox = await callJson<{ messages: Array<{ from: string; text: string }> }>(bob, 'check_inbox');
    expect(inbox.messages).toEqual([expect.objectContaining({ from: 'alice', text: 'review #12 please' })]);
    // A forged sender is not a parameter at all: the call is refused and nothing is written.
    const before = dbDump();
    await expect(callText(bob, 'send_message', { to: 'alice', text: 'x', from: 'alice' })).rejects.toThrow(
      /from/,
    );
    expect(dbDump()).toBe(before);
  });

  it('runs a task round trip and notifies the dispatcher', async () => {
    const alice = await t.connect(aliceToken, kind);
    const bob = await t.connect(bobToken, kind);
    const task = await callJson<{ id: number; status: string }>(alice, 'dispatch_task', {
      title: 'Review PR',
      to: 'bob',
    });
    expect(task.status).toBe('assigned');
    const mine = await callJson<{ assigned: Array<{ id: number; body?: string }> }>(bob, 'my_tasks');
    expect(mine.assigned.map((x) => x.id)).toEqual([task.id]);
    await callText(bob, 'update_task', { task_id: task.id, status: 'done', result: 'LGTM' });
    const inbox = await callJson<{ messages: Array<{ type: string; text: string }> }>(alice, 'check_inbox');
    expect(inbox.messages).toEqual([
      expect.objectContaining({ type: 'result', text: expect.stringContaining('LGTM') }),
    ]);
    const detail = await callJson<{ history: unknown[]; result: string }>(alice, 'get_task', {
      task_id: task.id,
    });
    expect(detail.result).toBe('LGTM');
    expect(detail.history).toHaveLength(3);
  });

  it('answers bad arguments with errors that say what to do, writing nothing', async () => {
    const alice = await t.connect(aliceToken, kind);
    const before = dbDump();
    await expect(callText(alice, 'send_message', { to: 'nobody', text: 'x' })).rejects.toThrow(
      /Agents here: user, alice, bob/,
    );
    await expect(callText(alice, 'send_message', { to: 'bob', text: 42 })).rejects.toThrow(/text/);
    await expect(callText(alice, 'send_message', { to: 'bob', text: 'x'.repeat(65 * 1024) })).rejects.toThrow(
      /send its path/,
    );
    await expect(callText(alice, 'update_task', { task_id: 99, status: 'done' })).rejects.toThrow(
      /No task #99/,
    );
    await expect(callText(alice, 'no_such_tool', {})).rejects.toThrow(/not found/);
    expect(dbDump()).toBe(before);
  });
});

describe('HTTP edge', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(t.http.url, {
      body,
      headers: { ...MCP_HEADERS, authorization: `Bearer ${aliceToken}`, ...headers },
    });

  it('refuses a missing or wrong token with 401 and a Bearer challenge', async () => {
    const none = await rawRequest(t.http.url, { body: INITIALIZE, headers: MCP_HEADERS });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(none.body).error.message).toMatch(/Authorization: Bearer/);
    const wrong = await post(INITIALIZE, { authorization: 'Bearer ccs_wrong' });
    expect(wrong.status).toBe(401);
    expect((await rawRequest(t.http.url.replace('/mcp', '/sse'), { method: 'GET' })).status).toBe(401);
  });

  it('validates Host and Origin before anything else (DNS rebinding)', async () => {
    expect((await post(INITIALIZE, { host: 'evil.example.com' })).status).toBe(403);
    expect((await post(INITIALIZE, { origin: 'http://evil.example.com' })).status).toBe(403);
    expect(
      (
        await post(INITIALIZE, {
          host: `localhost:${t.http.port}`,
          origin: `http://localhost:${t.http.port}`,
        })
      ).status,
    ).toBe(200);
  });

  it('rejects malformed JSON with -32700 and oversize bodies with 413', async () => {
    const bad = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe(-32700);
    const big = await post(Buffer.alloc(1024 * 1024 + 10, 'a'));
    expect(big.status).toBe(413);
    const notInit = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    expect(notInit.status).toBe(400);
  });

  it("will not let one agent use another agent's session", async () => {
    const init = await post(INITIALIZE);
    const sessionId = init.headers['mcp-session-id'] as string;
    expect(sessionId).toBeTruthy();
    const hijack = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), {
      authorization: `Bearer ${bobToken}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    });
    expect(hijack.status).toBe(403);
    const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), {
      'mcp-session-id': 'nope',
    });
    expect(unknown.status).toBe(404);
  });

  it("will not let one agent post into another agent's legacy SSE session", async () => {
    const session = await openLegacySession(aliceToken);
    try {
      const postAs = (token: string, message: object) =>
        rawRequest(session.messagesUrl, {
          body: JSON.stringify(message),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        });
      expect((await postAs(aliceToken, JSON.parse(INITIALIZE) as object)).status).toBe(202);
      expect((await postAs(aliceToken, { jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(
        202,
      );
      await waitFor('the initialize answer', () => session.received().includes('"id":1'));
      const send = (id: number) => ({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'send_message', arguments: { to: 'bob', text: `as alice #${id}` } },
      });
      // Bob holds a valid token and alice's session id: refused, and nothing is sent as alice.
      const before = dbDump();
      const hijack = await postAs(bobToken, send(2));
      expect(hijack.status).toBe(403);
      expect(JSON.parse(hijack.body).error.message).toBe('This session belongs to another agent.');
      expect(dbDump()).toBe(before);
      // The same call from alice goes through, and its answer is the only one on her stream.
      expect((await postAs(aliceToken, send(3))).status).toBe(202);
      await waitFor('the answer to alice', () => session.received().includes('"id":3'));
      expect(session.received()).not.toContain('"id":2');
      expect(t.studio.bus.history(null).map((m) => [m.from, m.body])).toEqual([['alice', 'as alice #3']]);
    } finally {
      session.close();
    }
  });

  it('stops a removed agent at once, even mid-session', async () => {
    const alice = await t.connect(aliceToken);
    await callText(alice, 'heartbeat');
    await t.studio.service.removeAgent('alice');
    await expect(callText(alice, 'heartbeat')).rejects.toThrow();
  });

  it('serves the person API only with the admin token', async () => {
    const api = t.http.url.replace('/mcp', '/api/rpc');
    const body = JSON.stringify({ method: 'listAgents', params: [] });
    expect((await rawRequest(api, { body, headers: { authorization: `Bearer ${aliceToken}` } })).status).toBe(
      401,
    );
    const ok = await rawRequest(api, { body, headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(JSON.parse(ok.body).result.map((a: { name: string }) => a.name)).toEqual(['user', 'alice', 'bob']);
    const unknown = await rawRequest(api, {
      body: JSON.stringify({ method: 'constructor', params: [] }),
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('hands a one-time UI code only for the admin token; the code buys one tab session, never a token', async () => {
    const codeUrl = t.http.urls.base + '/api/ui-code';
    expect((await rawRequest(codeUrl, { headers: { authorization: `Bearer ${aliceToken}` } })).status).toBe(
      401,
    );
    expect((await rawRequest(codeUrl, { headers: { authorization: `Bearer ${t.uiToken}` } })).status).toBe(
      401,
    );
    const ok = await rawRequest(codeUrl, { headers: { authorization: `Bearer ${t.adminToken}` } });
    const { code } = JSON.parse(ok.body) as { code: string };
    const trade = (c: string) =>
      rawRequest(t.http.urls.base + '/ui/session', { body: JSON.stringify({ code: c }) });
    const traded = await trade(code);
    expect(traded.status).toBe(200);
    expect(traded.body).not.toContain(t.uiToken);
    expect(traded.body).not.toContain(t.adminToken);
    expect(JSON.parse(traded.body)).toEqual({
      session: expect.stringMatching(/^ccst_/),
      id: 1,
      expiresAt: expect.any(Number),
    });
    expect((await trade(code)).status).not.toBe(200);
  });

  it('answers unknown paths with 404', async () => {
    expect((await rawRequest(t.http.url.replace('/mcp', '/nope'), { method: 'GET' })).status).toBe(404);
  });
});

describe('tool errors are tool results, not crashes', () => {
  it('keeps serving after many bad calls', async () => {
    const alice = await t.connect(aliceToken);
    for (let i = 0; i < 20; i++)
      await expect(callText(alice, 'get_task', { task_id: 1000 + i })).rejects.toBeInstanceOf(ToolError);
    expect(await callText(alice, 'set_summary', { summary: 'still here' })).toBe('Summary set.');
  });
});

describe('person API input', () => {
  it('refuses wrong shapes with a sentence, writing nothing', async () => {
    const api = t.http.url.replace('/mcp', '/api/rpc');
    const call = (method: string, params: unknown) =>
      rawRequest(api, {
        body: JSON.stringify({ method, params }),
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
    const before = dbDump();
    const cases: Array<[string, unknown, RegExp]> = [
      ['listTasks', [{ limit: 'lots' }], /limit/],
      ['sendMessage', [{ to: 'alice', body: 5 }], /body/],
      ['sendMessage', [{ to: 'alice', body: 'x', from: 'bob' }], /from/],
      ['addAgent', [{ name: 'x', role: ['a'] }], /role/],
      ['getTask', ['1'], /number/],
      ['createTask', [], /expected/i],
      ['status', 'nope', /params must be an array/],
    ];
    for (const [method, params, message] of cases) {
      const res = await call(method, params);
      expect(res.status, method).toBe(400);
      expect(JSON.parse(res.body).error.message, method).toMatch(message);
    }
    expect(dbDump()).toBe(before);
  });
});

describe('session limits', () => {
  it("closes an agent's least recently used session past the cap, never one a client streams on", async () => {
    const { MAX_SESSIONS_PER_AGENT } = await import('../../server/httpServer.js');
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${aliceToken}` };
    // An SDK client holds the GET notification stream open: that session must survive the cap.
    const streaming = await t.connect(aliceToken);
    const bob = await t.connect(bobToken);
    const oneShot = async () =>
      (await rawRequest(t.http.url, { body: INITIALIZE, headers })).headers['mcp-session-id'] as string;
    const first = await oneShot();
    for (let i = 2; i < MAX_SESSIONS_PER_AGENT; i++) await oneShot();
    expect(t.http.sessionCount()).toBe(MAX_SESSIONS_PER_AGENT + 1);
    await oneShot();
    expect(t.http.sessionCount()).toBe(MAX_SESSIONS_PER_AGENT + 1);
    const reuse = await rawRequest(t.http.url, {
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      headers: { ...headers, 'mcp-session-id': first, 'mcp-protocol-version': '2025-06-18' },
    });
    expect(reuse.status).toBe(404);
    expect(await callText(streaming, 'heartbeat')).toContain('unread');
    expect(await callText(bob, 'heartbeat')).toContain('unread');
  });

  it('refuses a request id repeated in a batch or still pending, instead of hanging', async () => {
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${aliceToken}` };
    const init = await rawRequest(t.http.url, { body: INITIALIZE, headers });
    const session = {
      ...headers,
      'mcp-session-id': init.headers['mcp-session-id'] as string,
      'mcp-protocol-version': '2025-06-18',
    };
    const dup = await rawRequest(t.http.url, {
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 7, method: 'ping' },
        { jsonrpc: '2.0', id: 7, method: 'ping' },
      ]),
      headers: session,
    });
    expect(dup.status).toBe(400);
    expect(JSON.parse(dup.body).error.message).toMatch(/repeated/);
  });
});
