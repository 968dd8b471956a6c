import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPipeClient } from '../../main/contract/pipe.js';
import type { StudioEvent } from '../../main/contract/events.js';
import { TAB_CODE_TTL_MS, TAB_SESSION_IDLE_MS } from '../../main/core/tabs/tabSessions.js';
import { UI_SIGNED_OUT_CODE } from '../../server/httpServer.js';
import { FakeClock } from '../support/fakeClock.js';
import { startTestStudio, type TestStudio } from '../support/studioHarness.js';
import { tabSession } from '../support/uiSession.js';
import { wsPipe } from '../support/wsPipe.js';

let t: TestStudio;
beforeEach(async () => {
  t = await startTestStudio();
});
afterEach(() => t.close());

const uiUrl = (session: string, param = 'session') =>
  `${t.http.url.replace('http', 'ws').replace('/mcp', '/ui')}?${param}=${encodeURIComponent(session)}`;

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const closeOf = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );

/** POST /ui/session as a tab's page does: the raw answer. */
const exchange = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(t.http.urls.base + '/ui/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'TestBrowser/1.0', ...headers },
    body: JSON.stringify(body),
  });

describe('the UI WebSocket (/ui)', () => {
  let session: string;
  beforeEach(async () => {
    session = (await tabSession(t.http.urls.base, { token: t.uiToken })).session;
  });

  it('serves StudioService and its live events to a tab holding a session of its own', async () => {
    const ws = await open(uiUrl(session));
    const client = createPipeClient(wsPipe(ws));
    const events: StudioEvent[] = [];
    client.onDidEvent((e) => events.push(e));
    t.addAgent('alice');
    await client.sendMessage({ to: 'alice', body: 'from the browser' });
    const status = await client.status();
    expect(status.agents.find((a) => a.name === 'alice')?.unread).toBe(1);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['agent.added', 'message.sent']));
    ws.close();
  });

  it('refuses a missing or wrong session, the UI token itself, a foreign Origin and other paths', async () => {
    await expect(open(uiUrl('wrong'))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(''))).rejects.toThrow('HTTP 401');
    // The UI token opens no socket: only a tab's session does (the token is traded for one).
    await expect(open(uiUrl(t.uiToken))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(t.uiToken, 'token'))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(session, 'token'))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(session), { origin: 'http://evil.example.com' })).rejects.toThrow('HTTP 403');
    await expect(open(uiUrl(session).replace('/ui', '/mcp'))).rejects.toThrow('HTTP 404');
  });

  it('ends a connection that sends an oversize frame, and keeps serving others', async () => {
    const ws = await open(uiUrl(session));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = createPipeClient(wsPipe(await open(uiUrl(session))));
    expect((await again.listAgents()).map((a) => a.name)).toEqual(['user']);
    again.dispose();
  });

  it('closes a connection that sends something other than JSON', async () => {
    const ws = await open(uiUrl(session));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1007);
  });
});

