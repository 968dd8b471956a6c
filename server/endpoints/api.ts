// The person's API for the CLI: StudioService's calls over HTTP, `{method, params: [...]}` in,
// `{result}` or `{error}` out, through the same dispatch (method table, argument schemas) as every
// other pipe. Only the admin token from studio.json opens it; agents' tokens never do.
import type { StudioErrorBody } from '../../main/contract/errors.js';
import type { StudioCalls } from '../../main/contract/service.js';
import { dispatchServiceCall } from '../../main/core/pipe/servePipe.js';
import { bearer, HttpError, parseJson, readBody, sameSecret, sendJson, type Handler } from '../http/http.js';

const STATUS_FOR: Record<string, number> = {
  invalid: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export interface RpcAnswer {
  status: number;
  body: { result?: unknown; error?: StudioErrorBody };
}

export async function handleRpc(service: StudioCalls, body: unknown): Promise<RpcAnswer> {
  const req = body as { method?: unknown; params?: unknown } | null;
  if (!req || typeof req !== 'object' || typeof req.method !== 'string') {
    return {
      status: 400,
      body: { error: { code: 'invalid', message: 'Expected {"method": string, "params": [...]}.' } },
    };
  }
  const answer = await dispatchServiceCall(service, req.method, req.params === undefined ? [] : req.params);
  if (answer.ok) return { status: 200, body: { result: answer.result } };
  return { status: STATUS_FOR[answer.error!.code] ?? 400, body: { error: answer.error! } };
}

function requireAdmin(req: Parameters<Handler>[0], adminToken: string): void {
  const token = bearer(req);
  if (!token || !sameSecret(token, adminToken))
    throw new HttpError(401, 'The studio API needs the admin token from studio.json.');
}

export function apiEndpoint(service: StudioCalls, adminToken: string): Handler {
  return async (req, res) => {
    requireAdmin(req, adminToken);
    if (req.method !== 'POST') throw new HttpError(405, 'POST a JSON body {method, params}.');
    const answer = await handleRpc(service, parseJson(await readBody(req)));
    sendJson(res, answer.status, answer.body);
  };
}

/**
 * POST with the admin token: a one-time code for a UI link (`ccstudio open` hands it to the
 * browser, whose command line every local process can read, instead of the UI token).
 */
export function uiCodeEndpoint(adminToken: string, issue: () => string): Handler {
  return async (req, res) => {
    requireAdmin(req, adminToken);
    if (req.method !== 'POST') throw new HttpError(405, 'POST for a one-time UI code.');
    sendJson(res, 200, { code: issue() });
  };
}
