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
export const permissionRequestHook = hookEvent('PermissionRequest', {
  /** The tool that asks (Bash, Edit, WebFetch, AskUserQuestion, an MCP tool's full name). */
  tool_name: hookName,
  /** Its input as the model gave it: the command, the file, the URL, the questions. */
  tool_input: z.record(z.string(), z.unknown()).optional(),
});
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

/**
 * How long the studio holds a permission request open while the person decides (see
 * core/desk/permissionHolds.ts); an hour keeps a person's lunch from costing every agent its hold.
 */
export const PERMISSION_HOLD_MS = 60 * 60_000;
/** The CLI's own limit on that hook: a minute past the hold, so the studio's answer always comes first. */
export const PERMISSION_HOOK_TIMEOUT_S = PERMISSION_HOLD_MS / 1000 + 60;

/**
 * A PermissionRequest hook's decision (every CLI in the matrix takes it): allow, with the input the
 * tool then runs with (a question's answers), or deny with the message the model receives.
 */
export type PermissionDecision =
  { behavior: 'allow'; updatedInput?: Record<string, unknown> } | { behavior: 'deny'; message: string };

/** Claude Code's hook output (stdout of a command hook, the body of an http hook's answer). */
export type HookAnswer =
  | Record<string, never>
  | { decision: 'block'; reason: string }
  | { hookSpecificOutput: { hookEventName: 'PostToolUse' | 'SessionStart'; additionalContext: string } }
  | { hookSpecificOutput: { hookEventName: 'PermissionRequest'; decision: PermissionDecision } };

/**
 * The waiter hook's request (main/host/hookReporter.mts, `wait`): Claude Code runs one in the
 * background at each start and turn end (asyncRewake), and it waits here for the agent's mail.
 * `waiter` names that process, so the studio keeps one per agent and ends the older; `resumed`
 * says it was left by a session's start that resumed its conversation (its delivery says so).
 */
export const mailWaitRequest = z.object({
  waiter: z.string().min(8).max(64),
  resumed: z.boolean().optional(),
});
export type MailWaitRequest = z.infer<typeof mailWaitRequest>;

/**
 * The studio's answer to a waiter: the notice to wake the model with (the waiter prints it and
 * exits 2, which Claude Code turns into a new turn), or the end of its wait (superseded by a newer
 * waiter, the agent stopped), after which it exits 0 and wakes nothing.
 */
export type MailWaitAnswer = { wake: string } | { end: string };
