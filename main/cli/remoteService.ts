import { studioErrorFrom, type StudioErrorBody } from '../contract/errors.js';
import { STUDIO_SERVICE_METHODS, type StudioCalls } from '../contract/service.js';

/**
 * StudioService's calls over the running studio's /api/rpc, for the CLI. HTTP answers requests
 * only: the type has no onDidEvent at all, rather than one that fails when called.
 */
export function remoteStudioService(apiUrl: string, adminToken: string): StudioCalls {
  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: StudioErrorBody };
    if (body.error) throw studioErrorFrom(body.error);
    return body.result;
  };
  return Object.fromEntries(
    STUDIO_SERVICE_METHODS.map((m) => [m, (...params: unknown[]) => call(m, params)]),
  ) as unknown as StudioCalls;
}
