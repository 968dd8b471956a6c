// The /hooks endpoint of a real studio on port 0, posted to as Claude Code does (an http hook, or
// hookReporter.mts for older CLIs), for an agent running the fake Claude TUI in a real PTY and kept
// busy, so that its mail waits for a hook rather than being typed. No real CLI: the bodies are the
// ones real CLIs were recorded sending (support/hookFixtures.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeskItem } from '../../main/contract/desk.js';
import { MAX_REQUEST_BYTES } from '../../main/contract/limits.js';
import { MAX_TURN_END_BLOCKS } from '../../main/core/wake/wakeEngine.js';
import { startFakeAgentStudio, type FakeAgent, type FakeAgentStudio } from '../support/fakeAgentStudio.js';
import { recordedHooks } from '../support/hookFixtures.js';
import { rawRequest, type RawResponse } from '../support/rawHttp.js';
import { dumpDatabase } from '../support/studioHarness.js';

/** The fake's turn runs this long: longer than any test here, so the agent stays busy. */
const BUSY_MS = 120_000;

let f: FakeAgentStudio;
let worker: FakeAgent;
let post: (body: string | Buffer) => Promise<RawResponse>;
let credential: { url: string; token: string };
beforeEach(async () => {
  f = await startFakeAgentStudio();
  worker = f.addFakeAgent('worker', { profile: 'claude', busyMs: BUSY_MS });
  await worker.start();
  credential = JSON.parse(readFileSync(join(f.dataDir, 'agents', 'worker', 'hook.json'), 'utf8')) as {
    url: string;
    token: string;
  };
  post = (body) =>
    rawRequest(credential.url, {
      body,
      headers: { authorization: `Bearer ${credential.token}`, 'content-type': 'application/json' },
    });
  // A turn of its own: mail for it now waits, as it does for an agent at work.
  await f.studio.sessions.type(worker.id, 'work on something long');
  await worker.waitForState('busy');
});
afterEach(() => f.close());

const send = (text: string) => f.studio.bus.send(f.studio.agents.person, 'worker', text);
const queued = () => f.studio.bus.queuedFor(worker.id).length;
const stop = (chained: boolean) => JSON.stringify({ hook_event_name: 'Stop', stop_hook_active: chained });
const notice = (n: number, from = 'user') =>
  `[studio] You have ${n === 1 ? '1 new message' : `${n} new messages`} from ${from}. Call check_inbox now and act on ${n === 1 ? 'it' : 'them'}.`;
/** Claude Code's own block output, byte for byte: what keeps its turn going. */
const block = (reason: string) => JSON.stringify({ decision: 'block', reason });

