// The wake engine's rules on the fake clock: terminals are stand-ins (WakeTargets), the bus and
// registry are the real ones on SQLite in memory. Real PTYs are wakeEngine.test.ts's business;
// here every hold, cooldown and recheck is stepped through to the millisecond.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../../../../main/contract/events.js';
import type { AgentState } from '../../../../main/contract/model.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import type { ScreenReading } from '../../../../main/core/sessions/screenClassifier.js';
import {
  AGENT_KICK_COOLDOWN_MS,
  MAX_TURN_END_BLOCKS,
  PERSON_TYPING_GRACE_MS,
  RECHECK_MS,
  REWAKE_CONFIRM_MS,
  WAITER_GRACE_MS,
  WakeEngine,
  type WakeTargetState,
  type WakeTargets,
} from '../../../../main/core/wake/wakeEngine.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { MailWaiters } from '../../../../main/core/wake/mailWaiters.js';
import type { MailWaitAnswer } from '../../../../main/contract/hooks.js';

const COOLDOWN_MS = 3000;

/**
 * Terminals that are only state: what the engine typed is recorded, and taken at once, or, while
 * `slow` is set, only when finishTyping() is called (a wake still being typed).
 */
class StandInTerminals implements WakeTargets {
  readonly typed: Array<{ agentId: number; text: string }> = [];
  readonly states = new Map<number, WakeTargetState>();
  slow = false;
  private typing: Array<() => void> = [];
  private readonly changes = new Emitter<{ agentId: number; state: AgentState; reading: ScreenReading }>();
  private readonly tools = new Emitter<{ agentId: number }>();

  wakeState(agentId: number): WakeTargetState | undefined {
    return this.states.get(agentId);
  }
  type(agentId: number, text: string) {
    this.typed.push({ agentId, text });
    const result = { text, submitted: true, enterRetries: 0 };
    if (!this.slow) return Promise.resolve(result);
    return new Promise<typeof result>((resolve) => this.typing.push(() => resolve(result)));
  }
  finishTyping(): void {
    this.slow = false;
    for (const done of this.typing.splice(0)) done();
  }
  onDidChangeState(
    l: (e: { agentId: number; state: AgentState; reading: ScreenReading }) => void,
  ): Disposable {
    return this.changes.on(l);
  }
  onDidListTools(l: (e: { agentId: number }) => void): Disposable {
    return this.tools.on(l);
  }
  /** Its Claude Code lists the studio's tools, as its MCP session does once connected. */
  listTools(agentId: number): void {
    this.set(agentId, { hasStudioTools: true });
    this.tools.fire({ agentId });
  }
  set(agentId: number, patch: Partial<WakeTargetState>): void {
    const next: WakeTargetState = {
      state: 'idle' as AgentState,
      inputPending: false,
      personTypedAt: -Infinity,
      takesPrompts: true,
      hasStudioTools: true,
      ...this.states.get(agentId),
      ...patch,
    };
    this.states.set(agentId, next);
    if (patch.state)
      this.changes.fire({
        agentId,
        state: patch.state,
        reading: { state: patch.state, input: '', options: [], queued: false } as unknown as ScreenReading,
      });
  }
  textsFor(agentId: number): string[] {
    return this.typed.filter((t) => t.agentId === agentId).map((t) => t.text);
  }
}

let clock: FakeClock;
let studio: StudioWithParts;
let terminals: StandInTerminals;
let wake: WakeEngine;
let worker: number;
let peer: ReturnType<StudioWithParts['agents']['add']>['agent'];

/** Lets the engine's promise chain (typed -> recorded -> look again) run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
const send = (text: string) => studio.bus.send(studio.agents.person, 'worker', text);

/** The engine over the stand-in terminals, with idle agents' waiters when given. */
const newEngine = (waiters?: MailWaiters) =>
  new WakeEngine({
    events: studio.events,
    bus: studio.bus,
    agents: studio.agents,
    sessions: terminals,
    clock,
    logger: silentLogger,
    cooldownMs: COOLDOWN_MS,
    ...(waiters ? { waiters } : {}),
  });

beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  terminals = new StandInTerminals();
  wake = newEngine();
  worker = studio.agents.add({ name: 'worker' }).agent.id;
  peer = studio.agents.add({ name: 'peer', remote: true }).agent;
  terminals.set(worker, { state: 'idle' });
});
afterEach(async () => {
  wake.dispose();
  await studio.close();
});

