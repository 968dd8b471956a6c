import { isStudioError } from '../../contract/errors.js';
import type { Disposable } from '../../contract/events.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../../contract/pipe.js';
import { describeIssues, SERVICE_ARGS } from '../../contract/schemas.js';
import {
  STUDIO_SERVICE_METHODS,
  type StudioService,
  type StudioServiceMethod,
} from '../../contract/service.js';

export interface ServiceCallAnswer {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/**
 * Runs one StudioService call that came from another process: the method must be in the
 * contract and the arguments must match its schema before anything runs.
 */
export async function dispatchServiceCall(
  service: StudioService,
  method: unknown,
  params: unknown,
): Promise<ServiceCallAnswer> {
  if (typeof method !== 'string' || !(STUDIO_SERVICE_METHODS as readonly string[]).includes(method)) {
    return { ok: false, error: { code: 'not_found', message: `Unknown method "${String(method)}".` } };
  }
  if (!Array.isArray(params))
    return { ok: false, error: { code: 'invalid', message: 'params must be an array.' } };
  const m = method as StudioServiceMethod;
  const parsed = SERVICE_ARGS[m].safeParse(params);
  if (!parsed.success)
    return { ok: false, error: { code: 'invalid', message: `${m}: ${describeIssues(parsed.error)}` } };
  try {
    const fn = service[m] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, result: (await fn(...parsed.data)) ?? null };
  } catch (err) {
    if (isStudioError(err)) return { ok: false, error: { code: err.code, message: err.message } };
    return {
      ok: false,
      error: { code: 'internal', message: 'The studio failed to do that; nothing was changed.' },
    };
  }
}

/**
 * Serves StudioService on one pipe connection: answers calls and forwards every studio event.
 * Returns a disposer; closing the pipe disposes too.
 */
export function servePipe(
  service: StudioService,
  pipe: PipeEndpoint<PipeToStudio, PipeFromStudio>,
): Disposable {
  const subs: Disposable[] = [];
  const dispose = () => {
    while (subs.length) subs.pop()!.dispose();
  };
  subs.push(
    service.onDidEvent((event) => pipe.send({ kind: 'event', event })),
    pipe.onMessage((raw) => {
      const msg = raw as Partial<PipeToStudio> | null;
      if (!msg || typeof msg !== 'object' || msg.kind !== 'call' || typeof msg.id !== 'number') return;
      const id = msg.id;
      void dispatchServiceCall(service, msg.method, msg.params).then((a) =>
        pipe.send(a.ok ? { kind: 'result', id, result: a.result } : { kind: 'error', id, error: a.error! }),
      );
    }),
    pipe.onClose(dispose),
  );
  return { dispose };
}
