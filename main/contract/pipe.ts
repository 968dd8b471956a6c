// The one wire format for StudioService over any message pipe: Electron IPC, a WebSocket in
// browser mode, or an in-memory pair in tests. Pure: no node:, no DOM.
import { StudioError, studioErrorFrom, type StudioErrorBody } from './errors.js';
import type { Disposable, StudioEvent } from './events.js';
import {
  STUDIO_SERVICE_METHODS,
  TERMINAL_METHODS,
  type StudioService,
  type StudioServiceMethod,
  type StudioTerminals,
  type TerminalMethod,
  type TerminalOutput,
  type TerminalSnapshot,
} from './service.js';

// Timers are the one thing the contract takes from its host; Node, browsers and workers all have
// them, and its own project (tsconfig.json here) has no Node or DOM types to declare them.
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

export type PipeToStudio =
  | { kind: 'call'; id: number; method: StudioServiceMethod | TerminalMethod; params: unknown[] }
  /** Flow control: no answer, so a busy terminal does not double the traffic. */
  | { kind: 'ack'; agentId: number; chars: number }
  /** The window stopped or started drawing (hidden tab, minimised window); no answer. */
  | { kind: 'visibility'; visible: boolean };

export type PipeFromStudio =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: StudioErrorBody }
  | { kind: 'event'; event: StudioEvent }
  | ({ kind: 'output' } & TerminalOutput)
  /** From the desktop shell (menu, shortcuts); a browser raises the same commands from keys. */
  | { kind: 'command'; command: UiCommand };

/** Things the shell asks the window to do; the renderer handles them the same in both modes. */
export type UiCommand =
  | { type: 'focusTile'; index: number }
  | { type: 'showBoard' }
  | { type: 'newTask' }
  | { type: 'addAgent' }
  | { type: 'toggleLayout' }
  /** The person's queue, at one item (`p12`) or an agent's first (`@bob`) when given. */
  | { type: 'openQueue'; focus?: string };

/** Everything a UI talks to: the studio, the terminals it attached, and a way to let go. */
export type StudioClient = StudioService &
  StudioTerminals &
  Disposable & { onDidCommand(listener: (command: UiCommand) => void): Disposable };

/** A bidirectional message channel carrying JSON-compatible values. */
export interface PipeEndpoint<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): Disposable;
  onClose(listener: () => void): Disposable;
}

/** A call that got no answer this long is failed, so a UI never waits on a dead pipe forever. */
export const PIPE_CALL_TIMEOUT_MS = 30_000;

/**
 * StudioService over a pipe. Methods send a call and resolve with its answer; onDidEvent
 * delivers the studio's events as they arrive. Calls pending when the pipe closes fail.
 */
export function createPipeClient(
  pipe: PipeEndpoint<PipeFromStudio, PipeToStudio>,
  options: { setTimeout?: (fn: () => void, ms: number) => unknown; clearTimeout?: (h: unknown) => void } = {},
): StudioClient {
  let nextId = 1;
  const pending = new Map<
    number,
    { method: string; resolve(v: unknown): void; reject(e: Error): void; timer: unknown }
  >();
  const listeners = new Set<(e: StudioEvent) => void>();
  const outputListeners = new Set<(o: TerminalOutput) => void>();
  const commandListeners = new Set<(c: UiCommand) => void>();
  const setT = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearT = options.clearTimeout ?? ((h) => clearTimeout(h));

  const failAll = (message: string) => {
    for (const [id, p] of pending) {
      clearT(p.timer);
      p.reject(new StudioError('unavailable', message));
      pending.delete(id);
    }
  };
  const subs = [
    pipe.onMessage((m) => {
      if (m.kind === 'event') {
        for (const l of [...listeners]) l(m.event);
        return;
      }
      if (m.kind === 'command') {
        for (const l of [...commandListeners]) l(m.command);
        return;
      }
      if (m.kind === 'output') {
        const out: TerminalOutput = {
          agentId: m.agentId,
          data: m.data,
          ...(m.reset ? { reset: true } : {}),
          ...(m.snapshot ? { snapshot: { cols: m.snapshot.cols, rows: m.snapshot.rows } } : {}),
        };
        for (const l of [...outputListeners]) l(out);
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearT(p.timer);
      if (m.kind === 'result' && p.method === 'attachTerminal') {
        // The snapshot goes to output listeners here, in wire order: after any output of an
        // earlier attachment and before the live output that continues from it.
        const snap = m.result as TerminalSnapshot;
        const out: TerminalOutput = {
          agentId: snap.agentId,
          data: snap.data,
          reset: true,
          snapshot: { cols: snap.cols, rows: snap.rows },
        };
        for (const l of [...outputListeners]) l(out);
      }
      if (m.kind === 'result') p.resolve(m.result);
      else p.reject(studioErrorFrom(m.error));
    }),
    pipe.onClose(() => failAll('The connection to the studio closed.')),
  ];

  const call = (method: StudioServiceMethod | TerminalMethod, params: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setT(() => {
        if (pending.delete(id))
          reject(new StudioError('unavailable', `The studio did not answer ${method} in time.`));
      }, PIPE_CALL_TIMEOUT_MS);
      pending.set(id, { method, resolve, reject, timer });
      pipe.send({ kind: 'call', id, method, params });
    });

  const client = Object.fromEntries(
    [...STUDIO_SERVICE_METHODS, ...TERMINAL_METHODS].map((m) => [
      m,
      (...params: unknown[]) => call(m, params),
    ]),
  ) as unknown as StudioClient;
  client.onDidEvent = (listener) => {
    listeners.add(listener);
    return { dispose: () => void listeners.delete(listener) };
  };
  client.onDidOutput = (listener) => {
    outputListeners.add(listener);
    return { dispose: () => void outputListeners.delete(listener) };
  };
  client.onDidCommand = (listener) => {
    commandListeners.add(listener);
    return { dispose: () => void commandListeners.delete(listener) };
  };
  client.ackOutput = (agentId, chars) => {
    if (chars > 0) pipe.send({ kind: 'ack', agentId, chars });
  };
  client.setVisible = (visible) => pipe.send({ kind: 'visibility', visible });
  client.dispose = () => {
    for (const s of subs) s.dispose();
    listeners.clear();
    outputListeners.clear();
    commandListeners.clear();
    failAll('The studio client was closed.');
  };
  return client;
}
