// The MCP session bookkeeping alone, on stand-in sessions and the fake clock: the one ownership
// check both transports make, the per-agent caps, and the idle sweep. The endpoints that use them
// are tested over real HTTP in ../httpServer.test.ts and ../slowClients.test.ts.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../server/http/http.js';
import { SESSION_IDLE_MS, SESSION_SWEEP_MS, startIdleSweep } from '../../../server/mcp/idleSweep.js';
import { ownSession, type McpSession } from '../../../server/mcp/mcpSession.js';
import {
  capSessions,
  capStreams,
  MAX_SESSIONS_PER_AGENT,
  MAX_STREAMS_PER_AGENT,
} from '../../../server/mcp/sessionCap.js';
import { FakeClock } from '../../support/fakeClock.js';

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

const closedOnes = (sessions: StandInSession[]): string[] =>
  sessions.filter((s) => s.closed).map((s) => s.name);

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

describe('capSessions', () => {
  it(`closes an agent's least recently used sessions to make room for one more than ${MAX_SESSIONS_PER_AGENT - 1}`, () => {
    const mine = Array.from({ length: MAX_SESSIONS_PER_AGENT }, (_, i) =>
      standInSession(`s${i}`, ALICE, { lastUsed: (i * 7) % MAX_SESSIONS_PER_AGENT }),
    );
    capSessions(mine);
    // lastUsed 0 is s0: the one used longest ago.
    expect(closedOnes(mine)).toEqual(['s0']);
    capSessions(mine.slice(0, MAX_SESSIONS_PER_AGENT - 1));
    expect(closedOnes(mine)).toEqual(['s0']);
  });

  it('never closes a session a client streams on, even past the cap', () => {
    const mine = Array.from({ length: MAX_SESSIONS_PER_AGENT + 2 }, (_, i) =>
      standInSession(`s${i}`, ALICE, { lastUsed: i, stream: i < 4 }),
    );
    capSessions(mine);
    // Three must go to leave room for one: the least recently used of those without a stream.
    expect(closedOnes(mine)).toEqual(['s4', 's5', 's6']);
  });
});

describe('capStreams', () => {
  it(`keeps at most ${MAX_STREAMS_PER_AGENT} streams with the new one, closing the oldest`, () => {
    const mine: StandInSession[] = [
      standInSession('quiet', ALICE, { lastUsed: 0 }),
      ...Array.from({ length: MAX_STREAMS_PER_AGENT + 1 }, (_, i) =>
        standInSession(`t${i}`, ALICE, { streamSince: 100 - i, stream: true }),
      ),
    ];
    capStreams(mine);
    // Opened longest ago: the highest numbers. A session without a stream is not capStreams' business.
    expect(closedOnes(mine)).toEqual(['t3', 't4']);
    capStreams(mine.slice(0, MAX_STREAMS_PER_AGENT - 1));
    expect(closedOnes(mine)).toEqual(['t3', 't4']);
  });
});

describe('the idle sweep', () => {
  it(`closes a session unused for ${SESSION_IDLE_MS / 3_600_000} hours at its next sweep, never one a client streams on`, () => {
    const clock = new FakeClock();
    const start = clock.now();
    const sessions = [
      standInSession('idle', ALICE, { lastUsed: start }),
      standInSession('streaming', ALICE, { lastUsed: start, stream: true }),
      standInSession('used', BOB, { lastUsed: start }),
    ];
    const sweep = startIdleSweep({ clock, sessions: () => sessions.filter((s) => !s.closed) });
    clock.advance(SESSION_IDLE_MS - SESSION_SWEEP_MS);
    sessions[2]!.lastUsed = clock.now();
    expect(closedOnes(sessions)).toEqual([]);
    // Idle a whole SESSION_IDLE_MS: closed within one sweep of that.
    clock.advance(2 * SESSION_SWEEP_MS);
    expect(closedOnes(sessions)).toEqual(['idle']);
    sessions[1]!.stream = false;
    clock.advance(SESSION_SWEEP_MS);
    expect(closedOnes(sessions)).toEqual(['idle', 'streaming']);
    sweep.dispose();
    clock.advance(SESSION_IDLE_MS + SESSION_SWEEP_MS);
    expect(closedOnes(sessions)).toEqual(['idle', 'streaming']);
  });
});
