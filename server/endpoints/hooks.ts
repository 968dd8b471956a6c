// Claude Code's hooks of a studio-run agent (see main/host/hookReporter.mts), POSTed as JSON. Only
// the hook credential of the agent's running process is accepted here, and it is accepted nowhere
// else. Each body is checked against the contract's schema for its event before anything happens:
// a bad one is refused with 400 and changes nothing (no mail taken, no state moved).
// The answer is Claude Code's own hook output, so an http hook needs nothing between: a Stop may
// be answered with a block that carries the notice of queued mail (see answerHook).
import { parseHookPayload, type HookAnswer, type HookPayload } from '../../main/contract/hooks.js';
import type { Agent } from '../../main/contract/model.js';
import type { Logger } from '../../main/core/util/logger.js';
import { bearer, HttpError, parseJson, readBody, sendJson, type Handler } from '../http/http.js';

export function hooksEndpoint(hooks: {
  agentForHookToken(token: string): Agent | undefined;
  /** A permission request's answer waits for the person (held until they decide, or let go). */
  answer(agent: Agent, payload: HookPayload, signal: AbortSignal): HookAnswer | Promise<HookAnswer>;
  logger: Logger;
}): Handler {
  return async (req, res) => {
    const token = bearer(req);
    const agent: Agent | undefined = token ? hooks.agentForHookToken(token) : undefined;
    if (!agent)
      throw new HttpError(401, 'Hooks report with the hook credential the studio launched the agent with.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST the hook JSON.');
    const parsed = parseHookPayload(parseJson(await readBody(req)));
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
