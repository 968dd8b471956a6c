// The guard's rules on the fake clock, with the real registry, bus and board on SQLite in memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueuedMail } from '../../../../main/core/bus/messageBus.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { USAGE_WINDOW_MS } from '../../../../main/core/claude/transcriptUsage.js';
import { FakeClock } from '../../../support/fakeClock.js';

let clock: FakeClock;
let studio: StudioWithParts;
let amy: number;
beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({
    databaseFile: ':memory:',
    clock,
    pingPong: { wakes: 3, windowMs: 60_000 },
  });
  amy = studio.agents.add({ name: 'amy' }).agent.id;
  studio.agents.add({ name: 'ben' });
});
afterEach(() => studio.close());

const fromBen = (over: Partial<QueuedMail> = {}): QueuedMail[] => [
  { id: 1, from: 'ben', type: 'text', taskId: null, urgent: false, ...over },
];
const wakeAmy = (mail = fromBen()) => {
  clock.advance(1000);
  studio.guard.noteWake(amy, mail);
};

describe('WakeGuard', () => {
  it('holds an agent woken by agents alone more than N times in the window, and says why', () => {
    for (let i = 0; i < 3; i++) wakeAmy();
    expect(studio.agents.require('amy').hold).toBeNull();
    wakeAmy();
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'ping_pong' });
    expect(studio.guard.heldReason(amy)).toMatch(/woke it 4 times in 1 min with no word from you/);
    studio.guard.release(amy);
    expect(studio.agents.require('amy').hold).toBeNull();
    wakeAmy();
    expect(studio.agents.require('amy').hold).toBeNull();
  });

  it('counts only inside the window', () => {
    for (let i = 0; i < 3; i++) wakeAmy();
    clock.advance(60_000);
    wakeAmy();
    expect(studio.agents.require('amy').hold).toBeNull();
  });

  it("starts afresh on the person's word or a task that moves, not on a note or mail calling itself a task", async () => {
    for (let i = 0; i < 3; i++) wakeAmy();
    // An agent's send_message with type "task" is not the board's task mail: it still counts.
    wakeAmy(fromBen({ type: 'task' }));
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'ping_pong' });
    studio.guard.release(amy);
    for (let i = 0; i < 3; i++) wakeAmy();
    const task = await studio.service.createTask({ title: 'Loop', assignee: 'amy' });
    // Created: work moved.
    wakeAmy();
    wakeAmy();
    wakeAmy();
    // A note changes no status: still the same loop.
    await studio.service.updateTask({ id: task.id, note: 'still looping' });
    wakeAmy();
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'ping_pong' });
    studio.guard.release(amy);
    for (let i = 0; i < 3; i++) wakeAmy();
    studio.bus.send(studio.agents.person, 'amy', 'stop that');
    wakeAmy();
    expect(studio.agents.require('amy').hold).toBeNull();
  });

  it('holds on a spent budget; after a release counts again from then, until the hour has passed', async () => {
    await studio.service.setBudget('amy', { turnsPerHour: 2 });
    const usage = (turns: number) =>
      studio.agents.setRuntime(amy, {
        usage: {
          tokens: 0,
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheCreationTokens: 0,
          turns,
          tokensLastHour: 0,
          turnsLastHour: turns,
          at: clock.now(),
        },
      });
    usage(1);
    studio.guard.checkBudget(amy);
    expect(studio.agents.require('amy').hold).toBeNull();
    usage(2);
    studio.guard.checkBudget(amy);
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'budget' });
    await studio.service.releaseAgent('amy');
    usage(3);
    studio.guard.checkBudget(amy);
    expect(studio.agents.require('amy').hold).toBeNull();
    usage(4);
    studio.guard.checkBudget(amy);
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'budget' });
    await studio.service.releaseAgent('amy');
    // An hour on, the turns before the release are out of the window: the budget counts whole.
    clock.advance(USAGE_WINDOW_MS);
    usage(2);
    studio.guard.checkBudget(amy);
    expect(studio.agents.require('amy').hold).toMatchObject({ reason: 'budget' });
    // Clearing the budget releases the hold.
    await studio.service.setBudget('amy', null);
    expect(studio.agents.require('amy').hold).toBeNull();
  });
});
