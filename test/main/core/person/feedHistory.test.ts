// The feed's history from the store alone: where mail and task events are cut so that both
// reach back equally far.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_HISTORY_LINES, feedHistory } from '../../../../main/core/person/feedHistory.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';

let store: MemoryStore;
beforeEach(() => {
  store = openMemoryStore();
  store.agents.add({ name: 'ann', remote: true });
});
afterEach(() => store.close());

const send = (body: string) => {
  store.clock.advance(1000);
  return store.bus.send(store.agents.person, 'ann', body);
};
const task = (title: string) => {
  store.clock.advance(1000);
  return store.board.create(store.agents.person, { title });
};

describe('the feed history', () => {
  it('cuts task events older than the oldest message of a full page of mail', () => {
    const early = task('Early');
    send('one');
    send('two');
    send('three');
    store.clock.advance(1000);
    store.board.update(store.agents.person, { id: early.id, note: 'bumped' });
    const page = feedHistory(store, 2);
    expect(page.messages.map((m) => m.body)).toEqual(['three', 'two']);
    // The task's creation is older than the oldest message shown: left out, its note kept.
    expect(page.taskEvents.map((e) => e.event.kind)).toEqual(['note']);
  });

  it('cuts mail older than the oldest event of a full page of task events', () => {
    send('old mail');
    task('one');
    task('two');
    send('between');
    task('three');
    const page = feedHistory(store, 2);
    expect(page.taskEvents.map((e) => e.task.title)).toEqual(['three', 'two']);
    // Both messages fit the page, but the older is from before task two: left out.
    expect(page.messages.map((m) => m.body)).toEqual(['between']);
  });

  it('keeps everything when neither kind was cut, with each message its deliveries', () => {
    send('hello');
    task('Ship it');
    const all = feedHistory(store);
    expect(all.messages.map((m) => [m.body, (m.deliveries ?? []).map((d) => d.to)])).toEqual([
      ['hello', ['ann']],
    ]);
    expect(all.taskEvents).toHaveLength(1);
  });

  it('loads a window of lines when not asked for a number', () => {
    for (let i = 0; i < FEED_HISTORY_LINES + 1; i++) store.bus.send(store.agents.person, 'ann', `m${i}`);
    expect(feedHistory(store).messages).toHaveLength(FEED_HISTORY_LINES);
  });
});
