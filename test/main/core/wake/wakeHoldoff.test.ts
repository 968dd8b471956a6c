import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import { PERSON_TYPING_GRACE_MS } from '../../../../main/core/wake/wakeEngine.js';
import {
  PASTE_END,
  PASTE_START,
  startFakeAgentStudio,
  type FakeAgentStudio,
} from '../../../support/fakeAgentStudio.js';
import { holdsFor, waitFor } from '../../../support/waitFor.js';

// When the studio must keep its hands off a terminal: the person typing there, a half-typed line
// in the input box, a permission dialog. Real studio, fake agents in real PTYs.
let t: FakeAgentStudio;

beforeEach(async () => {
  t = await startFakeAgentStudio();
});

afterEach(async () => {
  await t.close();
});

const WAKE = '[studio] You have 1 new message from user. Call check_inbox now and act on it.';

/** When the engine marked mail for `agentId` as woken (the moment before it types). */
function wokenTimes(agentId: number): number[] {
  const times: number[] = [];
  t.studio.events.on((e) => {
    if (e.type === 'delivery.changed' && e.state === 'woken' && e.agentId === agentId) times.push(Date.now());
  });
  return times;
}

describe('WakeEngine holds off', () => {
  it(`while the person typed into the terminal within PERSON_TYPING_GRACE_MS, then wakes`, async () => {
    const worker = t.addFakeAgent('worker', { busyMs: 200 });
    await worker.start();
    const woken = wokenTimes(worker.id);

    const typedAt = Date.now();
    t.studio.sessions.input('worker', 'hi from the person\r');
    t.studio.bus.send(t.studio.agents.person, 'worker', 'mail while the person types');

    // The person's turn runs and ends; the agent is idle, but the person was just here.
    await worker.waitForPrompts(1);
    await worker.waitForState('idle');
    expect(Date.now() - typedAt).toBeLessThan(PERSON_TYPING_GRACE_MS - 1000);
    await holdsFor(
      'no wake within the grace period',
      () => worker.logs.prompts().length === 1,
      PERSON_TYPING_GRACE_MS - 600 - (Date.now() - typedAt),
      { describe: worker.describe },
    );

    const prompts = await worker.waitForPrompts(2, 8000);
    expect(prompts).toEqual(['hi from the person', WAKE]);
    expect(woken).toHaveLength(1);
    expect(woken[0]! - typedAt).toBeGreaterThanOrEqual(PERSON_TYPING_GRACE_MS - 50);
    expect(worker.logs.typedFoldingEnterRetries()).toBe(
      'hi from the person\r' + PASTE_START + WAKE + PASTE_END + '\r',
    );
  });

  it('while the person left a half-typed line in the input box, until it is sent', async () => {
    const worker = t.addFakeAgent('worker', { busyMs: 200 });
    await worker.start();
    const woken = wokenTimes(worker.id);

    t.studio.sessions.input('worker', 'half a thou');
    await waitFor('the draft on screen', () => classifyScreen(worker.screen()).input === 'half a thou');
    t.studio.bus.send(t.studio.agents.person, 'worker', 'mail');
    // Past the grace period the draft still holds the wake: typing now would mix into it.
    await holdsFor('no wake into a draft', () => woken.length === 0, PERSON_TYPING_GRACE_MS + 1500, {
      describe: worker.describe,
    });
    expect(worker.state()).toBe('idle');

    const sentAt = Date.now();
    t.studio.sessions.input('worker', 'ght\r');
    const prompts = await worker.waitForPrompts(2, PERSON_TYPING_GRACE_MS + 8000);
    expect(prompts).toEqual(['half a thought', WAKE]);
    expect(woken[0]! - sentAt).toBeGreaterThanOrEqual(PERSON_TYPING_GRACE_MS - 50);
  });

  it('while a permission dialog is open, then wakes once it is answered', async () => {
    const worker = t.addFakeAgent('worker', { permission: true, busyMs: 200 });
    await worker.start();
    const woken = wokenTimes(worker.id);
    // The studio (not the person) types a prompt that opens a dialog.
    await t.studio.sessions.type(worker.id, 'perm please');
    await worker.waitForState('waiting_permission');
    expect(t.studio.sessions.reading('worker').reading.options.map((o) => o.number)).toEqual([1, 2, 3, 4]);

    t.studio.bus.send(t.studio.agents.person, 'worker', 'mail during the dialog');
    await holdsFor('no wake into the dialog', () => woken.length === 0, 1500, { describe: worker.describe });
    expect(worker.state()).toBe('waiting_permission');

    t.studio.sessions.keys('worker', ['1']);
    const prompts = await worker.waitForPrompts(2);
    expect(prompts).toEqual(['perm please', WAKE]);
    expect(worker.logs.typedFoldingEnterRetries()).toBe(
      PASTE_START + 'perm please' + PASTE_END + '\r' + '1' + PASTE_START + WAKE + PASTE_END + '\r',
    );
  });
});
