import type { Agent } from '../../contract/model.js';
import type { HookPayload } from '../sessions/agentStateTracker.js';

/** Claude Code's hook output (stdout of a command hook, the body of an http hook's answer). */
export type HookAnswer =
  | Record<string, never>
  | { decision: 'block'; reason: string }
  | { hookSpecificOutput: { hookEventName: 'PostToolUse' | 'SessionStart'; additionalContext: string } };

export interface HookParties {
  wake: {
    atTurnEnd(agentId: number, chained: boolean): string | undefined;
    midTurn(agentId: number): string | undefined;
    heard(agentId: number): void;
  };
  sessions: { hook(agent: Agent, payload: HookPayload, continues: boolean): string | undefined };
}

/**
 * The studio's answer to one hook of an agent it runs: at a turn's end, a block whose reason is
 * the notice of queued mail (the agent goes on into check_inbox, nothing typed); after a tool
 * call, the notice of urgent mail as added context; after /clear or compaction, the role prompt.
 * Every hook also tells the agent's state tracker where the session is.
 */
export function answerHook(parties: HookParties, agent: Agent, payload: HookPayload): HookAnswer {
  let answer: HookAnswer = {};
  if (payload.hook_event_name === 'Stop') {
    const reason = parties.wake.atTurnEnd(agent.id, payload.stop_hook_active === true);
    if (reason) answer = { decision: 'block', reason };
  } else if (payload.hook_event_name === 'PostToolUse' && !payload.agent_id) {
    // Not inside a subagent (newer CLIs name one): its context is not the agent's own.
    const notice = parties.wake.midTurn(agent.id);
    if (notice) answer = { hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: notice } };
  } else if (payload.hook_event_name !== 'SessionStart') parties.wake.heard(agent.id);
  const context = parties.sessions.hook(agent, payload, 'decision' in answer);
  if (context && payload.hook_event_name === 'SessionStart')
    answer = { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } };
  return answer;
}
