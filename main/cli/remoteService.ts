import { StudioError, type StudioErrorCode } from '../contract/errors.js';
import { STUDIO_SERVICE_METHODS, type StudioService } from '../contract/service.js';

/** StudioService over the running studio's /api/rpc, for the CLI. Events are not available here. */
export function remoteStudioService(apiUrl: string, adminToken: string): StudioService {
  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { code: string; message: string } };
    if (body.error) throw new StudioError(body.error.code as StudioErrorCode, body.error.message);
    return body.result;
  };
  const service = Object.fromEntries(
    STUDIO_SERVICE_METHODS.map((m) => [m, (...params: unknown[]) => call(m, params)]),
  ) as unknown as StudioService;
  service.onDidEvent = () => {
    throw new Error('Events are not served over /api/rpc.');
  };
  return service;
}
