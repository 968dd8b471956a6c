// A lean Streamable HTTP client for the load generator: one keep-alive socket per session,
// pre-built headers, plain JSON. The SDK client costs the load generator about as much CPU per
// call as the server spends answering it, so on two cores it, not the server, set the ceiling.
import { Agent } from 'node:http';
import { rawRequest } from '../support/rawHttp.js';

export interface RawSession {
  call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }>;
  close(): Promise<void>;
}

const PROTOCOL_VERSION = '2025-06-18';

function post(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return rawRequest(url.href, {
    agent,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
}

export async function openRawSession(urlText: string, token: string): Promise<RawSession> {
  const url = new URL(urlText);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const base: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${token}`,
  };
  const init = await post(
    agent,
    url,
    base,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'bench-raw', version: '1' },
      },
    }),
  );
  const sessionId = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof sessionId !== 'string')
    throw new Error(`initialize failed: ${init.status} ${init.body}`);
  const headers = { ...base, 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION };
  const note = await post(
    agent,
    url,
    headers,
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  );
  if (note.status !== 202) throw new Error(`initialized notification: ${note.status}`);
  let id = 1;
  return {
    async call(name, args) {
      const res = await post(
        agent,
        url,
        headers,
        JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } }),
      );
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const msg = JSON.parse(res.body) as {
        result?: { isError?: boolean; content?: Array<{ text?: string }> };
        error?: { message: string };
      };
      if (msg.error) throw new Error(msg.error.message);
      return {
        isError: msg.result?.isError === true,
        text: (msg.result?.content ?? []).map((c) => c.text ?? '').join(''),
      };
    },
    async close() {
      await post(agent, url, headers, '').catch(() => undefined);
      agent.destroy();
    },
  };
}
