// The command hook older Claude Codes run (dist/main/host/hookReporter.mjs: build first), as its
// own process against a real studio on port 0, for a busy fake agent whose mail waits for a hook.
// It forwards the body as it got it, so the studio's check is the one that counts: a refused body
// prints nothing (the session goes on as if no hook ran) and takes no mail.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAgentStudio, type FakeAgent, type FakeAgentStudio } from '../../support/fakeAgentStudio.js';
import { recordedHooks } from '../../support/hookFixtures.js';
import { waitFor } from '../../support/waitFor.js';

const REPORTER = join(process.cwd(), 'dist/main/host/hookReporter.mjs');
/** The fake's turn runs this long: longer than the test, so the agent stays busy. */
const BUSY_MS = 120_000;

let f: FakeAgentStudio;
let worker: FakeAgent;
beforeEach(async () => {
  f = await startFakeAgentStudio();
  worker = f.addFakeAgent('worker', { profile: 'claude', busyMs: BUSY_MS });
  await worker.start();
  await f.studio.sessions.type(worker.id, 'work on something long');
  await worker.waitForState('busy');
});
afterEach(() => f.close());

/** Runs the reporter as Claude Code does: the hook's JSON on stdin, the agent's hook.json as its argument. */
function report(stdin: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REPORTER, join(f.dataDir, 'agents', 'worker', 'hook.json')]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(stdin);
  });
}

describe('hookReporter', () => {
  it('prints nothing and takes no mail for a body the studio refuses; a real Stop body gets the block', async () => {
    f.studio.bus.send(f.studio.agents.person, 'worker', 'do not lose me');
    for (const bad of [
      JSON.stringify({ hook_event_name: 'Stop', stop_hook_active: false, transcript_path: {} }),
      JSON.stringify({ hook_event_name: 'Stop' }),
      '',
      'not json',
    ])
      expect(await report(bad), bad).toEqual({ code: 0, stdout: '' });
    expect(f.studio.bus.queuedFor(worker.id)).toHaveLength(1);
    // What Claude Code 2.0.50 (which has no http hooks) hands its Stop command hook.
    const stop = recordedHooks().find((r) => r.name === 'claude-2.0.50/Stop.json')!.body;
    expect(await report(JSON.stringify(stop))).toEqual({
      code: 0,
      stdout: JSON.stringify({
        decision: 'block',
        reason: '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
      }),
    });
    expect(f.studio.bus.queuedFor(worker.id)).toEqual([]);
  });
});

describe('hookReporter as the waiter (`wait`), for a Claude Code with asyncRewake', () => {
  let g: FakeAgentStudio;
  let idle: FakeAgent;
  beforeEach(async () => {
    // A version with the waiter hook: the studio gives its agents a wait address.
    g = await startFakeAgentStudio({ baseEnv: { ...process.env, FAKE_VERSION: '2.1.330' } });
    idle = g.addFakeAgent('idle', { profile: 'claude' });
    // Started as the person starts it: its version asked first (FakeAgent.start skips that).
    await g.studio.service.startAgent('idle');
    await idle.waitForState('idle');
  });
  afterEach(() => g.close());

  /** The waiter as Claude Code runs it: the hook's JSON on stdin; its exit code and stderr. */
  function waiter(stdin: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [
        REPORTER,
        join(g.dataDir, 'agents', 'idle', 'hook.json'),
        'wait',
      ]);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(stdin);
    });
  }

  it.each([
    ['a turn end', 'rewake', { hook_event_name: 'Stop', stop_hook_active: false }],
    ['a resumed start', 'resume', { hook_event_name: 'SessionStart', source: 'resume' }],
  ] as const)(
    'left by %s, it wakes the model with the notice (exit 2), delivered as %s',
    async (_, via, hook) => {
      const waiting = waiter(JSON.stringify(hook));
      await waitFor('the waiter armed', () => g.studio.waiters.isArmed(idle.id));
      const m = g.studio.bus.send(g.studio.agents.person, 'idle', 'hello');
      expect(await waiting).toEqual({
        code: 2,
        stderr: '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
      });
      expect(g.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: m.id, via });
      expect(idle.logs.prompts()).toEqual([]);
    },
  );
});
