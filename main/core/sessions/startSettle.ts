// What became of a start: ready at its prompt, still running, or gone (and why, in the words the
// person reads), watched for up to START_SETTLE_MS after its terminal opened.
import type { Disposable } from '../../contract/events.js';
import { StudioError } from '../../contract/errors.js';
import { describeExit } from '../../contract/exits.js';
import type { Agent, AgentState } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Clock } from '../util/clock.js';
import type { LiveSession, StartOutcome } from './liveSession.js';

/**
 * How long a start waits to say what happened: a program that is still running then (or showed
 * its prompt sooner) has started; one that exited has not, and the caller hears why.
 */
export const START_SETTLE_MS = 2000;

/** Lines of an exit a failed start's error quotes: enough for Claude Code's service check. */
const SETTLE_TAIL_LINES = 8;

/** Waiting at its prompt, or on a question to the person: a start that got this far is ready. */
export const atPrompt = (state: AgentState): boolean => state === 'idle' || state.startsWith('waiting_');

export interface SettleDeps {
  agents: Pick<AgentRegistry, 'getById'>;
  clock: Clock;
  onState(listener: (e: { agentId: number; state: AgentState }) => void): Disposable;
}

/** Waits (up to START_SETTLE_MS) to see what became of a start; throws, saying why, if it exited. */
export async function settleStart(deps: SettleDeps, agent: Agent, live: LiveSession): Promise<StartOutcome> {
  const outcome = await new Promise<'ready' | 'running' | 'exited'>((resolve) => {
    const done = (o: 'ready' | 'running' | 'exited') => {
      timer.cancel();
      sub.dispose();
      resolve(o);
    };
    const timer = deps.clock.setTimeout(() => done('running'), START_SETTLE_MS);
    const sub = deps.onState((e) => {
      if (e.agentId !== agent.id) return;
      if (e.state === 'exited' || e.state === 'reconnecting') done('exited');
      // Waiting at its prompt (or on a question) is ready; output alone is not: a program
      // that prints an error and exits is busy for a moment first.
      else if (atPrompt(e.state)) done('ready');
    });
    // Gone already: once its exit is recorded (its last lines drawn first), which says exited.
    if (!live.pty.running && live.tracker.state === 'exited') done('exited');
  });
  const now = deps.agents.getById(agent.id) ?? agent;
  if (outcome === 'exited' && !live.stopping) throw failedStart(now);
  return { agent: now, ready: outcome === 'ready' };
}

/** Why the start failed first; the lines it printed after, for the person to check. */
function failedStart(agent: Agent): StudioError {
  const exit = agent.lastExit;
  const how = exit ? describeExit(exit) : 'exited';
  const lines = exit?.tail.length
    ? `\nIts last lines:\n  ${exit.tail.slice(-SETTLE_TAIL_LINES).join('\n  ')}`
    : '';
  return new StudioError(
    'unavailable',
    `${agent.name} ${how}. ${exit?.advice ?? ''}${exit?.restartAt ? ' The studio will try again.' : ''}${lines}`,
  );
}
