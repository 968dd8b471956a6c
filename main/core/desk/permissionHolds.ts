// Claude Code's PermissionRequest hooks, held open while the person decides. Every CLI in the
// matrix draws its permission dialog first and runs these hooks beside it: the first of the two to
// answer wins and the other is ignored (2.0.50's cli.js, one `resolved` flag per request; the same
// race in 2.1's binaries, and proven on each by test/realclients/claudeDesk.test.ts). So a hold
// costs nothing: the person may still answer in the tile's terminal, and the queue answers with
// nothing typed. A hold ends with the person's decision, with an empty answer (no decision: the
// dialog stays) when the prompt is answered elsewhere or the process goes, or at HOLD_LIMIT_MS.
import { PERMISSION_HOLD_MS, type HookAnswer, type PermissionDecision } from '../../contract/hooks.js';
import type { Clock } from '../util/clock.js';

/**
 * How long one hook is held. Claude Code gives up on it at the timeout the studio's settings set
 * (PERMISSION_HOOK_TIMEOUT_S, a little longer), after which the dialog still waits and the queue
 * answers it with keys.
 */
export const HOLD_LIMIT_MS = PERMISSION_HOLD_MS;

export interface HeldPermission {
  /** Never reused: names this request in the queue. */
  serial: number;
  agentId: number;
  tool: string;
  input: Record<string, unknown>;
  since: number;
}

interface Hold extends HeldPermission {
  settle(answer: HookAnswer): void;
  timer: { cancel(): void };
}

/** Holds per agent, oldest first: the order Claude Code shows their dialogs in. */
export class PermissionHolds {
  private readonly holds = new Map<number, Hold[]>();
  private serials = 0;

  constructor(
    private readonly deps: {
      clock: Clock;
      /** An agent's holds changed (one added or ended). */
      onChange(agentId: number): void;
      holdMs?: number;
    },
  ) {}

  /** Holds one request until it is decided or released; resolves with the hook's answer. */
  hold(
    agentId: number,
    tool: string,
    input: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<HookAnswer> {
    if (signal?.aborted) return Promise.resolve({});
    return new Promise((resolve) => {
      const serial = ++this.serials;
      const timer = this.deps.clock.setTimeout(
        () => this.end(agentId, serial, {}),
        this.deps.holdMs ?? HOLD_LIMIT_MS,
      );
      const hold: Hold = {
        serial,
        agentId,
        tool,
        input,
        since: this.deps.clock.now(),
        settle: resolve,
        timer,
      };
      this.holds.set(agentId, [...(this.holds.get(agentId) ?? []), hold]);
      // The CLI stopped waiting (its timeout, the turn interrupted): the dialog is answered with keys now.
      signal?.addEventListener('abort', () => this.end(agentId, serial, {}), { once: true });
      this.deps.onChange(agentId);
    });
  }

  pending(agentId: number): HeldPermission[] {
    return (this.holds.get(agentId) ?? []).map(({ serial, agentId: a, tool, input, since }) => ({
      serial,
      agentId: a,
      tool,
      input,
      since,
    }));
  }

  /** Agents with a request held. */
  agents(): number[] {
    return [...this.holds.keys()];
  }

  /** The person's decision for one held request; false when it is no longer held. */
  decide(agentId: number, serial: number, decision: PermissionDecision): boolean {
    return this.end(agentId, serial, {
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision },
    });
  }

  /** The oldest request, the one whose dialog is drawn, was answered elsewhere: let it go. */
  releaseFirst(agentId: number): void {
    const first = this.holds.get(agentId)?.[0];
    if (first) this.end(agentId, first.serial, {});
  }

  /** Every request of the agent let go with no decision (its prompts were answered, or it stopped). */
  releaseAll(agentId: number): void {
    for (const h of [...(this.holds.get(agentId) ?? [])]) this.end(agentId, h.serial, {});
  }

  dispose(): void {
    for (const agentId of [...this.holds.keys()]) this.releaseAll(agentId);
  }

  private end(agentId: number, serial: number, answer: HookAnswer): boolean {
    const list = this.holds.get(agentId) ?? [];
    const hold = list.find((h) => h.serial === serial);
    if (!hold) return false;
    hold.timer.cancel();
    const rest = list.filter((h) => h !== hold);
    if (rest.length) this.holds.set(agentId, rest);
    else this.holds.delete(agentId);
    hold.settle(answer);
    this.deps.onChange(agentId);
    return true;
  }
}
