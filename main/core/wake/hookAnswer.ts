import type { HookAnswer, HookPayload } from '../../contract/hooks.js';
import type { Agent } from '../../contract/model.js';
import type { Handover } from './wakeEngine.js';

export interface HookParties {
  wake: {
    atTurnEnd(agentId: number, chained: boolean): Handover | undefined;
    midTurn(agentId: number): Handover | undefined;
    heard(agentId: number): void;
  };
  sessions: { hook(agent: Agent, payload: HookPayload, continues: boolean): string | undefined };
  /** Holds a permission request until the person decides from the queue (core/desk). */
  permissions: {
    hold(
      agentId: number,
      tool: string,
      input: Record<string, unknown>,
      signal?: AbortSignal,
    ): Promise<HookAnswer>;
  };
}

/**
 * The studio's answer to one hook of an agent it runs (its body already checked against the
 * contract's schema): at a turn's end, a block whose reason is the notice of queued mail (the
 * agent goes on into check_inbox, nothing typed); after a tool call, the notice of urgent mail as
 * added context; after /clear or compaction, the role prompt. Every hook also tells the agent's
 * state tracker where the session is. Mail is taken last, when the answer is all but sent: a
 * failure before that leaves it queued. A permission request is held open: its answer is the
 * person's decision from the queue, or none (the dialog in the terminal decides).
 */
export function answerHook(
  parties: HookParties,
  agent: Agent,
  payload: HookPayload,
  /** Aborted when the CLI stops waiting for this hook's answer. */
  signal?: AbortSignal,
): HookAnswer | Promise<HookAnswer> {
  let handover: Handover | undefined;
  if (payload.hook_event_name === 'Stop')
    handover = parties.wake.atTurnEnd(agent.id, payload.stop_hook_active);
  else if (payload.hook_event_name === 'PostToolUse' && !payload.agent_id)
    // Not inside a subagent (newer CLIs name one): its context is not the agent's own.
    handover = parties.wake.midTurn(agent.id);
  else if (payload.hook_event_name !== 'SessionStart') parties.wake.heard(agent.id);
  const blocks = payload.hook_event_name === 'Stop' && handover !== undefined;
  const context = parties.sessions.hook(agent, payload, blocks);
  if (handover) {
    const notice = handover.take();
    return blocks
      ? { decision: 'block', reason: notice }
      : { hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: notice } };
  }
  if (payload.hook_event_name === 'PermissionRequest')
    return parties.permissions.hold(agent.id, payload.tool_name, payload.tool_input ?? {}, signal);
  if (context && payload.hook_event_name === 'SessionStart')
    return { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } };
  return {};
}
