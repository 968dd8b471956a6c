// The hook schemas against bodies recorded from real Claude Code CLIs (support/hookFixtures.ts),
// and against the bodies a mistake or an attacker would send.
import { describe, expect, it } from 'vitest';
import { parseHookPayload } from '../../../main/contract/hooks.js';
import { MAX_HOOK_NAME_CHARS, MAX_PATH_CHARS } from '../../../main/contract/limits.js';
import { recordedHooks } from '../../support/hookFixtures.js';

const stop = { hook_event_name: 'Stop', stop_hook_active: false };
const refusal = (body: unknown) => {
  const parsed = parseHookPayload(body);
  return parsed.ok ? undefined : parsed.reason;
};

describe('hook schemas', () => {
  it('take every body a real CLI sent, keeping the fields the studio reads and the rest as they were', () => {
    const recorded = recordedHooks();
    // Two versions, each event the studio registers or may meet (PreToolUse, SubagentStop).
    expect(new Set(recorded.map((r) => r.name.split('/')[0]))).toEqual(
      new Set(['claude-2.0.50', 'claude-2.1.330']),
    );
    expect(new Set(recorded.map((r) => r.body.hook_event_name))).toEqual(
      new Set([
        'SessionStart',
        'UserPromptSubmit',
        'PreToolUse',
        'PostToolUse',
        'PermissionRequest',
        'Notification',
        'Stop',
        'SubagentStop',
      ]),
    );
    for (const { name, body } of recorded) {
      const parsed = parseHookPayload(body);
      expect(parsed, name).toEqual({ ok: true, payload: body });
    }
  });

  it('take fields a newer CLI adds, whatever their type', () => {
    expect(refusal({ ...stop, future_field: { nested: [1, 'two'] }, effort: null })).toBeUndefined();
    expect(refusal({ hook_event_name: 'SessionStart', source: 'a-source-not-invented-yet' })).toBeUndefined();
  });

  it('refuse a wrong type, a missing field, an oversized field or an unknown event, saying which', () => {
    expect(refusal({ ...stop, transcript_path: {} })).toBe(
      'transcript_path: Invalid input: expected string, received object',
    );
    expect(refusal({ hook_event_name: 'Stop' })).toBe(
      'stop_hook_active: Invalid input: expected boolean, received undefined',
    );
    expect(refusal({ ...stop, stop_hook_active: 'true' })).toMatch(/^stop_hook_active: .*expected boolean/);
    expect(refusal({ ...stop, transcript_path: '/x'.repeat(MAX_PATH_CHARS) })).toMatch(
      /^transcript_path: Too big/,
    );
    expect(
      refusal({ hook_event_name: 'PostToolUse', agent_id: 'a'.repeat(MAX_HOOK_NAME_CHARS + 1) }),
    ).toMatch(/^agent_id: Too big/);
    expect(refusal({ hook_event_name: 'Notification', notification_type: 7 })).toMatch(/^notification_type:/);
    expect(refusal({ hook_event_name: 'SessionStart', source: ['clear'] })).toMatch(/^source:/);
    expect(refusal({})).toMatch(/^hook_event_name: Invalid discriminator value/);
    expect(refusal({ hook_event_name: 'SessionEnd' })).toMatch(/^hook_event_name: .*'Stop'/);
    expect(refusal({ hook_event_name: 42 })).toMatch(/^hook_event_name:/);
    for (const notAnObject of [null, [], [stop], 'Stop', 1, true])
      expect(refusal(notAnObject), JSON.stringify(notAnObject)).toBeDefined();
  });
});
