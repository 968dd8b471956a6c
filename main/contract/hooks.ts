// Claude Code's hooks as the studio receives them (the JSON an http hook posts, or the JSON a
// command hook reads on stdin and main/host/hookReporter.mts forwards), and what it answers.
// One schema per event the studio handles: strict on the fields the studio reads, tolerant of
// every other field, since each Claude Code release adds some (2.1.330 sends prompt_id, effort,
// background_tasks; see test/fixtures/hooks/ for bodies recorded from real CLIs).
import { z } from 'zod';
import { MAX_HOOK_NAME_CHARS, MAX_PATH_CHARS } from './limits.js';
import { describeIssues } from './schemas.js';

const hookName = z.string().max(MAX_HOOK_NAME_CHARS);

/** One event's body: its name, the transcript every hook names, and the fields given. */
function hookEvent<N extends string, S extends z.ZodRawShape>(name: N, shape: S) {
  return z.looseObject({
    hook_event_name: z.literal(name),
    /** Where the CLI writes this session's transcript (a new file after /clear). */
    transcript_path: z.string().max(MAX_PATH_CHARS).optional(),
    ...shape,
  });
}

export const sessionStartHook = hookEvent('SessionStart', {
  /** startup, resume, clear or compact (a newer CLI may add one). */
  source: hookName.optional(),
});
export const userPromptSubmitHook = hookEvent('UserPromptSubmit', {});
export const preToolUseHook = hookEvent('PreToolUse', {});
export const postToolUseHook = hookEvent('PostToolUse', {
  /** Set by newer CLIs on hooks fired inside a subagent. */
  agent_id: hookName.optional(),
});
export const permissionRequestHook = hookEvent('PermissionRequest', {});
export const notificationHook = hookEvent('Notification', {
  /** permission_prompt, idle_prompt, ... (older CLIs send none). */
  notification_type: hookName.optional(),
});
export const stopHook = hookEvent('Stop', {
  /** This turn already went on because a Stop hook blocked: every CLI sends it, and it decides the chain. */
  stop_hook_active: z.boolean(),
});
export const subagentStopHook = hookEvent('SubagentStop', {});

/**
 * A hook's body. An event not listed here is refused: the studio's settings register only these,
 * so any other name is a mistake or a forgery, and answering it would move the agent's state.
 */
export const hookPayload = z.discriminatedUnion('hook_event_name', [
  sessionStartHook,
  userPromptSubmitHook,
  preToolUseHook,
  postToolUseHook,
  permissionRequestHook,
  notificationHook,
  stopHook,
  subagentStopHook,
]);
export type HookPayload = z.infer<typeof hookPayload>;
export type HookEventName = HookPayload['hook_event_name'];

/** A hook body checked, or why it was refused in one sentence (the values themselves not echoed). */
export function parseHookPayload(
  body: unknown,
): { ok: true; payload: HookPayload } | { ok: false; reason: string } {
  const parsed = hookPayload.safeParse(body);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return { ok: false, reason: describeIssues(parsed.error) };
}

/** Claude Code's hook output (stdout of a command hook, the body of an http hook's answer). */
export type HookAnswer =
  | Record<string, never>
  | { decision: 'block'; reason: string }
  | { hookSpecificOutput: { hookEventName: 'PostToolUse' | 'SessionStart'; additionalContext: string } };
