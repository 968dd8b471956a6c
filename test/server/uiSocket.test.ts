import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createPipeClient,
  type PipeEndpoint,
  type PipeFromStudio,
  type PipeToStudio,
} from '../../main/contract/pipe.js';
import type { StudioEvent } from '../../main/contract/events.js';
import { UI_CODE_TTL_MS } from '../../server/httpServer.js';
import { FakeClock } from '../support/fakeClock.js';
import { startTestStudio, type TestStudio } from '../support/studioHarness.js';

let t: TestStudio;
beforeEach(async () => {
  t = await startTestStudio();
});
afterEach(() => t.close());

const uiUrl = (token: string) => `${t.http.url.replace('http', 'ws').replace('/mcp', '/ui')}?token=${token}`;

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function pipeOf(ws: WebSocket): PipeEndpoint<PipeFromStudio, PipeToStudio> {
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    onMessage: (l) => {
      const h = (d: Buffer) => l(JSON.parse(d.toString()) as PipeFromStudio);
      ws.on('message', h);
      return { dispose: () => void ws.off('message', h) };
    },
    onClose: (l) => {
      ws.on('close', l);
      return { dispose: () => void ws.off('close', l) };
    },
  };
}

describe('the UI WebSocket (/ui)', () => {
  it('serves StudioService and its live events to a client holding the UI token', async () => {
    const ws = await open(uiUrl(t.uiToken));
    const client = createPipeClient(pipeOf(ws));
    const events: StudioEvent[] = [];
    client.onDidEvent((e) => events.push(e));
    t.addAgent('alice');
    await client.sendMessage({ to: 'alice', body: 'from the browser' });
    const status = await client.status();
    expect(status.agents.find((a) => a.name === 'alice')?.unread).toBe(1);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['agent.added', 'message.sent']));
    ws.close();
  });

  it('refuses a missing or wrong token, a foreign Origin and other paths', async () => {
    await expect(open(uiUrl('wrong'))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(''))).rejects.toThrow('HTTP 401');
    await expect(open(uiUrl(t.uiToken), { origin: 'http://evil.example.com' })).rejects.toThrow('HTTP 403');
    await expect(open(uiUrl(t.uiToken).replace('/ui', '/mcp'))).rejects.toThrow('HTTP 404');
  });

  it('ends a connection that sends an oversize frame, and keeps serving others', async () => {
    const ws = await open(uiUrl(t.uiToken));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = createPipeClient(pipeOf(await open(uiUrl(t.uiToken))));
    expect((await again.listAgents()).map((a) => a.name)).toEqual(['user']);
    again.dispose();
  });

  it('closes a connection that sends something other than JSON', async () => {
    const ws = await open(uiUrl(t.uiToken));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1007);
  });
});

describe('one-time UI links', () => {
  const session = (code: unknown, origin?: string) =>
    fetch(t.http.url.replace('/mcp', '/ui/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify({ code }),
    });

  it('trades a code for the UI token once, and never again', async () => {
    const code = t.http.issueUiCode();
    expect(code).toMatch(/^ccsc_/);
    expect(code).not.toContain(t.uiToken);
    const first = await session(code);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.json()).toEqual({ token: t.uiToken });
    const again = await session(code);
    expect(again.status).toBe(401);
    expect((await again.json()).error.message).toMatch(/used already or has expired/);
    for (const bad of ['ccsc_guess', '', 42, null]) expect((await session(bad)).status).toBe(401);
  });

  it('refuses a code asked for from a foreign page, and one that has expired', async () => {
    const code = t.http.issueUiCode();
    expect((await session(code, 'http://evil.example')).status).toBe(403);
    await t.close();
    const clock = new FakeClock();
    t = await startTestStudio({ clock });
    const late = t.http.issueUiCode();
    clock.advance(UI_CODE_TTL_MS + 1);
    expect((await session(late)).status).toBe(401);
    const fresh = t.http.issueUiCode();
    clock.advance(UI_CODE_TTL_MS - 1000);
    expect((await session(fresh)).status).toBe(200);
  });
});
