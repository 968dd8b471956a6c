import { studioErrorFrom, type StudioErrorBody } from '../../contract/errors.js';
import { STUDIO_SERVICE_METHODS, type StudioCalls } from '../../contract/service.js';

/** Socket failures after the connection was made: the studio ended it before its answer came. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** The studio took the request and closed the connection without an answer: it may have acted. */
export class ClosedWithoutAnswer extends Error {}

/** fetch's own failure (a TypeError with the socket's error as its cause), told apart by that cause. */
function closedWithoutAnswer(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return err instanceof TypeError && typeof cause?.code === 'string' && CLOSED_CODES.has(cause.code);
}

/**
 * StudioService's calls over the running studio's /api/rpc, for the CLI. HTTP answers requests
 * only: the type has no onDidEvent at all, rather than one that fails when called.
 */
export function remoteStudioService(apiUrl: string, adminToken: string): StudioCalls {
  const post = async (method: string, params: unknown[]) => {
    const res = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ method, params }),
    });
    return (await res.json()) as { result?: unknown; error?: StudioErrorBody };
  };
  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    const body = await post(method, params).catch((err: unknown) => {
      throw closedWithoutAnswer(err) ? new ClosedWithoutAnswer('closed', { cause: err }) : err;
    });
    if (body.error) throw studioErrorFrom(body.error);
    return body.result;
  };
  return Object.fromEntries(
    STUDIO_SERVICE_METHODS.map((m) => [m, (...params: unknown[]) => call(m, params)]),
  ) as unknown as StudioCalls;
}
