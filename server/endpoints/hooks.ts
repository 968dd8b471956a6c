// Claude Code's hooks of a studio-run agent (see main/host/hookReporter.mts), POSTed as JSON. Only
// the hook credential of the agent's running process is accepted here, and it is accepted nowhere
// else.
// The answer is Claude Code's own hook output, so an http hook needs nothing between: a Stop may
// be answered with a block that carries the notice of queued mail (see answerHook).
import type { Agent } from '../../main/contract/model.js';
import type { HookPayload } from '../../main/core/sessions/agentStateTracker.js';
import type { HookAnswer } from '../../main/core/wake/hookAnswer.js';
import { bearer, HttpError, parseJson, readBody, sendJson, type Handler } from '../http.js';

export function hooksEndpoint(hooks: {
  agentForHookToken(token: string): Agent | undefined;
  answer(agent: Agent, payload: HookPayload): HookAnswer;
}): Handler {
  return async (req, res) => {
    const token = bearer(req);
    const agent: Agent | undefined = token ? hooks.agentForHookToken(token) : undefined;
    if (!agent)
      throw new HttpError(401, 'Hooks report with the hook credential the studio launched the agent with.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST the hook JSON.');
    const body = parseJson(await readBody(req));
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new HttpError(400, 'The hook body is a JSON object.');
    sendJson(res, 200, hooks.answer(agent, body as HookPayload));
  };
}
