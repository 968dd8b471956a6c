// The waiter an agent on another machine leaves (remoteSetup's waitScript): run here by the real
// `sh` and `curl` against a real studio's /hooks/wait, as Claude Code there runs it through the
// forwarded port. Mail wakes it (exit 2, the notice on stderr); a newer waiter or a studio gone
// ends it with exit 0 and nothing on stderr.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitScript } from '../../../../main/core/remote/remoteSetup.js';
import {
  startFakeAgentStudio,
  type FakeAgent,
  type FakeAgentStudio,
} from '../../../support/fakeAgentStudio.js';
import { waitFor } from '../../../support/waitFor.js';

let f: FakeAgentStudio;
let worker: FakeAgent;
let script: string;
beforeEach(async () => {
  f = await startFakeAgentStudio();
  worker = f.addFakeAgent('worker', { profile: 'claude' });
  await worker.start();
  await worker.waitForState('idle');
  const credential = JSON.parse(readFileSync(join(f.dataDir, 'agents', 'worker', 'hook.json'), 'utf8')) as {
    url: string;
    token: string;
  };
  const headers = join(f.dataDir, 'hook.headers');
  writeFileSync(headers, `Authorization: Bearer ${credential.token}`, { mode: 0o600 });
  script = join(f.dataDir, 'wait.sh');
  writeFileSync(
    script,
    waitScript({ headersFile: headers, waitUrl: `${credential.url}/wait`, maxSeconds: 60 }),
  );
});
afterEach(() => f.close());

/** Runs the waiter as Claude Code does: its hook input on stdin; its exit code and stderr. */
function runWaiter(hook = '{"hook_event_name":"Stop"}'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [script], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(hook);
  });
}

const armed = () => f.studio.waiters.isArmed(worker.id);

describe("an SSH agent's waiter (sh and curl)", () => {
  it('wakes the model with the notice (exit 2) when mail comes, nothing typed', async () => {
    const waiting = runWaiter();
    await waitFor('the waiter armed', armed);
    const m = f.studio.bus.send(f.studio.agents.person, 'worker', 'hello there');
    const { code, stderr } = await waiting;
    expect(code).toBe(2);
    expect(stderr).toBe('[studio] You have 1 new message from user. Call check_inbox now and act on it.\n');
    expect(f.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: m.id, via: 'rewake' });
    expect(worker.logs.prompts()).toEqual([]);
  });

  it("left by a start that resumed the session, its delivery says 'resume'", async () => {
    const waiting = runWaiter('{"session_id":"s","hook_event_name":"SessionStart","source":"resume"}');
    await waitFor('the waiter armed', armed);
    const m = f.studio.bus.send(f.studio.agents.person, 'worker', 'welcome back');
    expect((await waiting).code).toBe(2);
    expect(f.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: m.id, via: 'resume' });
  });

  it('ends with exit 0 and wakes nothing when a newer waiter takes over, or the studio is gone', async () => {
    const first = runWaiter();
    await waitFor('the first armed', armed);
    const second = runWaiter();
    expect(await first).toEqual({ code: 0, stderr: '' });
    await waitFor('the second armed', armed);
    await f.close();
    expect(await second).toEqual({ code: 0, stderr: '' });
  });
});
