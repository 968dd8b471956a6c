import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { Agent, Task } from '../../../../main/contract/model.js';
import { AttentionWatch } from '../../../../main/core/attention/attentionWatch.js';
import {
  NOTICE_WINDOW_MS,
  PROMPT_NOTICE_WINDOW_MS,
} from '../../../../main/core/attention/noticeCoalescer.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { makeAgent, makeTask } from '../../../support/modelFixtures.js';

// Coalescing, on the fake clock: per source and kind the first notice at once, the rest of a window
// told at its end (as itself when it was one, else as one summary), nothing dropped without a word.
function setup(agents: Agent[]) {
  const events = new Emitter<StudioEvent>();
  const clock = new FakeClock();
  const seen: StudioEvent[] = [];
  events.on((e) => seen.push(e));
  const watch = new AttentionWatch({ events, clock, agents });
  const notices = () => seen.flatMap((e) => (e.type === 'attention' ? [e.attention] : []));
  return { events, clock, notices, watch };
}

const statusEvent = (actor: string, from: Task['status'], to: Task['status']) => ({
  id: 1,
  taskId: 7,
  actor,
  kind: 'status' as const,
  fromStatus: from,
  toStatus: to,
  note: '',
  createdAt: 1,
});

describe('notice coalescing', () => {
  it('rate-limits permission prompts: one at once, the flood summed up at the window end, then quiet', () => {
    const bob = makeAgent({ id: 2, name: 'bob', state: 'busy' });
    const { events, clock, notices } = setup([bob]);
    const update = (state: Agent['state']) =>
      events.fire({ type: 'agent.updated', agent: { ...bob, state } });
    for (let i = 0; i < 100; i++) {
      update('waiting_permission');
      update('busy');
      clock.advance(50);
    }
    expect(notices().map((n) => n.title)).toEqual(['bob asks permission']);
    clock.advance(PROMPT_NOTICE_WINDOW_MS);
    expect(notices().slice(1)).toEqual([
      {
        kind: 'permission',
        title: '99 more permission prompts from bob in the last 10 s',
        body: 'The latest: bob asks permission: A permission prompt is open in its terminal.',
        agent: 'bob',
        at: expect.any(Number) as unknown,
      },
    ]);
    // One more prompt in the next window: told as itself when that window ends.
    update('waiting_permission');
    update('busy');
    expect(notices()).toHaveLength(2);
    clock.advance(PROMPT_NOTICE_WINDOW_MS);
    expect(notices().map((n) => n.title)).toEqual([
      'bob asks permission',
      '99 more permission prompts from bob in the last 10 s',
      'bob asks permission',
    ]);
    // A window with nothing in it closes; the next prompt is told at once.
    clock.advance(PROMPT_NOTICE_WINDOW_MS * 3);
    expect(notices()).toHaveLength(3);
    update('waiting_select');
    update('waiting_permission');
    expect(
      notices()
        .map((n) => n.kind)
        .slice(3),
    ).toEqual(['question', 'permission']);
  });

  it('keeps sources and kinds apart: a flood from one agent never holds back another', () => {
    const bob = makeAgent({ id: 2, name: 'bob', state: 'busy' });
    const amy = makeAgent({ id: 3, name: 'amy', state: 'busy' });
    const { events, clock, notices } = setup([bob, amy]);
    for (let i = 0; i < 20; i++) {
      events.fire({ type: 'agent.updated', agent: { ...bob, state: 'waiting_select' } });
      events.fire({ type: 'agent.updated', agent: { ...bob, state: 'busy' } });
    }
    events.fire({ type: 'agent.updated', agent: { ...amy, state: 'waiting_select' } });
    events.fire({ type: 'agent.updated', agent: { ...bob, state: 'waiting_permission' } });
    expect(notices().map((n) => n.title)).toEqual(['bob asks you', 'amy asks you', 'bob asks permission']);
    clock.advance(PROMPT_NOTICE_WINDOW_MS);
    expect(notices().at(-1)?.title).toBe('19 more questions from bob in the last 10 s');
  });

  it('counts task notices by whoever moved them, so a flood cannot hide behind other agents’ names', () => {
    const { events, clock, notices } = setup([]);
    const cards = ['amy', 'bob', 'cat', 'dan'].map((assignee, i) =>
      makeTask({ id: 10 + i, title: `Card ${i}`, assignee, status: 'review' }),
    );
    for (let round = 0; round < 5; round++)
      for (const task of cards)
        events.fire({ type: 'task.updated', task, event: statusEvent('eng-2', 'in_progress', 'review') });
    expect(notices().map((n) => n.title)).toEqual(['Task #10 is ready for review (amy)']);
    clock.advance(NOTICE_WINDOW_MS);
    const summary = notices()[1]!;
    expect(summary).toMatchObject({
      kind: 'review',
      title: '19 more tasks in review from eng-2 in the last minute',
      body: 'The latest: Task #13 is ready for review (dan): “Card 3”',
      agent: 'eng-2',
    });
    // Several tasks: the summary names none of them as its own.
    expect(summary.taskId).toBeUndefined();
    expect(notices()).toHaveLength(2);
  });

  it('says "you" for the person, and drops a window’s timer when the watch is disposed', () => {
    const { events, clock, notices, watch } = setup([]);
    const task = makeTask({ id: 7, title: 'Ship', status: 'done' });
    for (let i = 0; i < 3; i++)
      events.fire({ type: 'task.updated', task, event: statusEvent('user', 'review', 'done') });
    clock.advance(NOTICE_WINDOW_MS);
    expect(notices().map((n) => [n.title, n.taskId, n.agent])).toEqual([
      ['Task #7 is done', 7, undefined],
      ['2 more tasks done from you in the last minute', 7, undefined],
    ]);
    events.fire({ type: 'task.updated', task, event: statusEvent('user', 'review', 'done') });
    watch.dispose();
    clock.advance(NOTICE_WINDOW_MS * 2);
    expect(notices()).toHaveLength(2);
  });
});
