// Bearer authentication for MCP, a layer of its own as the SDK's requireBearerAuth is: it checks the
// token before a handler runs and hands the handler the caller as `req.auth`, so no handler reads
// a token or an argument to learn who is calling. A refusal is thrown as a 401 HttpError; the
// listener answers it with the Bearer challenge and closes the connection (httpServer.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Agent } from '../../main/contract/model.js';
import { bearer, HttpError, type Handler } from '../http/http.js';

/** The caller a request's token names, in the SDK's shape (its transports pass `req.auth` on). */
export interface AgentAuthInfo extends AuthInfo {
  /** The agent the token belongs to: the caller of everything the request does. */
  readonly agentId: number;
}

export type AuthenticatedRequest = IncomingMessage & { auth: AgentAuthInfo };

/** A handler that runs only for an authenticated caller. */
export type AuthenticatedHandler = (
  req: AuthenticatedRequest,
  res: ServerResponse,
  url: URL,
) => Promise<void>;

/** Who a token belongs to (the registry's byToken, through the agent side). */
export interface AgentTokenVerifier {
  agentForToken(token: string): Agent | undefined;
}

/** The 401 a request gets without a token the studio issued to an agent, saying what is wrong. */
function refusal(token: string | undefined): HttpError {
  return new HttpError(
    401,
    token
      ? "Invalid token: ask the studio for this agent's current token."
      : 'Missing Authorization: Bearer <token> header.',
  );
}

/**
 * Wraps a handler so that it runs only with a valid agent token, the caller on `req.auth`.
 * Agents' tokens do not expire (the studio rotates one when it restarts the agent), so no expiry
 * or scope is checked, unlike the SDK's OAuth tokens.
 */
export function requireAgentAuth(verifier: AgentTokenVerifier): (handler: AuthenticatedHandler) => Handler {
  return (handler) => async (req, res, url) => {
    const token = bearer(req);
    const agent = token ? verifier.agentForToken(token) : undefined;
    if (!token || !agent) throw refusal(token);
    const auth: AgentAuthInfo = { token, clientId: agent.name, scopes: [], agentId: agent.id };
    return handler(Object.assign(req, { auth }), res, url);
  };
}