describe("tabs' sessions", () => {
  it("the printed link's UI token buys a tab a session of its own, never the token itself", async () => {
    const res = await exchange({ token: t.uiToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).not.toContain(t.uiToken);
    expect(text).not.toContain(t.adminToken);
    const body = JSON.parse(text) as { session: string; id: number; expiresAt: number };
    expect(body.session).toMatch(/^ccst_/);
    expect(await t.studio.service.listTabs()).toEqual([
      expect.objectContaining({ id: body.id, via: 'token', userAgent: 'TestBrowser/1.0' }),
    ]);
    for (const bad of [
      { token: 'wrong' },
      { token: t.adminToken },
      { token: body.session },
      {},
      { code: 42 },
    ])
      expect((await exchange(bad)).status, JSON.stringify(bad)).toBe(401);
    expect((await fetch(t.http.urls.base + '/ui/session')).status).toBe(405);
  });

  it('a one-time code buys one session; a replay is refused, signs that tab out at once and tells the person', async () => {
    const notices: StudioEvent[] = [];
    t.studio.events.on((e) => e.type === 'attention' && notices.push(e));
    const code = t.http.issueUiCode();
    const first = await exchange({ code });
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).not.toContain(t.uiToken);
    const { session } = JSON.parse(text) as { session: string };
    const ws = await open(uiUrl(session));
    const closed = closeOf(ws);

    const again = await exchange({ code }, { 'user-agent': 'watcher' });
    expect(again.status).toBe(401);
    expect((await again.json()).error.message).toMatch(/used already/);
    expect(await closed).toEqual({ code: UI_SIGNED_OUT_CODE, reason: expect.stringMatching(/used twice/) });
    await expect(open(uiUrl(session))).rejects.toThrow('HTTP 401');
    expect(notices).toEqual([
      expect.objectContaining({ attention: expect.objectContaining({ kind: 'security' }) }),
    ]);
    expect(await t.studio.service.listTabs()).toEqual([]);
  });

  it('a tab ended from the list is disconnected at once and refused from then on; others keep going', async () => {
    const mine = await tabSession(t.http.urls.base, { token: t.uiToken });
    const other = await tabSession(t.http.urls.base, { code: t.http.issueUiCode() });
    const keeps = await open(uiUrl(mine.session));
    const client = createPipeClient(wsPipe(keeps));
    const goes = await open(uiUrl(other.session));
    const closed = closeOf(goes);
    const listed = await client.listTabs();
    expect(listed.map((tab) => [tab.id, tab.via, tab.connections])).toEqual([
      [other.id, 'code', 1],
      [mine.id, 'token', 1],
    ]);
    await client.endTab(other.id);
    expect(await closed).toEqual({
      code: UI_SIGNED_OUT_CODE,
      reason: 'This tab was signed out from the studio.',
    });
    await expect(open(uiUrl(other.session))).rejects.toThrow('HTTP 401');
    expect((await client.listTabs()).map((tab) => tab.id)).toEqual([mine.id]);
    await expect(client.endTab(other.id)).rejects.toMatchObject({ code: 'not_found' });
    client.dispose();
    keeps.close();
  });

  it("a tab's session opens nothing but the UI socket", async () => {
    const { session } = await tabSession(t.http.urls.base, { token: t.uiToken });
    const bearer = { authorization: `Bearer ${session}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown) =>
      fetch(t.http.urls.base + path, { method: 'POST', headers: bearer, body: JSON.stringify(body) });
    expect((await post('/api/rpc', { method: 'listAgents', params: [] })).status).toBe(401);
    expect((await post('/api/ui-code', {})).status).toBe(401);
    expect((await post('/hooks', { hook_event_name: 'Stop' })).status).toBe(401);
    expect(
      (
        await post('/mcp', {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-03-26',
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
          },
        })
      ).status,
    ).toBe(401);
    expect((await exchange({ token: session })).status).toBe(401);
    expect((await exchange({ code: session })).status).toBe(401);
  });

  it("nothing the socket sends carries the UI token or any tab's token", async () => {
    const mine = await tabSession(t.http.urls.base, { token: t.uiToken });
    const ws = await open(uiUrl(mine.session));
    const frames: string[] = [];
    ws.on('message', (d: Buffer) => frames.push(d.toString()));
    const client = createPipeClient(wsPipe(ws));
    const other = await tabSession(t.http.urls.base, { code: t.http.issueUiCode() });
    await client.listTabs();
    await client.endTab(other.id);
    await client.status();
    expect(frames.some((f) => f.includes('tabs.changed'))).toBe(true);
    for (const secret of [t.uiToken, t.adminToken, mine.session, other.session])
      expect(frames.join('\n')).not.toContain(secret);
    client.dispose();
    ws.close();
  });

  it('a code or a session past its time is refused (fake clock)', async () => {
    const code = t.http.issueUiCode();
    expect((await exchange({ code }, { origin: 'http://evil.example' })).status).toBe(403);
    await t.close();
    const clock = new FakeClock();
    t = await startTestStudio({ clock });
    const late = t.http.issueUiCode();
    clock.advance(TAB_CODE_TTL_MS + 1);
    expect((await exchange({ code: late })).status).toBe(401);
    const fresh = t.http.issueUiCode();
    clock.advance(TAB_CODE_TTL_MS - 1000);
    const res = await exchange({ code: fresh });
    expect(res.status).toBe(200);
    const { session } = (await res.json()) as { session: string };
    const ws = await open(uiUrl(session));
    const closed = closeOf(ws);
    ws.close();
    await closed;
    // Left unused past the idle limit: refused, and gone from the list.
    clock.advance(TAB_SESSION_IDLE_MS + 1);
    await expect(open(uiUrl(session))).rejects.toThrow('HTTP 401');
    expect(await t.studio.service.listTabs()).toEqual([]);
  });
});