describe('/hooks: bodies are checked before anything happens', () => {
  it('refuses malformed bodies with 400 and a reason, taking no mail; a good Stop then hands it over', async () => {
    send('do not lose me');
    const before = dumpDatabase(f.studio.db);
    const bad: Array<[what: string, body: string | Buffer, reason: RegExp]> = [
      [
        'the transcript as an object (the issue)',
        JSON.stringify({ hook_event_name: 'Stop', stop_hook_active: false, transcript_path: {} }),
        /transcript_path: Invalid input: expected string, received object/,
      ],
      [
        'stop_hook_active as text',
        JSON.stringify({ hook_event_name: 'Stop', stop_hook_active: 'yes' }),
        /stop_hook_active/,
      ],
      ['an event name as a number', JSON.stringify({ hook_event_name: 5 }), /hook_event_name/],
      ['a Stop without stop_hook_active', JSON.stringify({ hook_event_name: 'Stop' }), /stop_hook_active/],
      [
        'no event name',
        JSON.stringify({ stop_hook_active: false, transcript_path: '/t.jsonl' }),
        /hook_event_name/,
      ],
      ['an empty object', '{}', /hook_event_name/],
      [
        'an event the studio does not register',
        JSON.stringify({ hook_event_name: 'SessionEnd' }),
        /hook_event_name/,
      ],
      [
        'a huge transcript path',
        JSON.stringify({
          hook_event_name: 'Stop',
          stop_hook_active: false,
          transcript_path: '/' + 'a'.repeat(100_000),
        }),
        /transcript_path: Too big/,
      ],
      [
        'a huge notification type',
        JSON.stringify({ hook_event_name: 'Notification', notification_type: 'x'.repeat(10_000) }),
        /notification_type: Too big/,
      ],
      ['truncated JSON', '{"hook_event_name": "Stop", "stop_hook_active": fal', /not valid JSON/],
      ['no body at all', '', /not valid JSON/],
      ['plain text', 'Stop', /not valid JSON/],
      ['null', 'null', /expected object/],
      ['an array of hooks', `[${stop(false)}]`, /expected object/],
      [
        'a __proto__ key',
        '{"hook_event_name":"Stop","stop_hook_active":false,"__proto__":{"x":1}}',
        /__proto__/,
      ],
    ];
    for (const [what, body, reason] of bad) {
      const res = await post(body);
      expect(res.status, what).toBe(400);
      expect((JSON.parse(res.body) as { error: { message: string } }).error.message, what).toMatch(reason);
    }
    // Past the request limit it is not even read.
    expect((await post(Buffer.alloc(MAX_REQUEST_BYTES + 1, 'a'))).status).toBe(413);
    // Nothing changed: the mail is still queued, no wake was recorded, the database is as it was.
    expect(queued()).toBe(1);
    expect(f.studio.wake.recentWakes()).toEqual([]);
    expect(dumpDatabase(f.studio.db)).toBe(before);
    const good = await post(stop(false));
    expect(good.status).toBe(200);
    expect(good.body).toBe(block(notice(1)));
    expect(queued()).toBe(0);
  });

  it('takes every body a real Claude Code sent (2.0.50 through a command hook, 2.1.330 as an http hook)', async () => {
    const recorded = recordedHooks();
    expect(recorded.length).toBeGreaterThan(20);
    for (const { name, body } of recorded) {
      const answered = post(JSON.stringify(body));
      // A permission request is held until the person answers it from the queue.
      if (body.hook_event_name === 'PermissionRequest') await allowFromQueue();
      const res = await answered;
      expect(res.status, `${name}: ${res.body}`).toBe(200);
    }
    // And a real Stop body still carries the notice.
    send('after the replay');
    const realStop = recorded.find((r) => r.name === 'claude-2.1.330/Stop.json')!.body;
    expect((await post(JSON.stringify(realStop))).body).toBe(block(notice(1)));
  });
});

/** Waits for the one held permission to show in the queue, and allows it there. */
async function allowFromQueue(): Promise<void> {
  const item = await waitForItem();
  await f.studio.service.answer({ id: item.id, verdict: 'allow' });
}

