// Claude Code's hooks of a studio-run agent (see main/host/hookReporter.mts), POSTed as JSON. Only
// the hook credential of the agent's running process is accepted here, and it is accepted nowhere
// else. Each body is checked against the contract's schema for its event before anything happens:
// a bad one is refused with 400 and changes nothing (no mail taken, no state moved).
// The answer is Claude Code's own hook output, so an http hook needs nothing between: a Stop may
// be answered with a block that carries the notice of queued mail (see answerHook).
import {
  mailWaitRequest,
  parseHookPayload,
  type HookAnswer,
  type HookPayload,
  type MailWaitAnswer,
  type MailWaitRequest,
} from '../../main/contract/hooks.js';
import { describeIssues } from '../../main/contract/schemas.js';
import type { Agent } from '../../main/contract/model.js';
import type { Logger } from '../../main/core/util/logger.js';
import { bearer, HttpError, parseJson, readBody, sendJson, type Handler } from '../http/http.js';

/** The agent a request's hook credential belongs to, and its checked POST body. */
async function hookRequest(
  req: Parameters<Handler>[0],
  agentForHookToken: (token: string) => Agent | undefined,
): Promise<{ agent: Agent; body: unknown }> {
  const token = bearer(req);
  const agent: Agent | undefined = token ? agentForHookToken(token) : undefined;
  if (!agent)
    throw new HttpError(401, 'Hooks report with the hook credential the studio launched the agent with.');
  if (req.method !== 'POST') throw new HttpError(405, 'POST the hook JSON.');
  return { agent, body: parseJson(await readBody(req)) };
}

export function hooksEndpoint(hooks: {
  agentForHookToken(token: string): Agent | undefined;
  /** A permission request's answer waits for the person (held until they decide, or let go). */
  answer(agent: Agent, payload: HookPayload, signal: AbortSignal): HookAnswer | Promise<HookAnswer>;
  logger: Logger;
}): Handler {
  return async (req, res) => {
    const { agent, body } = await hookRequest(req, hooks.agentForHookToken);
    const parsed = parseHookPayload(body);
    if (!parsed.ok) {
      // Claude Code keeps a hook's error to itself: logged here, a CLI whose hooks changed is noticed.
      hooks.logger.warn('hook refused', { agent: agent.name, reason: parsed.reason });
      throw new HttpError(400, `Not a hook body the studio takes: ${parsed.reason}.`, -32602);
    }
    const gaveUp = new AbortController();
    const held = hooks.answer(agent, parsed.payload, gaveUp.signal);
    if (!(held instanceof Promise)) return sendJson(res, 200, held);
    // Held: if the CLI gives up (its timeout, its turn interrupted), nothing is left waiting here.
    res.on('close', () => {
      if (!res.writableEnded) gaveUp.abort();
    });
    const answer = await held;
    if (!res.writableEnded && !res.destroyed) sendJson(res, 200, answer);
  };
}

/**
 * Where an idle agent's waiter hook waits for its mail (main/host/hookReporter.mts, `wait`): held
 * open until the studio answers with the notice to wake it with, or ends the wait; the waiter going
 * (its connection closes) ends it too. The same credential as the hooks, accepted only from the
 * agent's running process. Answered in JSON, or as text to a waiter that asks for it.
 */
export function hookWaitEndpoint(waits: {
  agentForHookToken(token: string): Agent | undefined;
  wait(agent: Agent, request: MailWaitRequest, signal: AbortSignal): Promise<MailWaitAnswer>;
}): Handler {
  return async (req, res) => {
    const { agent, body } = await hookRequest(req, waits.agentForHookToken);
    const parsed = mailWaitRequest.safeParse(body);
    if (!parsed.success)
      throw new HttpError(400, `Not a wait the studio takes: ${describeIssues(parsed.error)}.`, -32602);
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    const answer = await waits.wait(agent, parsed.data, gone.signal);
    if (res.writableEnded || res.destroyed) return;
    // A shell waiter (curl, on another machine) takes the notice as text: 200 with it, 204 for an end.
    if (!(req.headers.accept ?? '').includes('text/plain')) sendJson(res, 200, answer);
    else if ('wake' in answer)
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(answer.wake);
    else res.writeHead(204).end();
  };
}
