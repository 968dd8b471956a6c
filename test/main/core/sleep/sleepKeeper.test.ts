// The sleep keeper's rules on the fake clock: terminals are stand-ins (SleepTerminals), the
// registry, bus and settings are the real ones on SQLite in memory. Real CLIs sleeping and waking
// are test/realclients/claudeSleep.test.ts's business.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent, AgentState } from '../../../../main/contract/model.js';
import {
  DEFAULT_IDLE_MINUTES,
  SleepKeeper,
  type SleepTerminals,
} from '../../../../main/core/sleep/sleepKeeper.js';
import { Settings } from '../../../../main/core/store/settings.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';

const MINUTE = 60_000;

/** Terminals that are only state; sleep ends one, a start brings it back idle. */
class StandInTerminals implements SleepTerminals {
  readonly running = new Map<number, { state: AgentState; inputPending: boolean; personTypedAt: number }>();
  readonly log: string[] = [];
  private readonly changes = new Emitter<{ agentId: number; state: AgentState }>();
  constructor(private readonly studio: StudioWithParts) {}

  wakeState(agentId: number) {
    return this.running.get(agentId);
  }
  async sleep(name: string): Promise<void> {
    this.log.push(`sleep ${name}`);
    const id = this.studio.agents.require(name).id;
    this.running.delete(id);
    this.set(id, 'exited');
  }
  async startSettled(name: string): Promise<{ agent: Agent }> {
    this.log.push(`start ${name}`);
    const id = this.studio.agents.require(name).id;
    this.running.set(id, { state: 'idle', inputPending: false, personTypedAt: -Infinity });
    this.set(id, 'idle');
    return { agent: this.studio.agents.require(name) };
  }
  onDidChangeState(l: (e: { agentId: number; state: AgentState }) => void) {
    return this.changes.on(l);
  }
  set(agentId: number, state: AgentState, patch: { inputPending?: boolean; personTypedAt?: number } = {}) {
    const t = this.running.get(agentId);
    if (t) Object.assign(t, { state, ...patch });
    this.studio.agents.update(agentId, { state });
    this.changes.fire({ agentId, state });
  }
  start(agentId: number, state: AgentState = 'idle') {
    this.running.set(agentId, { state, inputPending: false, personTypedAt: -Infinity });
    this.set(agentId, state);
  }
}

let clock: FakeClock;
let studio: StudioWithParts;
let terminals: StandInTerminals;
let keeper: SleepKeeper;
/** Items waiting for the person, by agent id. */
let personItems: Set<number>;
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const add = (name: string, over: { commander?: boolean } = {}) =>
  studio.agents.add({ name, profile: { kind: 'claude' }, ...over }).agent.id;
const agent = (name: string) => studio.agents.require(name);

beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  terminals = new StandInTerminals(studio);
  personItems = new Set();
  keeper = newKeeper();
});

const newKeeper = () =>
  new SleepKeeper({
    agents: studio.agents,
    terminals,
    queuedCount: (id) => studio.bus.queuedFor(id).length,
    desk: {
      items: () =>
        [...personItems].map((id) => ({
          agent: studio.agents.getById(id)!.name,
          kind: 'permission' as const,
        })),
    },
    settings: new Settings(studio.db),
    events: studio.events,
    clock,
    logger: silentLogger,
  });
afterEach(async () => {
  keeper.dispose();
  await studio.close();
});

