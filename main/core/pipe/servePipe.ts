import { isStudioError, studioErrorBody, type StudioErrorBody } from '../../contract/errors.js';
import type { Disposable } from '../../contract/events.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../../contract/pipe.js';
import { describeIssues, SERVICE_ARGS, TERMINAL_ARGS } from '../../contract/schemas.js';
import {
  isServiceMethod,
  isTerminalMethod,
  type StudioCalls,
  type StudioService,
  type TerminalMethod,
  type TerminalOutput,
} from '../../contract/service.js';
import type { TerminalViewer } from './terminalViewer.js';

export interface ServiceCallAnswer {
  ok: boolean;
  result?: unknown;
  error?: StudioErrorBody;
}

/**
 * Runs one StudioService call that came from another process: the method must be in the
 * contract and the arguments must match its schema before anything runs.
 */
export async function dispatchServiceCall(
  service: StudioCalls,
  method: unknown,
  params: unknown,
): Promise<ServiceCallAnswer> {
  if (!isServiceMethod(method)) {
    return { ok: false, error: { code: 'not_found', message: `Unknown method "${String(method)}".` } };
  }
  if (!Array.isArray(params))
    return { ok: false, error: { code: 'invalid', message: 'params must be an array.' } };
  const m = method;
  const parsed = SERVICE_ARGS[m].safeParse(params);
  if (!parsed.success)
    return { ok: false, error: { code: 'invalid', message: `${m}: ${describeIssues(parsed.error)}` } };
  try {
    const fn = service[m] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, result: (await fn(...parsed.data)) ?? null };
  } catch (err) {
    if (isStudioError(err)) return { ok: false, error: studioErrorBody(err) };
    return {
      ok: false,
      error: { code: 'internal', message: 'The studio failed to do that; nothing was changed.' },
    };
  }
}

/** What a pipe connection is served from: the studio, and its terminals if it runs any. */
export interface PipeHost {
  service: StudioService;
  openTerminalViewer?(send: (output: TerminalOutput) => void): TerminalViewer;
}

async function dispatchTerminalCall(
  viewer: TerminalViewer | undefined,
  method: TerminalMethod,
  params: unknown,
): Promise<ServiceCallAnswer> {
  if (!viewer)
    return { ok: false, error: { code: 'unavailable', message: 'This studio runs no terminals.' } };
  const parsed = TERMINAL_ARGS[method].safeParse(params);
  if (!parsed.success)
    return { ok: false, error: { code: 'invalid', message: `${method}: ${describeIssues(parsed.error)}` } };
  const args = parsed.data as [string, ...unknown[]];
  try {
    switch (method) {
      case 'attachTerminal':
        return { ok: true, result: await viewer.attach(args[0]) };
      case 'detachTerminal':
        viewer.detach(args[0]);
        break;
      case 'terminalInput':
        viewer.input(args[0], args[1] as string);
        break;
      case 'resizeTerminal':
        viewer.resize(args[0], args[1] as number, args[2] as number);
        break;
    }
    return { ok: true, result: null };
  } catch (err) {
    if (isStudioError(err)) return { ok: false, error: studioErrorBody(err) };
    return { ok: false, error: { code: 'internal', message: 'The studio failed to do that.' } };
  }
}

/**
 * Serves the studio on one pipe connection: answers calls, forwards every studio event, and
 * streams the output of the terminals this connection attached. Returns a disposer; closing the
 * pipe disposes too.
 */
export function servePipe(host: PipeHost, pipe: PipeEndpoint<PipeToStudio, PipeFromStudio>): Disposable {
  const subs: Disposable[] = [];
  const dispose = () => {
    while (subs.length) subs.pop()!.dispose();
  };
  const viewer = host.openTerminalViewer?.((output) => pipe.send({ kind: 'output', ...output }));
  if (viewer) subs.push(viewer);
  subs.push(
    host.service.onDidEvent((event) => pipe.send({ kind: 'event', event })),
    pipe.onMessage((raw) => {
      const msg = raw as Partial<PipeToStudio> | null;
      if (!msg || typeof msg !== 'object') return;
      if (msg.kind === 'ack') {
        if (typeof msg.agentId === 'number' && typeof msg.chars === 'number')
          viewer?.ack(msg.agentId, msg.chars);
        return;
      }
      if (msg.kind === 'visibility') {
        if (typeof msg.visible === 'boolean') viewer?.setVisible(msg.visible);
        return;
      }
      if (msg.kind !== 'call' || typeof msg.id !== 'number') return;
      const id = msg.id;
      const answer = isTerminalMethod(msg.method)
        ? dispatchTerminalCall(viewer, msg.method, msg.params)
        : dispatchServiceCall(host.service, msg.method, msg.params);
      void answer.then((a) =>
        pipe.send(a.ok ? { kind: 'result', id, result: a.result } : { kind: 'error', id, error: a.error! }),
      );
    }),
    pipe.onClose(dispose),
  );
  return { dispose };
}
