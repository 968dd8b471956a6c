// The rules an agent meets through its tools, without HTTP: the registry, bus and board are the
// real ones on SQLite in memory, on the fake clock; terminals and the wake engine are stand-ins
// that record what was asked of them (real PTYs are agentSessions.test.ts's business).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../main/contract/errors.js';
import type { StudioEvent } from '../../../main/contract/events.js';
import type { Agent, AgentState } from '../../../main/contract/model.js';
import { AgentSide, type PeerTerminals } from '../../../main/core/agentSide.js';
import { AgentRegistry } from '../../../main/core/agents/agentRegistry.js';
import { TaskBoard } from '../../../main/core/board/taskBoard.js';
import { MessageBus } from '../../../main/core/bus/messageBus.js';
import type { ScreenReading } from '../../../main/core/sessions/screenClassifier.js';
import { openDatabase, type Db } from '../../../main/core/store/database.js';
import { Emitter } from '../../../main/core/util/emitter.js';
import { silentLogger } from '../../../main/core/util/logger.js';
import { FakeClock } from '../../support/fakeClock.js';

/** Terminals that are only a screen's reading each: what was typed into them is recorded. */
class StandInTerminals implements PeerTerminals {
  readonly screens = new Map<string, { state: AgentState; reading: ScreenReading; running: boolean }>();
  readonly typed: Array<{ name: string; keys: string[] }> = [];
  readonly listed: number[] = [];
  constructor(private readonly agents: AgentRegistry) {}

  /** A running terminal for `name` that shows `state`, with a menu of `options`. */
  show(name: string, state: AgentState, options: number[] = []): void {
    this.screens.set(name, {
      state,
      running: true,
      reading: {
        state,
        input: '',
        queued: false,
        options: options.map((n) => ({ number: n, label: `choice ${n}`, focused: n === 1 })),
      },
    });
  }
  private screen(name: string) {
    const s = this.screens.get(name);
    if (!s) throw new StudioError('unavailable', `${name} has no terminal running; start it first.`);
    return s;
  }
  screenTail(name: string, lines: number): string {
    return `${this.screen(name).state} (${lines} lines)`;
  }
  reading(name: string) {
    const s = this.screen(name);
    return { state: s.state, reading: s.reading };
  }
  keys(name: string, keys: string[]): void {
    this.screen(name);
    this.typed.push({ name, keys });
  }
  hasTerminal(agentId: number): boolean {
    const name = this.agents.getById(agentId)?.name;
    return !!name && this.screens.has(name);
  }
  isRunning(agentId: number): boolean {
    const name = this.agents.getById(agentId)?.name;
    return !!name && !!this.screens.get(name)?.running;
  }
  toolsListed(agentId: number): void {
    this.listed.push(agentId);
  }
}

const refusal = (fn: () => unknown): { code: string; message: string } | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StudioError) return { code: err.code, message: err.message };
    throw err;
  }
  return undefined;
};

let db: Db;
let clock: FakeClock;
let agents: AgentRegistry;
let bus: MessageBus;
let terminals: StandInTerminals;
let kicks: Array<{ agentId: number; by: string }>;
let warnings: Array<{ msg: string; fields?: Record<string, unknown> }>;
let side: AgentSide;
let lead: Agent, dev: Agent, tester: Agent, far: Agent;
beforeEach(() => {
  db = openDatabase(':memory:');
  clock = new FakeClock();
  const events = new Emitter<StudioEvent>();
  agents = new AgentRegistry(db, events, clock);
  bus = new MessageBus(db, agents, events, clock);
  const board = new TaskBoard(db, agents, bus, events, clock);
  terminals = new StandInTerminals(agents);
  kicks = [];
  warnings = [];
  const unused = () => Promise.reject(new Error('not used here'));
  side = new AgentSide({
    agents,
    bus,
    board,
    tasks: { create: unused, update: unused },
    terminals,
    wake: {
      kick: (agentId, by) => {
        kicks.push({ agentId, by });
        return Promise.reject(new Error('no terminal to type into'));
      },
      deliveryWarning: (agentId) => `${agents.getById(agentId)?.name} is asleep.`,
    },
    clock,
    logger: {
      ...silentLogger,
      warn: (msg, fields) => void warnings.push({ msg, ...(fields ? { fields } : {}) }),
    },
    status: () => ({ agents: [], taskCounts: {}, openTasks: [], activity: [] }) as never,
  });
  lead = agents.add({ name: 'lead', commander: true }).agent;
  dev = agents.add({ name: 'dev', role: 'parser owner' }).agent;
  tester = agents.add({ name: 'tester' }).agent;
  far = agents.add({ name: 'far', remote: true }).agent;
});
afterEach(() => db.close());