describe('wake rules on the fake clock', () => {
  it('wakes an idle agent in the send call, then spaces wakes by the cooldown and announces what came meanwhile together', async () => {
    send('one');
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
    ]);
    await settle();
    send('two');
    studio.bus.send(peer, 'worker', 'three');
    await settle();
    expect(terminals.textsFor(worker)).toHaveLength(1);
    clock.advance(COOLDOWN_MS - 1);
    await settle();
    expect(terminals.textsFor(worker)).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(terminals.textsFor(worker)[1]).toBe(
      '[studio] You have 2 new messages from user, peer. Call check_inbox now and act on them.',
    );
  });

  it('holds while the agent is busy or on a dialog, and wakes it once when it is idle again', async () => {
    terminals.set(worker, { state: 'busy' });
    send('a');
    send('b');
    terminals.set(worker, { state: 'waiting_permission' });
    send('c');
    clock.advance(60_000);
    await settle();
    expect(terminals.typed).toEqual([]);
    terminals.set(worker, { state: 'idle' });
    await settle();
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 3 new messages from user. Call check_inbox now and act on them.',
    ]);
  });

  it('never types into a program that does not take prompts, and says so to the sender and a kick', async () => {
    terminals.set(worker, { takesPrompts: false });
    send('hello');
    clock.advance(60_000);
    await settle();
    expect(terminals.typed).toEqual([]);
    expect(studio.bus.queuedFor(worker)).toHaveLength(1);
    expect(wake.deliveryWarning(worker)).toMatch(/worker runs a plain command.*does not type wake prompts/);
    expect(() => wake.kick(worker, 'person')).toThrow(/plain command/);
  });

  it('warns about mail for an agent that is not running or runs elsewhere, and not for one it can wake', () => {
    expect(wake.deliveryWarning(worker)).toBeUndefined();
    expect(wake.deliveryWarning(peer.id)).toMatch(/peer runs elsewhere/);
    terminals.states.delete(worker);
    expect(wake.deliveryWarning(worker)).toMatch(
      /worker is not running, so nobody will wake it until it runs/,
    );
    expect(wake.deliveryWarning(studio.agents.person.id)).toBeUndefined();
  });

  it('types nothing into an agent on the folder-trust question or not logged in, and says why', async () => {
    terminals.set(worker, { state: 'waiting_trust' });
    send('hello');
    await settle();
    clock.advance(60_000);
    await settle();
    expect(terminals.typed).toEqual([]);
    expect(wake.deliveryWarning(worker)).toMatch(/worker's Claude Code asks whether you trust its folder/);
    expect(() => wake.kick(worker, 'person')).toThrow(
      /Not waking worker: its Claude Code asks whether you trust its folder/,
    );
    terminals.set(worker, { state: 'waiting_login' });
    expect(wake.deliveryWarning(worker)).toMatch(/worker's Claude Code is not logged in/);
    // Answered (or logged in): the mail waiting goes in as usual.
    terminals.set(worker, { state: 'idle' });
    await settle();
    expect(terminals.textsFor(worker)).toHaveLength(1);
  });

  it('says, in a studio opened only for its files, that no studio runs: no command in it', () => {
    const offline = new WakeEngine({
      events: studio.events,
      bus: studio.bus,
      agents: studio.agents,
      sessions: terminals,
      clock,
      logger: silentLogger,
      offline: true,
    });
    terminals.states.delete(worker);
    expect(offline.deliveryWarning(worker)).toBe(
      'No studio is running, so worker is not running either: it is told once it runs in a studio again.',
    );
    expect(wake.deliveryWarning(worker)).toBe('worker is not running, so nobody will wake it until it runs.');
    offline.dispose();
  });

  it('keeps its hands off for PERSON_TYPING_GRACE_MS after the person typed there', async () => {
    terminals.set(worker, { personTypedAt: clock.now() });
    send('hello');
    clock.advance(PERSON_TYPING_GRACE_MS - 1);
    await settle();
    expect(terminals.typed).toEqual([]);
    clock.advance(1);
    await settle();
    expect(terminals.typed).toHaveLength(1);
  });

  it('looks again every RECHECK_MS while something sits in the input box', async () => {
    terminals.set(worker, { inputPending: true });
    send('hello');
    clock.advance(RECHECK_MS * 3);
    await settle();
    expect(terminals.typed).toEqual([]);
    terminals.set(worker, { inputPending: false });
    clock.advance(RECHECK_MS);
    await settle();
    expect(terminals.typed).toHaveLength(1);
  });

  it("waits for a Claude Code to list the studio's tools, and wakes it the moment it does", async () => {
    // Its prompt is drawn (idle) before its MCP session connects: a wake typed now would ask for
    // a check_inbox it does not have yet, and the mail would stay unread.
    terminals.set(worker, { hasStudioTools: false });
    send('hello');
    clock.advance(RECHECK_MS * 10);
    await settle();
    expect(terminals.typed).toEqual([]);
    expect(() => wake.kick(worker, 'person')).toThrow(
      "Not waking worker: its Claude Code has not connected to the studio's tools yet.",
    );
    expect(studio.bus.queuedFor(worker)).toHaveLength(1);
    terminals.listTools(worker);
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
    ]);
  });

  it("an agent's kick waits AGENT_KICK_COOLDOWN_MS after the last wake; the person's only waits for idle", async () => {
    send('hello');
    await settle();
    expect(() => wake.kick(worker, 'agent')).toThrow(
      /Not waking worker: it was woken 0 s ago\. Try again in 30 s\./,
    );
    clock.advance(AGENT_KICK_COOLDOWN_MS - 1);
    expect(() => wake.kick(worker, 'agent')).toThrow(/Try again in 1 s/);
    clock.advance(1);
    await wake.kick(worker, 'agent');
    expect(terminals.textsFor(worker)[1]).toBe(
      '[studio] Nudge: you have 1 unread message(s); call check_inbox, then carry on with your tasks (my_tasks).',
    );
    await wake.kick(worker, 'person');
    expect(terminals.typed).toHaveLength(3);
    terminals.set(worker, { state: 'busy' });
    expect(() => wake.kick(worker, 'person')).toThrow(/Not waking worker: it is busy\./);
    expect(() => wake.kick(peer.id, 'person')).toThrow(/it has no running terminal/);
  });

  it("the person's kick while a wake is still being typed is refused: one prompt at a time", async () => {
    terminals.slow = true;
    send('hello');
    expect(terminals.typed).toHaveLength(1);
    // The person's kick skips the cooldown (long past here): only the wake in flight holds it back.
    clock.advance(COOLDOWN_MS);
    await settle();
    expect(() => wake.kick(worker, 'person')).toThrow(
      /^Not waking worker: a wake is being typed into it right now\.$/,
    );
    expect(terminals.typed).toHaveLength(1);
    terminals.finishTyping();
    await settle();
    await wake.kick(worker, 'person');
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
      '[studio] Nudge: you have 1 unread message(s); call check_inbox, then carry on with your tasks (my_tasks).',
    ]);
  });

  it('a new terminal gets the mail announced in the old one again, once', async () => {
    send('hello');
    await settle();
    expect(terminals.typed).toHaveLength(1);
    terminals.set(worker, { state: 'starting' });
    terminals.set(worker, { state: 'idle' });
    await settle();
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
    ]);
    clock.advance(60_000);
    await settle();
    expect(terminals.typed).toHaveLength(2);
    expect(wake.recentWakes().map((w) => w.messageIds.length)).toEqual([1, 1]);
  });
});

