// One MCP session of either transport, and the one ownership check both make: a session is bound
// to the agent whose token opened it, and only that agent may use it.
import { HttpError } from '../http/http.js';

export interface McpSession {
  /** The agent whose token opened it. */
  readonly agentId: number;
  /** When a request last used it: the cap closes the least recently used, the sweep the idle. */
  lastUsed: number;
  /** When its event stream opened (the oldest goes first when an agent holds too many). */
  streamSince: number;
  /** A client holds a stream open on this session: it is alive, however long it stays quiet. */
  streaming(): boolean;
  close(): Promise<void>;
}

/**
 * The session a request names, if the caller owns it: `/mcp` names it by its mcp-session-id
 * header, the legacy `/messages` by its sessionId query. Unknown (or closed): 404, which tells a
 * client to initialize again; another agent's: 403, whatever the token's owner may otherwise do.
 */
export function ownSession<S extends McpSession>(
  sessions: ReadonlyMap<string, S>,
  id: string,
  caller: { agentId: number },
): S {
  const session = sessions.get(id);
  if (!session) throw new HttpError(404, 'Session not found: initialize a new session.', -32001);
  if (session.agentId !== caller.agentId) throw new HttpError(403, 'This session belongs to another agent.');
  return session;
}
