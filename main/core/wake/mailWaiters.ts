import type { Disposable } from '../../contract/events.js';
import type { MailWaitAnswer, MailWaitRequest } from '../../contract/hooks.js';
import { Emitter } from '../util/emitter.js';

interface Waiter {
  readonly id: string;
  /** Left by a start that resumed the session (not a turn's end, nor a fresh start). */
  readonly resumed: boolean;
  answer(a: MailWaitAnswer): void;
}

/**
 * The waiter hooks that Claude Code keeps in the background for idle agents (asyncRewake, see
 * docs/research/async-rewake.md): one per agent at most, the newest. The CLI spawns one at each
 * start and each turn's end and never ends the older itself, so a newer one ends the older here
 * (it exits 0 and wakes nothing). Handing one a notice ends its wait: it exits 2 and the CLI
 * starts a turn with that notice, nothing typed into the terminal.
 */
export class MailWaiters {
  private readonly armed = new Map<number, Waiter>();
  private readonly armedEmitter = new Emitter<{ agentId: number }>();
  /** A waiter began waiting: mail queued before it came may go through it now. */
  readonly onDidArm = (listener: (e: { agentId: number }) => void): Disposable =>
    this.armedEmitter.on(listener);

  /**
   * A waiter of this agent's CLI waits for its mail until it is handed a notice, superseded, ended,
   * or its connection goes (`signal`).
   */
  wait(agentId: number, request: MailWaitRequest, signal?: AbortSignal): Promise<MailWaitAnswer> {
    this.armed.get(agentId)?.answer({ end: 'a newer waiter took over' });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id: request.waiter,
        resumed: !!request.resumed,
        answer: (a) => {
          if (this.armed.get(agentId) === waiter) this.armed.delete(agentId);
          signal?.removeEventListener('abort', gone);
          resolve(a);
        },
      };
      const gone = (): void => waiter.answer({ end: 'its connection closed' });
      if (signal?.aborted) return resolve({ end: 'its connection closed' });
      signal?.addEventListener('abort', gone);
      this.armed.set(agentId, waiter);
      this.armedEmitter.fire({ agentId });
    });
  }

  /** A waiter of this agent's waits now. */
  isArmed(agentId: number): boolean {
    return this.armed.has(agentId);
  }

  /** The waiter that waits now was left as the session resumed: waking through it delivers on resume. */
  armedAtResume(agentId: number): boolean {
    return !!this.armed.get(agentId)?.resumed;
  }

  /** Wakes the agent through its waiter with this notice; false when it has none waiting. */
  wake(agentId: number, notice: string): boolean {
    const waiter = this.armed.get(agentId);
    if (!waiter) return false;
    waiter.answer({ wake: notice });
    return true;
  }

  /** Ends the agent's waiter (its CLI exited or is about to), which then wakes nothing. */
  end(agentId: number, why: string): void {
    this.armed.get(agentId)?.answer({ end: why });
  }

  dispose(): void {
    for (const agentId of [...this.armed.keys()]) this.end(agentId, 'the studio is closing');
    this.armedEmitter.dispose();
  }
}