describe('delivery through hooks on the fake clock', () => {
  const notice = (n: number) =>
    `[studio] You have ${n === 1 ? '1 new message' : `${n} new messages`} from user. Call check_inbox now and act on ${n === 1 ? 'it' : 'them'}.`;

  it('hands queued mail to a finishing turn once, nothing typed; blocks at most MAX_TURN_END_BLOCKS in a row', async () => {
    terminals.set(worker, { state: 'busy' });
    send('one');
    send('two');
    expect(terminals.typed).toEqual([]);
    expect(wake.atTurnEnd(worker, false)?.take()).toBe(notice(2));
    // The chained Stop: nothing new, so the turn may end.
    expect(wake.atTurnEnd(worker, true)?.take()).toBeUndefined();
    expect(studio.bus.queuedFor(worker)).toEqual([]);
    // A stream of mail keeps arriving at each turn's end: the studio stops blocking after the cap.
    for (let i = 1; i < MAX_TURN_END_BLOCKS; i++) {
      send(`more ${i}`);
      expect(wake.atTurnEnd(worker, true)?.take()).toBe(notice(1));
    }
    send('one too many');
    expect(wake.atTurnEnd(worker, true)?.take()).toBeUndefined();
    expect(studio.bus.queuedFor(worker)).toHaveLength(1);
    // It waits for the prompt instead, and is typed there once.
    wake.heard(worker);
    terminals.set(worker, { state: 'idle' });
    clock.advance(COOLDOWN_MS);
    await settle();
    expect(terminals.textsFor(worker)).toEqual([notice(1)]);
    expect(wake.recentWakes().map((w) => w.via)).toEqual(['turn_end', 'turn_end', 'turn_end', 'typed']);
    // A new turn counts afresh.
    send('next turn');
    expect(wake.atTurnEnd(worker, false)?.take()).toBe(notice(1));
  });

  it('types again a turn-end notice the CLI never acted on (the agent went idle with no hook between)', async () => {
    terminals.set(worker, { state: 'busy' });
    send('lost');
    expect(wake.atTurnEnd(worker, false)?.take()).toBe(notice(1));
    terminals.set(worker, { state: 'idle' });
    clock.advance(COOLDOWN_MS);
    await settle();
    expect(terminals.textsFor(worker)).toEqual([notice(1)]);
    expect(studio.bus.unreadSummary(worker)).toMatchObject({ total: 1, queued: 0 });
  });

  it('does not type a turn-end notice the CLI took (its turn went on), nor urgent-free mail mid-turn', async () => {
    terminals.set(worker, { state: 'busy' });
    send('taken');
    expect(wake.atTurnEnd(worker, false)?.take()).toBe(notice(1));
    expect(wake.midTurn(worker)?.take()).toBeUndefined();
    expect(wake.atTurnEnd(worker, true)?.take()).toBeUndefined();
    terminals.set(worker, { state: 'idle' });
    clock.advance(60_000);
    await settle();
    expect(terminals.typed).toEqual([]);
  });

  it('announces urgent mail mid-turn, once, and leaves the rest for the turn end', () => {
    terminals.set(worker, { state: 'busy' });
    send('plain');
    studio.bus.send(studio.agents.person, 'worker', 'urgent!', { urgent: true });
    expect(wake.midTurn(worker)?.take()).toBe(
      '[studio] You have 1 urgent message from user. Call check_inbox now, before you go on.',
    );
    expect(wake.midTurn(worker)?.take()).toBeUndefined();
    expect(wake.atTurnEnd(worker, false)?.take()).toBe(notice(1));
    expect(wake.recentWakes().map((w) => [w.via, w.messageIds.length])).toEqual([
      ['mid_turn', 1],
      ['turn_end', 1],
    ]);
  });
});

