// What a hook is answered, with the studio's real wake engine, bus and registry (SQLite in memory,
// the fake clock): mail is taken only when the answer is made, never by a hook that failed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HookPayload } from '../../../../main/contract/hooks.js';
import type { Agent } from '../../../../main/contract/model.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { answerHook, type HookParties } from '../../../../main/core/wake/hookAnswer.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: StudioWithParts;
let worker: Agent;
beforeEach(() => {
  studio = createStudioWithParts({ databaseFile: ':memory:', clock: new FakeClock() });
  worker = studio.agents.add({ name: 'worker' }).agent;
});
afterEach(() => studio.close());

const stop: HookPayload = { hook_event_name: 'Stop', stop_hook_active: false };
const postToolUse: HookPayload = { hook_event_name: 'PostToolUse' };
const notice = '[studio] You have 1 new message from user. Call check_inbox now and act on it.';
const urgentNotice = '[studio] You have 1 urgent message from user. Call check_inbox now, before you go on.';

/** The studio's own parties, but a state tracker that fails on every hook. */
function failingSessions(): HookParties {
  return {
    permissions: { hold: () => Promise.reject(new Error('no permission asked')) },
    wake: studio.wake,
    sessions: {
      hook: () => {
        throw new Error('the tracker failed');
      },
    },
  };
}

describe('answerHook', () => {
  it('takes no mail when answering a Stop fails; the next Stop hands it over', () => {
    studio.bus.send(studio.agents.person, 'worker', 'hello');
    expect(() => answerHook(failingSessions(), worker, stop)).toThrow('the tracker failed');
    expect(studio.bus.queuedFor(worker.id)).toHaveLength(1);
    expect(studio.wake.recentWakes()).toEqual([]);
    expect(studio.answerHook(worker, stop)).toEqual({ decision: 'block', reason: notice });
    expect(studio.bus.queuedFor(worker.id)).toEqual([]);
    expect(studio.wake.recentWakes().map((w) => w.via)).toEqual(['turn_end']);
  });

  it('takes no urgent mail when answering a PostToolUse fails; the next one hands it over', () => {
    studio.bus.send(studio.agents.person, 'worker', 'now!', { urgent: true });
    expect(() => answerHook(failingSessions(), worker, postToolUse)).toThrow('the tracker failed');
    expect(studio.bus.queuedFor(worker.id)).toHaveLength(1);
    expect(studio.answerHook(worker, postToolUse)).toEqual({
      hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: urgentNotice },
    });
    expect(studio.bus.queuedFor(worker.id)).toEqual([]);
  });

  it('leaves urgent mail alone for a tool call inside a subagent', () => {
    studio.bus.send(studio.agents.person, 'worker', 'now!', { urgent: true });
    expect(studio.answerHook(worker, { ...postToolUse, agent_id: 'a6183e6fc4d68255c' })).toEqual({});
    expect(studio.bus.queuedFor(worker.id)).toHaveLength(1);
  });
});
