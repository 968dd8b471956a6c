import { isStudioError } from '../main/contract/errors.js';
import { describeIssues, SERVICE_ARGS } from '../main/contract/schemas.js';
import {
  STUDIO_SERVICE_METHODS,
  type StudioService,
  type StudioServiceMethod,
} from '../main/contract/service.js';

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
};

/**
 * Serves StudioService over any request/response pipe: `{method, params: [...]}` in,
 * `{result}` or `{error}` out. Only the contract's methods can be called.
 */
export async function handleRpc(service: StudioService, body: unknown): Promise<RpcAnswer> {
  const req = body as { method?: unknown; params?: unknown };
  if (!req || typeof req !== 'object' || typeof req.method !== 'string') {
    return {
      status: 400,
      body: { error: { code: 'invalid', message: 'Expected {"method": string, "params": [...]}.' } },
    };
  }
  if (!(STUDIO_SERVICE_METHODS as readonly string[]).includes(req.method)) {
    return {
      status: 404,
      body: { error: { code: 'not_found', message: `Unknown method "${req.method}".` } },
    };
  }
  const params = req.params === undefined ? [] : req.params;
  if (!Array.isArray(params)) {
    return { status: 400, body: { error: { code: 'invalid', message: 'params must be an array.' } } };
  }
  const method = req.method as StudioServiceMethod;
  const parsed = SERVICE_ARGS[method].safeParse(params);
  if (!parsed.success) {
    return {
      status: 400,
      body: { error: { code: 'invalid', message: `${method}: ${describeIssues(parsed.error)}` } },
    };
  }
  try {
    const fn = service[method] as (...args: unknown[]) => Promise<unknown>;
    const result = await fn(...parsed.data);
    return { status: 200, body: { result: result ?? null } };
  } catch (err) {
    if (isStudioError(err)) {
      return {
        status: STATUS_FOR[err.code] ?? 400,
        body: { error: { code: err.code, message: err.message } },
      };
    }
    return {
      status: 500,
      body: { error: { code: 'internal', message: String((err as Error)?.message ?? err) } },
    };
  }
}