describe("wakes through the CLI's waiter hook on the fake clock", () => {
  let waiters: MailWaiters;
  /** Each answer the worker's waiters got, in order. */
  let answers: MailWaitAnswer[];
  const arm = (id = `waiter-${answers.length}`, resumed = false) =>
    void waiters.wait(worker, { waiter: id, resumed }).then((a) => answers.push(a));

  beforeEach(() => {
    wake.dispose();
    waiters = new MailWaiters();
    answers = [];
    wake = newEngine(waiters);
  });
  afterEach(() => waiters.dispose());

  const delivery = (messageId: number) =>
    studio.bus.recentDeliveries(10).find((d) => d.messageId === messageId && d.to === 'worker');

  it('wakes an idle agent through its waiter, nothing typed, even with the person mid-sentence in its input box', async () => {
    arm();
    terminals.set(worker, { inputPending: true, personTypedAt: clock.now() });
    const m = send('one');
    await settle();
    expect(terminals.typed).toEqual([]);
    expect(answers).toEqual([
      { wake: '[studio] You have 1 new message from user. Call check_inbox now and act on it.' },
    ]);
    expect(delivery(m.id)).toMatchObject({ state: 'woken', via: 'rewake' });
    expect(wake.recentWakes().map((w) => w.via)).toEqual(['rewake']);
    expect(waiters.isArmed(worker)).toBe(false);
  });

  it('leaves a busy agent to its turn end, and wakes it through the waiter once idle', async () => {
    arm();
    terminals.set(worker, { state: 'busy' });
    const m = send('one');
    await settle();
    expect(answers).toEqual([]);
    expect(waiters.isArmed(worker)).toBe(true);
    terminals.set(worker, { state: 'idle' });
    await settle();
    expect(answers).toHaveLength(1);
    expect(delivery(m.id)?.via).toBe('rewake');
  });

  it("says 'resume' for mail woken through the waiter of a start that resumed the session", async () => {
    arm('resumed-waiter', true);
    const m = send('one');
    await settle();
    expect(answers).toHaveLength(1);
    expect(delivery(m.id)?.via).toBe('resume');
    expect(wake.recentWakes().map((w) => w.via)).toEqual(['resume']);
  });

  it('wakes through a waiter that comes after the mail, and keeps one waiter per agent (the newer ends the older)', async () => {
    terminals.set(worker, { state: 'busy' });
    send('one');
    arm('first');
    arm('second');
    await settle();
    expect(answers).toEqual([{ end: 'a newer waiter took over' }]);
    terminals.set(worker, { state: 'idle' });
    await settle();
    expect(answers[1]).toMatchObject({ wake: expect.stringContaining('1 new message') });
    expect(terminals.typed).toEqual([]);
  });

  it('announces again, typed, a notice the session never showed it took', async () => {
    arm();
    const m = send('one');
    await settle();
    clock.advance(REWAKE_CONFIRM_MS - 1);
    await settle();
    expect(terminals.typed).toEqual([]);
    clock.advance(1);
    await settle();
    expect(terminals.textsFor(worker)).toHaveLength(1);
    expect(delivery(m.id)?.via).toBe('typed');
    expect(wake.recentWakes().map((w) => w.via)).toEqual(['rewake', 'typed']);
  });

  it('does not announce again a notice the session took (it left its prompt), nor type mail that comes meanwhile', async () => {
    arm();
    send('one');
    await settle();
    terminals.set(worker, { state: 'busy' });
    send('two');
    terminals.set(worker, { state: 'idle' });
    clock.advance(REWAKE_CONFIRM_MS * 2);
    await settle();
    // Idle with no waiter (the turn's Stop would have armed one): typed, once, the second only.
    expect(terminals.textsFor(worker)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
    ]);
    expect(wake.recentWakes().map((w) => w.via)).toEqual(['rewake', 'typed']);
  });

  it("ends the waiter when the agent's CLI exits or restarts, and a person's kick goes through one", async () => {
    arm();
    terminals.set(worker, { state: 'exited' });
    await settle();
    expect(answers).toEqual([{ end: 'its Claude Code exited' }]);
    terminals.set(worker, { state: 'idle' });
    arm();
    const record = await wake.kick(worker, 'person');
    expect(record.via).toBe('rewake');
    expect(answers[1]).toMatchObject({ wake: expect.stringContaining('Nudge') });
    expect(terminals.typed).toEqual([]);
  });

  it('gives a CLI that leaves waiters WAITER_GRACE_MS for one to come before its mail is typed after all', async () => {
    terminals.set(worker, { state: 'busy', waits: true });
    terminals.set(worker, { state: 'idle' });
    send('one');
    clock.advance(WAITER_GRACE_MS - 1);
    await settle();
    expect(terminals.typed).toEqual([]);
    arm();
    await settle();
    expect(answers).toHaveLength(1);
    // The woken turn ends with no waiter (interrupted: no Stop hook): typed once the grace is out.
    terminals.set(worker, { state: 'busy' });
    terminals.set(worker, { state: 'idle' });
    send('two');
    clock.advance(WAITER_GRACE_MS - 1);
    await settle();
    expect(terminals.typed).toEqual([]);
    clock.advance(1);
    await settle();
    expect(terminals.textsFor(worker)).toHaveLength(1);
  });

  it('holds a waiter wake by the same rules as a typed one: a held agent, one not connected to the tools', async () => {
    arm();
    terminals.set(worker, { hasStudioTools: false });
    send('one');
    await settle();
    expect(answers).toEqual([]);
    terminals.listTools(worker);
    await settle();
    expect(answers).toHaveLength(1);
  });
});

describe('MailWaiters', () => {
  it('ends a waiter whose connection goes, and every waiter when it is disposed', async () => {
    const waiters = new MailWaiters();
    const gone = new AbortController();
    const first = waiters.wait(1, { waiter: 'aaaaaaaa' }, gone.signal);
    const second = waiters.wait(2, { waiter: 'bbbbbbbb' });
    gone.abort();
    await expect(first).resolves.toEqual({ end: 'its connection closed' });
    expect(waiters.isArmed(1)).toBe(false);
    expect(waiters.wake(1, 'x')).toBe(false);
    waiters.dispose();
    await expect(second).resolves.toEqual({ end: 'the studio is closing' });
  });
});