describe('sleep on the fake clock', () => {
  it('puts an agent idle its minutes to sleep, keeps it asleep, and wakes it when mail comes', async () => {
    const id = add('worker');
    terminals.start(id);
    clock.advance(DEFAULT_IDLE_MINUTES * MINUTE - 1);
    await settle();
    expect(terminals.log).toEqual([]);
    clock.advance(1);
    await settle();
    expect(terminals.log).toEqual(['sleep worker']);
    expect(agent('worker')).toMatchObject({ state: 'asleep', sleep: { asleepSince: clock.now() } });
    // Mail wakes it: its session is started again, and it is no longer asleep.
    studio.bus.send(studio.agents.person, 'worker', 'wake up');
    await settle();
    expect(terminals.log).toEqual(['sleep worker', 'start worker']);
    expect(agent('worker').sleep.asleepSince).toBeNull();
  });

  it('counts idle from the last turn and from the person typing there', async () => {
    const id = add('worker');
    terminals.start(id);
    clock.advance(10 * MINUTE);
    terminals.set(id, 'busy');
    terminals.set(id, 'idle');
    clock.advance(DEFAULT_IDLE_MINUTES * MINUTE - 1);
    await settle();
    expect(terminals.log).toEqual([]);
    terminals.running.get(id)!.personTypedAt = clock.now();
    clock.advance(1);
    await settle();
    expect(terminals.log).toEqual([]);
    clock.advance(DEFAULT_IDLE_MINUTES * MINUTE);
    await settle();
    expect(terminals.log).toEqual(['sleep worker']);
  });

  it('never sleeps an agent in a turn, at a prompt, with a shell or a draft, with mail or an item waiting, pinned, or the commander', async () => {
    const refuse = async (name: string, why: string) =>
      expect(keeper.sleep(name)).rejects.toThrow(`Not putting ${name} to sleep: ${why}.`);
    const a = add('a');
    terminals.start(a, 'busy');
    await refuse('a', 'it is in a turn');
    terminals.set(a, 'waiting_permission');
    await refuse('a', 'it is waiting permission');
    terminals.set(a, 'waiting_shell');
    await refuse('a', 'a background shell runs in it');
    terminals.set(a, 'idle', { inputPending: true });
    await refuse('a', 'something is typed in its input box');
    terminals.set(a, 'idle', { inputPending: false });
    studio.bus.send(studio.agents.person, 'a', 'mail');
    await refuse('a', 'mail waits for it');
    studio.bus.markWoken(
      a,
      studio.bus.queuedFor(a).map((q) => q.id),
      'typed',
    );
    personItems.add(a);
    await refuse('a', 'something of it waits for you in the queue');
    personItems.clear();
    keeper.pin('a', true);
    await refuse('a', 'it is pinned awake');
    const boss = add('boss', { commander: true });
    terminals.start(boss);
    await refuse('boss', 'it is the commander (the sleep settings keep it awake)');
    const shell = studio.agents.add({
      name: 'shell',
      profile: { kind: 'command', command: 'bash', args: [] },
    }).agent.id;
    terminals.start(shell);
    await refuse('shell', 'only a Claude Code session can be resumed after sleep');
    // None of them slept, and none does after hours idle.
    clock.advance(10 * DEFAULT_IDLE_MINUTES * MINUTE);
    await settle();
    expect(terminals.log).toEqual([]);
    // Unpinned and allowed: they may sleep.
    keeper.pin('a', false);
    keeper.setSettings({ commander: true });
    await keeper.sleep('a');
    await keeper.sleep('boss');
    expect(terminals.log).toEqual(['sleep a', 'sleep boss']);
  });

  it('under a cap, the agent idle longest sleeps before another wakes; none may: it wakes all the same', async () => {
    keeper.setSettings({ awakeCap: 2 });
    const [x, y, z] = [add('x'), add('y'), add('z')];
    terminals.start(x);
    clock.advance(MINUTE);
    terminals.start(y);
    terminals.start(z);
    await keeper.sleep('z');
    terminals.log.length = 0;
    await keeper.wake('z');
    expect(terminals.log).toEqual(['sleep x', 'start z']);
    terminals.log.length = 0;
    // The awake ones are busy: nobody can sleep, and x wakes over the cap.
    terminals.set(y, 'busy');
    terminals.set(z, 'busy');
    await keeper.wake('x');
    expect(terminals.log).toEqual(['start x']);
  });

  it('an agent asleep when the studio starts is woken if mail waited; one stopped is no longer asleep', async () => {
    const id = add('worker');
    terminals.start(id);
    await keeper.sleep('worker');
    // Mail sent while no studio ran: nothing listened for it.
    keeper.dispose();
    studio.bus.send(studio.agents.person, 'worker', 'while no studio ran');
    keeper = newKeeper();
    expect(terminals.log).toEqual(['sleep worker']);
    keeper.wakeThoseWithMail();
    await settle();
    expect(terminals.log).toEqual(['sleep worker', 'start worker']);
    // Asleep again, then stopped by the person: stopped, not asleep.
    studio.bus.markWoken(
      id,
      studio.bus.queuedFor(id).map((q) => q.id),
      'typed',
    );
    await keeper.sleep('worker');
    keeper.stopped('worker');
    expect(agent('worker')).toMatchObject({ state: 'exited', sleep: { asleepSince: null } });
  });

  it('takes settings and minutes a person means, and refuses others', () => {
    expect(keeper.settings()).toEqual({
      idleMinutes: DEFAULT_IDLE_MINUTES,
      awakeCap: null,
      commander: false,
    });
    expect(keeper.setSettings({ idleMinutes: 30, awakeCap: 8 })).toMatchObject({
      idleMinutes: 30,
      awakeCap: 8,
    });
    expect(() => keeper.setSettings({ idleMinutes: 0 })).toThrow('1 or more');
    expect(() => keeper.setSettings({ awakeCap: 1.5 })).toThrow('whole number');
    add('worker');
    expect(keeper.setIdleMinutes('worker', 5).sleep.idleMinutes).toBe(5);
    expect(() => keeper.setIdleMinutes('worker', -1)).toThrow('1 or more');
    expect(keeper.setIdleMinutes('worker', null).sleep.idleMinutes).toBeNull();
  });
});
