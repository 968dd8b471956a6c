// The MCP session bookkeeping alone, on stand-in sessions: the one ownership check both transports
// make. The endpoints that use it are tested over real HTTP in ../httpServer.test.ts.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../server/http.js';
import { ownSession, type McpSession } from '../../../server/mcp/mcpSession.js';

/** A session that is only its bookkeeping: whether a client streams on it, and whether it was closed. */
interface StandInSession extends McpSession {
  readonly name: string;
  stream: boolean;
  closed: boolean;
}

function standInSession(
  name: string,
  agentId: number,
  at: { lastUsed?: number; streamSince?: number; stream?: boolean } = {},
): StandInSession {
  const s: StandInSession = {
    name,
    agentId,
    lastUsed: at.lastUsed ?? 0,
    streamSince: at.streamSince ?? 0,
    stream: at.stream ?? false,
    closed: false,
    streaming: () => s.stream && !s.closed,
    close: async () => {
      s.closed = true;
    },
  };
  return s;
}

const ALICE = 1;
const BOB = 2;

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
  return undefined;
};

describe('ownSession', () => {
  const sessions = new Map([
    ['a1', standInSession('a1', ALICE)],
    ['b1', standInSession('b1', BOB)],
  ]);

  it("gives an agent its own session, and another agent's a 403", () => {
    expect(ownSession(sessions, 'a1', { agentId: ALICE }).name).toBe('a1');
    expect(refusal(() => ownSession(sessions, 'a1', { agentId: BOB }))).toEqual({
      status: 403,
      code: -32000,
      message: 'This session belongs to another agent.',
    });
  });

  it('answers a session it does not hold with 404 and -32001, so a client initializes again', () => {
    expect(refusal(() => ownSession(sessions, 'gone', { agentId: ALICE }))).toEqual({
      status: 404,
      code: -32001,
      message: 'Session not found: initialize a new session.',
    });
  });
});
