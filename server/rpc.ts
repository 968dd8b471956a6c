import type { StudioCalls } from '../main/contract/service.js';
import { dispatchServiceCall } from '../main/core/pipe/servePipe.js';

export interface RpcAnswer {
  status: number;
  body: { result?: unknown; error?: { code: string; message: string } };
}

const STATUS_FOR: Record<string, number> = {
  invalid: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/**
 * Serves StudioService over HTTP for the CLI: `{method, params: [...]}` in, `{result}` or
 * `{error}` out, through the same dispatch (method list, argument schemas) as every other pipe.
 */
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