describe('mail', () => {
  it('only the commander sends urgent mail; others are refused and nothing is stored', () => {
    expect(refusal(() => side.send(dev, { to: 'tester', text: 'now!', urgent: true }))).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/^Only the commander sends urgent mail/),
    });
    expect(bus.unreadCount(tester.id)).toBe(0);
    const { message } = side.send(lead, { to: 'tester', text: 'now!', urgent: true });
    expect(message).toMatchObject({ from: 'lead', to: ['tester'], urgent: true });
    expect(bus.queuedFor(tester.id)).toEqual([expect.objectContaining({ id: message.id, urgent: true })]);
  });

  it('any agent sends plain mail, with the note on whether it will reach its recipient soon', () => {
    const sent = side.send(dev, { to: 'tester', text: 'hello', type: 'question' });
    expect(sent.message).toMatchObject({ from: 'dev', type: 'question', body: 'hello' });
    expect(sent.warning).toBe('tester is asleep.');
    expect(bus.unreadCount(tester.id)).toBe(1);
  });
});

describe('answering a prompt', () => {
  it('only the commander answers for another agent; nothing is typed for anyone else', () => {
    terminals.show('tester', 'waiting_permission', [1, 2, 3]);
    expect(refusal(() => side.answerPrompt(dev, { name: 'tester', option: 1 }))).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/^Only the commander or the person may answer/),
    });
    expect(refusal(() => side.answerPrompt(dev, { name: 'tester', keys: ['enter'] }))?.code).toBe(
      'forbidden',
    );
    expect(terminals.typed).toEqual([]);
    expect(side.answerPrompt(lead, { name: 'tester', option: 2 }).name).toBe('tester');
    expect(side.answerPrompt(agents.person, { name: 'tester', keys: ['down', 'enter'] }).name).toBe('tester');
    expect(terminals.typed).toEqual([
      { name: 'tester', keys: ['2'] },
      { name: 'tester', keys: ['down', 'enter'] },
    ]);
  });

  it('never its own prompt, and either an option or keys', () => {
    terminals.show('lead', 'waiting_permission', [1, 2]);
    terminals.show('tester', 'waiting_permission', [1, 2]);
    expect(refusal(() => side.answerPrompt(lead, { name: 'lead', option: 1 }))).toEqual({
      code: 'invalid',
      message: 'Answer your own prompts yourself.',
    });
    for (const both of [{}, { option: 1, keys: ['enter'] }])
      expect(refusal(() => side.answerPrompt(lead, { name: 'tester', ...both }))).toEqual({
        code: 'invalid',
        message: 'Give either option or keys.',
      });
    expect(terminals.typed).toEqual([]);
  });

  it('only a prompt that is open, and only an option its menu has', () => {
    terminals.show('tester', 'busy');
    expect(refusal(() => side.answerPrompt(lead, { name: 'tester', keys: ['enter'] }))).toEqual({
      code: 'conflict',
      message: 'tester is busy, not on a prompt; nothing to answer.',
    });
    terminals.show('tester', 'waiting_select', [1, 2]);
    expect(refusal(() => side.answerPrompt(lead, { name: 'tester', option: 5 }))).toEqual({
      code: 'invalid',
      message: "tester's menu has options 1, 2.",
    });
    expect(terminals.typed).toEqual([]);
  });

  it('the folder-trust question and a login are the person’s alone, by option or by keys', () => {
    terminals.show('tester', 'waiting_trust', [1, 2]);
    terminals.show('dev', 'waiting_login', [1]);
    expect(refusal(() => side.answerPrompt(lead, { name: 'tester', option: 1 }))).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/asks whether its folder is trusted: only the person answers that/),
    });
    expect(refusal(() => side.answerPrompt(lead, { name: 'tester', keys: ['enter'] }))?.code).toBe(
      'forbidden',
    );
    expect(refusal(() => side.answerPrompt(lead, { name: 'dev', keys: ['enter'] }))).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/is not logged in: only the person can log it in/),
    });
    expect(terminals.typed).toEqual([]);
  });
});

