// The MCP bearer middleware alone, on a real node:http server on port 0 with a real registry on
// SQLite in memory: who gets through, what the refused are told, and what a handler learns.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/contract/events.js';
import { AgentRegistry } from '../../../main/core/agents/agentRegistry.js';
import { openDatabase, type Db } from '../../../main/core/store/database.js';
import { Emitter } from '../../../main/core/util/emitter.js';
import { HttpError, sendJsonRpcError, sendJson } from '../../../server/http/http.js';
import { requireAgentAuth, type AgentAuthInfo } from '../../../server/mcp/bearerAuth.js';
import { FakeClock } from '../../support/fakeClock.js';
import { rawRequest } from '../../support/rawHttp.js';

let db: Db;
let agents: AgentRegistry;
let server: Server;
let url: string;
/** What each request that reached the handler carried as its caller. */
let reached: AgentAuthInfo[];
beforeEach(async () => {
  db = openDatabase(':memory:');
  agents = new AgentRegistry(db, new Emitter<StudioEvent>(), new FakeClock());
  reached = [];
  const handler = requireAgentAuth({ agentForToken: (t) => agents.byToken(t) })(async (req, res) => {
    reached.push(req.auth);
    sendJson(res, 200, { agentId: req.auth.agentId });
  });
  server = createServer((req, res) => {
    handler(req, res, new URL(req.url ?? '/', 'http://localhost')).catch((err: unknown) => {
      if (!(err instanceof HttpError)) throw err;
      sendJsonRpcError(res, err.status, err.code, err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  db.close();
});

const call = (authorization?: string) =>
  rawRequest(url, { body: '{}', headers: authorization ? { authorization } : {} });
const refusal = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;

describe('requireAgentAuth', () => {
  it('refuses a request without a bearer token with 401, and the handler never runs', async () => {
    for (const header of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens']) {
      const res = await call(header);
      expect(res.status).toBe(401);
      expect(refusal(res.body)).toBe('Missing Authorization: Bearer <token> header.');
    }
    expect(reached).toEqual([]);
  });

  it('refuses a token the studio did not issue, or took back, with 401, and the handler never runs', async () => {
    const { token } = agents.add({ name: 'gone' });
    agents.remove('gone');
    for (const header of ['Bearer ccs_not_a_token', `Bearer ${token}`]) {
      const res = await call(header);
      expect(res.status).toBe(401);
      expect(refusal(res.body)).toBe("Invalid token: ask the studio for this agent's current token.");
    }
    expect(reached).toEqual([]);
  });

  it("hands the handler the token's owner as req.auth, in the SDK's AuthInfo shape", async () => {
    const alice = agents.add({ name: 'alice' });
    const bob = agents.add({ name: 'bob' });
    expect((await call(`Bearer ${alice.token}`)).body).toBe(JSON.stringify({ agentId: alice.agent.id }));
    expect((await call(`bearer   ${bob.token} `)).status).toBe(200);
    expect(reached).toEqual([
      { token: alice.token, clientId: 'alice', scopes: [], agentId: alice.agent.id },
      { token: bob.token, clientId: 'bob', scopes: [], agentId: bob.agent.id },
    ]);
  });
});