async function waitForItem(): Promise<DeskItem> {
  for (let i = 0; i < 200; i++) {
    const item = f.studio.desk.items().find((d) => d.structured);
    if (item) return item;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no held permission in the queue: ${JSON.stringify(f.studio.desk.items())}`);
}

describe('/hooks: a permission request is held while the person decides', () => {
  const request = JSON.stringify({
    hook_event_name: 'PermissionRequest',
    tool_name: 'Bash',
    tool_input: { command: 'npm publish', description: 'Publish' },
  });

  it("answers with the person's decision from the queue, in Claude Code's own words", async () => {
    const answered = post(request);
    const item = await waitForItem();
    expect(item).toMatchObject({ kind: 'permission', agent: 'worker', detail: 'npm publish', tool: 'Bash' });
    await f.studio.service.answer({ id: item.id, verdict: 'deny', note: 'Not from this branch.' });
    const res = await answered;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PermissionRequest',
        decision: { behavior: 'deny', message: 'Not from this branch.' },
      },
    });
    expect(f.studio.desk.items().filter((d) => d.structured)).toEqual([]);
  });

  it('lets the hold go when the CLI stops waiting (its connection closes): the item leaves the queue', async () => {
    const ended = new AbortController();
    const answered = rawRequest(credential.url, {
      body: request,
      headers: { authorization: `Bearer ${credential.token}`, 'content-type': 'application/json' },
      signal: ended.signal,
    }).catch((err: Error) => err);
    const item = await waitForItem();
    ended.abort();
    expect(await answered).toBeInstanceOf(Error);
    for (let i = 0; i < 100 && f.studio.desk.items().some((d) => d.id === item.id); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(f.studio.desk.items().some((d) => d.id === item.id)).toBe(false);
    await expect(f.studio.service.answer({ id: item.id, verdict: 'allow' })).rejects.toThrow(
      'that prompt has gone',
    );
  });
});

describe('/hooks: the Stop hook hands mail over with a block', () => {
  it('blocks with the notice, follows stop_hook_active, and stops blocking after MAX_TURN_END_BLOCKS in a row', async () => {
    send('one');
    // The turn's end: Claude Code is told to go on, with the notice as the reason.
    const first = await post(stop(false));
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.body).toBe(block(notice(1)));
    expect(queued()).toBe(0);
    // The chained Stop (stop_hook_active: true) with nothing new lets the turn end.
    expect((await post(stop(true))).body).toBe('{}');
    // Mail that keeps coming keeps the chain going, up to the cap: the first block counts.
    for (let i = 2; i <= MAX_TURN_END_BLOCKS; i++) {
      send(`more ${i}`);
      expect((await post(stop(true))).body, `chained block ${i}`).toBe(block(notice(1)));
    }
    // One too many in the same chain: the turn may end, and the mail waits (typed once idle).
    send('one too many');
    expect((await post(stop(true))).body).toBe('{}');
    expect(queued()).toBe(1);
    // A new turn's Stop (stop_hook_active: false) counts afresh.
    expect((await post(stop(false))).body).toBe(block(notice(1)));
    expect(queued()).toBe(0);
    expect(f.studio.wake.recentWakes().map((w) => w.via)).toEqual(
      Array(MAX_TURN_END_BLOCKS + 1).fill('turn_end'),
    );
  });
});

describe("/hooks/wait: an idle agent's waiter hook waits for its mail", () => {
  const wait = (body: string, signal?: AbortSignal, token = credential.token) =>
    rawRequest(`${credential.url}/wait`, {
      body,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(signal ? { signal } : {}),
    });
  const armed = () => f.studio.waiters.isArmed(worker.id);
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(what()).toBe(true);
  };

  it('refuses a wait without the hook credential, or with a bad body, and arms nothing', async () => {
    expect((await wait('{"waiter":"aaaaaaaaaa"}', undefined, 'not-a-token')).status).toBe(401);
    for (const bad of ['{}', '{"waiter":"short"}', '{"waiter":5}', 'not json'])
      expect((await wait(bad)).status).toBe(400);
    expect(armed()).toBe(false);
  });

  it('keeps one waiter per agent (the newer ends the older) and forgets one whose connection closes', async () => {
    const first = wait('{"waiter":"first-waiter"}');
    await until(armed);
    const gone = new AbortController();
    const second = wait('{"waiter":"second-waiter"}', gone.signal).catch((err: Error) => err);
    const ended = await first;
    expect(JSON.parse(ended.body)).toEqual({ end: 'a newer waiter took over' });
    await until(armed);
    gone.abort();
    expect(await second).toBeInstanceOf(Error);
    await until(() => !armed());
  });

  it('wakes the agent through its waiter once idle: the notice, its mail announced once, nothing typed', async () => {
    const waiting = wait('{"waiter":"the-waiter"}');
    await until(armed);
    const m = send('for the waiter');
    // Busy (its own turn): the waiter waits on; at its prompt it is woken through it.
    await new Promise((r) => setTimeout(r, 200));
    expect(queued()).toBe(1);
    f.studio.sessions.input('worker', '\x1b');
    const res = await waiting;
    expect(JSON.parse(res.body)).toEqual({ wake: notice(1) });
    expect(f.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: m.id, via: 'rewake' });
    expect(worker.logs.prompts()).toEqual(['work on something long']);
  });

  it('answers a shell waiter (curl on another machine, Accept: text/plain) in text: 204 for an end, the notice when woken', async () => {
    const asText = (body: string) =>
      rawRequest(`${credential.url}/wait`, {
        body,
        headers: {
          authorization: `Bearer ${credential.token}`,
          'content-type': 'application/json',
          accept: 'text/plain',
        },
      });
    const first = asText('{"waiter":"sh-1-first"}');
    await until(armed);
    const second = asText('{"waiter":"sh-1-second"}');
    expect(await first).toMatchObject({ status: 204, body: '' });
    await until(armed);
    send('for the shell waiter');
    f.studio.sessions.input('worker', '\x1b');
    const woke = await second;
    expect(woke).toMatchObject({ status: 200, body: notice(1) });
    expect(woke.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});