describe('role prompts', () => {
  it("an agent sets its own; only the commander (or the person) sets another's", () => {
    side.setRolePrompt(dev, { text: 'Write the migrations.' });
    expect(side.rolePrompt(tester, 'dev').rolePrompt).toBe('Write the migrations.');
    expect(refusal(() => side.setRolePrompt(dev, { text: 'Obey dev.', name: 'tester' }))).toEqual({
      code: 'forbidden',
      message: "Only the commander may set another agent's prompt.",
    });
    expect(agents.require('tester').rolePrompt).toBe('');
    side.setRolePrompt(lead, { text: 'Review everything.', name: 'dev' });
    side.setRolePrompt(agents.person, { text: 'Test everything.', name: 'tester' });
    expect(side.rolePrompt(agents.require('dev')).rolePrompt).toBe('Review everything.');
    expect(side.rolePrompt(dev, 'tester').rolePrompt).toBe('Test everything.');
  });
});

describe('what an agent says about itself', () => {
  it('register keeps the role the person set and the launch folder apart from what it reports', () => {
    const said = side.register(dev, { role: 'now I am the commander', cwd: '/elsewhere', branch: 'feat/x' });
    expect(said.me).toMatchObject({ role: 'parser owner', reportedCwd: '/elsewhere', branch: 'feat/x' });
    expect(agents.require('dev').cwd).toBe(dev.cwd);
    expect(said.peers.map((p) => p.name)).toEqual(['user', 'lead', 'tester', 'far']);
    // An agent the person gave no role takes the one it says.
    expect(side.register(tester, { role: 'tester of parsers' }).me.role).toBe('tester of parsers');
  });

  it('register answers with unread mail, open tasks and topics', () => {
    side.send(lead, { to: 'dev', text: 'one' });
    side.bus.subscribe(dev, 'builds');
    expect(side.register(dev, {})).toMatchObject({ unread: 1, openTasks: 0, topics: ['builds'] });
  });

  it('heartbeat takes a state only from an agent whose terminal the studio does not read', () => {
    terminals.show('dev', 'busy');
    expect(refusal(() => side.heartbeat(dev, { state: 'idle', summary: 'resting' }))).toEqual({
      code: 'invalid',
      message: 'The studio reads your state from your terminal; send heartbeat without state.',
    });
    expect(agents.require('dev').summary).toBe('');
    expect(side.heartbeat(dev, { summary: 'parsing' })).toEqual({ unread: 0 });
    expect(agents.require('dev').summary).toBe('parsing');
    side.heartbeat(far, { state: 'busy' });
    expect(agents.require('far').state).toBe('busy');
  });
});

describe('peers', () => {
  it("reads a local peer's screen, and says who has none", () => {
    terminals.show('tester', 'waiting_select', [1, 2]);
    expect(side.readPeer(dev, 'tester', 10)).toBe('waiting_select (10 lines)');
    expect(refusal(() => side.readPeer(dev, 'nobody', 10))?.code).toBe('not_found');
    expect(side.peerState(dev, 'tester')).toMatchObject({
      state: 'waiting_select',
      reading: { options: [expect.objectContaining({ number: 1 }), expect.objectContaining({ number: 2 })] },
    });
    // One on another machine, the person, one never started: what it last said, no screen.
    for (const name of ['far', 'user', 'lead']) {
      const peer = side.peerState(dev, name);
      expect(peer.agent.name).toBe(name);
      expect(peer.reading).toBeUndefined();
    }
  });

  it('lists everyone but the caller', () => {
    expect(side.peers(lead).map((a) => a.name)).toEqual(['user', 'dev', 'tester', 'far']);
  });

  it("kick asks the wake engine for an agent's wake, and a failure while typing stays a log line", async () => {
    expect(side.kick(dev, 'tester').name).toBe('tester');
    expect(kicks).toEqual([{ agentId: tester.id, by: 'agent' }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([
      { msg: 'kick failed', fields: { by: 'dev', agent: 'tester', err: 'Error: no terminal to type into' } },
    ]);
    expect(refusal(() => side.kick(dev, 'nobody'))?.code).toBe('not_found');
  });
});

describe('the surface', () => {
  it('hands out no raw way to change an agent, type into a terminal or send unchecked mail', () => {
    // Each is a compile error (the typecheck runs over test/): re-exposing one fails it.
    // @ts-expect-error the registry's update and setLaunch are the rules' to call
    expect(side.agents).toBeUndefined();
    // @ts-expect-error keys are typed into a terminal only by answerPrompt
    expect(side.terminals).toBeUndefined();
    // @ts-expect-error mail to one agent goes through send, which checks urgent (the bus object
    // itself has send: only the view the agent side hands out lacks it)
    expect(typeof side.bus.send).toBe('function');
  });
});
