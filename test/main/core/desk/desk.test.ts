// The desk over stand-in sources: what waits is listed oldest first, an answer reaches exactly the
// prompt its item names (a held hook decided, or keys pressed only while that prompt is on the
// screen), and an id whose prompt has gone is refused with nothing sent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { HookAnswer } from '../../../../main/contract/hooks.js';
import type { Agent, AgentState, Task } from '../../../../main/contract/model.js';
import { Desk } from '../../../../main/core/desk/desk.js';
import { DENIED_WITHOUT_NOTE } from '../../../../main/core/desk/deskAnswer.js';
import type { LiveScreen } from '../../../../main/core/desk/deskItems.js';
import { PermissionHolds } from '../../../../main/core/desk/permissionHolds.js';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { makeAgent } from '../../../support/modelFixtures.js';

const RULE = '─'.repeat(60);
/** A permission dialog as 2.1.330 draws it, for `command`. */
const permissionScreen = (command: string) =>
  [
    '❯ run it',
    RULE,
    ' Bash command',
    ` ${command}`,
    ' Do you want to proceed?',
    ' ❯ 1. Yes',
    "   2. Yes, and don't ask again for this command",
    '   3. No',
    ' Esc to cancel · Tab to amend',
  ].join('\n');
const idleScreen = [RULE, '❯ ', RULE, '  ? for shortcuts'].join('\n');

/** An agent as the registry holds it, in the folder /work, on Claude Code 2.1.330. */
const agent = (id: number, name: string, over: Partial<Agent> = {}): Agent =>
  makeAgent({ id, name, cwd: '/work', cliVersion: '2.1.330', ...over });

let clock: FakeClock;
let events: Emitter<StudioEvent>;
let agents: Agent[];
let reviews: Task[];
let screens: Map<number, string>;
let pressed: Array<{ agentId: number; keys: string[] }>;
let told: Array<{ agentId: number; text: string }>;
let released: number[];
let screenListeners: Array<
  (e: { agentId: number; state: AgentState; reading: LiveScreen['reading'] }) => void
>;
let desk: Desk;

function liveScreen(agentId: number): LiveScreen | undefined {
  const text = screens.get(agentId);
  if (text === undefined) return undefined;
  const reading = classifyScreen(text);
  return { state: reading.state === 'unknown' ? 'busy' : reading.state, reading, tail: text.split('\n') };
}

/** The screen changes and the tracker says so, as AgentSessions.onDidChangeState does. */
function show(agentId: number, text: string): void {
  screens.set(agentId, text);
  const s = liveScreen(agentId)!;
  // The registry hears the tracker's state as well.
  agents = agents.map((a) => (a.id === agentId ? { ...a, state: s.state } : a));
  for (const l of screenListeners) l({ agentId, state: s.state, reading: s.reading });
}

beforeEach(() => {
  clock = new FakeClock();
  events = new Emitter<StudioEvent>();
  agents = [agent(1, 'bob'), agent(2, 'carol')];
  reviews = [];
  screens = new Map();
  pressed = [];
  told = [];
  released = [];
  screenListeners = [];
  const holds = new PermissionHolds({ clock, onChange: () => d.refresh() });
  const d: Desk = new Desk({
    sources: { agents: () => agents, reviews: () => reviews, screen: liveScreen },
    holds,
    actions: {
      screenNow: liveScreen,
      keys: (agentId, keys) => void pressed.push({ agentId, keys }),
      tell: (agentId, text) => void told.push({ agentId, text }),
      release: (agentId) => void released.push(agentId),
      restart: async () => undefined,
    },
    events,
    onScreen: (l) => {
      screenListeners.push(l);
      return { dispose: () => undefined };
    },
    clock,
  });
  desk = d;
});

describe('Desk', () => {
  it('lists a held permission with its exact command, and allows it through the hook once', async () => {
    const answer = desk.hold(1, 'Bash', { command: 'npm test', description: 'Run the tests' });
    const [item] = desk.items();
    expect(item).toMatchObject({
      kind: 'permission',
      agent: 'bob',
      title: 'bob asks to run a command',
      detail: 'npm test',
      tool: 'Bash',
      answers: ['allow', 'deny'],
      structured: true,
    });
    await expect(desk.answer({ id: item!.id, verdict: 'allow' })).resolves.toEqual({
      id: item!.id,
      via: 'hook',
    });
    await expect(answer).resolves.toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    expect(desk.items()).toEqual([]);
    // The same id again: its prompt has gone, and nothing is sent.
    await expect(desk.answer({ id: item!.id, verdict: 'deny' })).rejects.toThrow('that prompt has gone');
    await expect(desk.answer({ id: 'p999', verdict: 'deny' })).rejects.toThrow('There is no item p999');
  });

  it('denies with the note the model reads, or a default one', async () => {
    const first = desk.hold(1, 'Bash', { command: 'rm -rf build' });
    const second = desk.hold(2, 'WebFetch', { url: 'https://example.com/' });
    const [a, b] = desk.items();
    expect(b).toMatchObject({
      agent: 'carol',
      title: 'carol asks to fetch a page',
      detail: 'https://example.com/',
    });
    await desk.answer({ id: a!.id, verdict: 'deny', note: 'Use make clean instead.' });
    await desk.answer({ id: b!.id, verdict: 'deny' });
    const decision = (x: HookAnswer) =>
      (x as { hookSpecificOutput: { decision: unknown } }).hookSpecificOutput.decision;
    expect(decision(await first)).toEqual({ behavior: 'deny', message: 'Use make clean instead.' });
    expect(decision(await second)).toEqual({ behavior: 'deny', message: DENIED_WITHOUT_NOTE });
  });

  it("answers a held question with the chosen option's label, or typed text, as the tool's answers", async () => {
    const questions = [
      {
        question: 'Which database should we use?',
        header: 'Database',
        options: [
          { label: 'SQLite', description: 'Embedded' },
          { label: 'Postgres', description: 'Server' },
        ],
        multiSelect: false,
      },
    ];
    const held = desk.hold(1, 'AskUserQuestion', { questions });
    const [item] = desk.items();
    expect(item).toMatchObject({
      kind: 'question',
      detail: 'Which database should we use?',
      options: [
        { number: 1, label: 'SQLite' },
        { number: 2, label: 'Postgres' },
      ],
      answers: ['choose', 'text'],
    });
    await expect(desk.answer({ id: item!.id, choose: 3 })).rejects.toThrow(
      'There is no option 3; this prompt has 2.',
    );
    await desk.answer({ id: item!.id, choose: 2 });
    expect(await held).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PermissionRequest',
        decision: {
          behavior: 'allow',
          updatedInput: { questions, answers: { 'Which database should we use?': 'Postgres' } },
        },
      },
    });
    const typed = desk.hold(1, 'AskUserQuestion', { questions });
    await desk.answer({ id: desk.items()[0]!.id, text: 'DuckDB' });
    expect(JSON.stringify(await typed)).toContain('"answers":{"Which database should we use?":"DuckDB"}');
  });

  it('lets a hold go when its prompt is answered in the terminal: the item leaves, the hook answers nothing', async () => {
    // The hook tells the tracker first (the state says so, the screen not yet), then is held.
    for (const l of screenListeners)
      l({
        agentId: 1,
        state: 'waiting_permission',
        reading: { state: 'busy', options: [], input: '', queued: false },
      });
    const held = desk.hold(1, 'Bash', { command: 'make' });
    show(1, permissionScreen('make'));
    expect(desk.items()).toHaveLength(1);
    expect(desk.items()[0]!.structured).toBe(true);
    expect(desk.items()).toHaveLength(1);
    show(1, idleScreen);
    await expect(held).resolves.toEqual({});
    expect(desk.items()).toEqual([]);
  });

  it('of two requests held at once, lets go only the one whose dialog was answered in the terminal', async () => {
    // The CLI draws the first dialog, then runs both requests' hooks.
    show(1, permissionScreen('make one'));
    const first = desk.hold(1, 'Bash', { command: 'make one' });
    const second = desk.hold(1, 'Bash', { command: 'make two' });
    show(1, permissionScreen('make two'));
    await expect(first).resolves.toEqual({});
    expect(desk.items().map((i) => i.detail)).toEqual(['make two']);
    await desk.answer({ id: desk.items()[0]!.id, verdict: 'allow' });
    expect(JSON.stringify(await second)).toContain('"behavior":"allow"');
  });

  it("offers a held permission's drawn dialog's own choices, pressed on that dialog; its hook is let go", async () => {
    show(1, permissionScreen('make all'));
    const held = desk.hold(1, 'Bash', { command: 'make all' });
    const [item] = desk.items();
    expect(item).toMatchObject({ structured: true, answers: ['allow', 'deny', 'choose'] });
    expect(item!.options?.[1]).toEqual({ number: 2, label: "Yes, and don't ask again for this command" });
    await expect(desk.answer({ id: item!.id, choose: 2 })).resolves.toMatchObject({ via: 'keys' });
    expect(pressed).toEqual([{ agentId: 1, keys: ['2'] }]);
    show(1, idleScreen);
    await expect(held).resolves.toEqual({});
    // A dialog for some other request on the screen: its choices are not offered for this one.
    show(2, permissionScreen('make clean'));
    void desk.hold(2, 'Bash', { command: 'make install' });
    const other = desk.items().find((i) => i.detail === 'make install');
    expect(other?.answers).toEqual(['allow', 'deny']);
    expect(other?.options).toBeUndefined();
  });

  it('answers a prompt with no hook held by keys, only while the screen still shows that prompt', async () => {
    show(2, permissionScreen('npm publish'));
    const [item] = desk.items();
    expect(item).toMatchObject({ kind: 'permission', agent: 'carol', answers: ['allow', 'deny', 'choose'] });
    expect(item!.detail).toContain('npm publish');
    expect(item!.options?.map((o) => o.label)).toEqual([
      'Yes',
      "Yes, and don't ask again for this command",
      'No',
    ]);
    expect(item!.structured).toBeUndefined();
    // The screen moved on to another prompt between listing and answering: refused, nothing pressed.
    screens.set(2, permissionScreen('npm unpublish'));
    await expect(desk.answer({ id: item!.id, verdict: 'allow' })).rejects.toThrow('that prompt has gone');
    expect(pressed).toEqual([]);
    show(2, permissionScreen('npm publish'));
    const again = desk.items()[0]!;
    expect(again.id).not.toBe(item!.id);
    await expect(
      desk.answer({ id: again.id, verdict: 'deny', note: 'Not on a Friday.' }),
    ).resolves.toMatchObject({
      via: 'keys',
    });
    expect(pressed).toEqual([{ agentId: 2, keys: ['3'] }]);
    // A deny pressed as keys: its note goes to the agent as mail.
    expect(told).toEqual([{ agentId: 2, text: 'Not on a Friday.' }]);
  });

  it('lists holds, stuck and exited agents and reviews oldest first, each with the answers it takes', async () => {
    clock.advance(1000);
    const now = clock.now();
    reviews = [
      { id: 7, title: 'Add the login page', status: 'review', assignee: 'carol', updatedAt: 500 } as Task,
    ];
    agents = [
      agent(1, 'bob', {
        hold: { reason: 'budget', since: 200, detail: 'it spent its 50000 tokens this hour' },
      }),
      agent(2, 'carol', { state: 'stuck' }),
      agent(3, 'dave', {
        state: 'exited',
        lastExit: {
          code: 1,
          signal: null,
          at: 100,
          ranMs: 10,
          tail: [],
          advice: 'Look at its log.',
          quickExits: 3,
          gaveUp: true,
        },
      }),
    ];
    desk.refresh();
    expect(desk.items().map((i) => [i.kind, i.agent, i.since, i.answers])).toEqual([
      ['exited', 'dave', 100, ['restart']],
      ['held', 'bob', 200, ['release']],
      ['review', 'carol', 500, []],
      ['stuck', 'carol', now, ['restart']],
    ]);
    const held = desk.items()[1]!;
    await desk.answer({ id: held.id, action: 'release' });
    expect(released).toEqual([1]);
    const review = desk.items()[2]!;
    await expect(desk.answer({ id: review.id, verdict: 'allow' })).rejects.toThrow(
      'open the review of task #7',
    );
  });

  it('says when the queue changed, with the whole queue, and not when nothing did', () => {
    const seen: number[] = [];
    events.on((e) => {
      if (e.type === 'desk.changed') seen.push(e.items.length);
    });
    void desk.hold(1, 'Bash', { command: 'ls' });
    desk.refresh();
    events.fire({ type: 'agent.updated', agent: agents[0]! });
    expect(seen).toEqual([1]);
  });

  it('lets a hold go when the CLI stops waiting for it (its timeout, the turn interrupted)', async () => {
    const gaveUp = new AbortController();
    const held = desk.hold(1, 'Bash', { command: 'sleep 1' }, gaveUp.signal);
    gaveUp.abort();
    await expect(held).resolves.toEqual({});
    expect(desk.items()).toEqual([]);
  });
});

describe('Desk ids', () => {
  it('keep the id a prompt was listed under from the screen once its hook is held (drawn first, then held)', async () => {
    show(1, permissionScreen('make'));
    const [fromScreen] = desk.items();
    expect(fromScreen!.structured).toBeUndefined();
    const held = desk.hold(1, 'Bash', { command: 'make' });
    const [item] = desk.items();
    expect(item).toMatchObject({ id: fromScreen!.id, structured: true, detail: 'make' });
    await desk.answer({ id: fromScreen!.id, verdict: 'allow' });
    expect(JSON.stringify(await held)).toContain('"behavior":"allow"');
    expect(pressed).toEqual([]);
  });
});

describe('Desk ids, never on another prompt', () => {
  it('a hook for the next dialog does not take the id of one answered in the terminal meanwhile', async () => {
    show(1, permissionScreen('make one'));
    const [first] = desk.items();
    // Answered in the terminal; the next dialog is drawn, and its hook comes before any screen event.
    screens.set(1, permissionScreen('make two'));
    const held = desk.hold(1, 'Bash', { command: 'make two' });
    const [item] = desk.items();
    expect(item).toMatchObject({ detail: 'make two', structured: true });
    expect(item!.id).not.toBe(first!.id);
    await expect(desk.answer({ id: first!.id, verdict: 'allow' })).rejects.toThrow('that prompt has gone');
    await desk.answer({ id: item!.id, verdict: 'deny' });
    expect(JSON.stringify(await held)).toContain('"behavior":"deny"');
  });

  it('carries its serials across a restart: an id listed before one never names a later prompt', () => {
    let kept = 0;
    const serials = { last: () => kept, save: (n: number) => void (kept = n) };
    const make = () =>
      new Desk({
        sources: { agents: () => agents, reviews: () => reviews, screen: liveScreen },
        holds: new PermissionHolds({ clock, onChange: () => undefined }),
        actions: {
          screenNow: liveScreen,
          keys: () => undefined,
          tell: () => undefined,
          release: () => undefined,
          restart: async () => undefined,
        },
        events,
        onScreen: () => ({ dispose: () => undefined }),
        clock,
        serials,
      });
    const before = make();
    void before.hold(1, 'Bash', { command: 'ls' });
    before.refresh();
    const id = before.items()[0]!.id;
    before.dispose();
    const after = make();
    void after.hold(1, 'Bash', { command: 'ls' });
    after.refresh();
    expect(after.items()[0]!.id).not.toBe(id);
    after.dispose();
  });
});

describe('Desk on dialogs Claude Code draws in auto mode (recorded from 2.1.330)', () => {
  const recorded = (name: string) =>
    readFileSync(join(process.cwd(), `test/fixtures/screens/claude-2.1.330/${name}.txt`), 'utf8');

  it('lists "Auto mode can\'t check actions" with its heading and answers it by the key its footer names', async () => {
    show(1, recorded('auto-mode-unavailable'));
    const [item] = desk.items();
    expect(item).toMatchObject({ kind: 'dialog', title: 'bob: Claude Code asks', answers: ['choose'] });
    expect(item!.detail.split('\n')[0]).toBe("Auto mode can't check actions in this session");
    expect(item!.options?.map((o) => o.label)).toEqual([
      'stay in auto mode',
      'leave for accept edits mode and stop',
      'cancel',
    ]);
    await desk.answer({ id: item!.id, choose: 2 });
    expect(pressed).toEqual([{ agentId: 1, keys: ['shift+tab'] }]);
  });

  it('allows the "❯ No / Yes" permission drawn without numbers by walking to Yes', async () => {
    show(1, recorded('permission-unnumbered'));
    const [item] = desk.items();
    expect(item).toMatchObject({ kind: 'permission', answers: ['allow', 'deny', 'choose'] });
    expect(item!.detail).toContain('rm -rf /tmp/xx-probe');
    await desk.answer({ id: item!.id, verdict: 'allow' });
    expect(pressed).toEqual([{ agentId: 1, keys: ['down', 'enter'] }]);
  });

  it('lists the offer "Make auto mode your default permission mode?" at start as a dialog, answered by its label', async () => {
    show(2, recorded('auto-mode-offer'));
    const [item] = desk.items();
    expect(item).toMatchObject({ kind: 'dialog', agent: 'carol' });
    expect(item!.detail.split('\n')[0]).toBe('Make auto mode your default permission mode?');
    expect(item!.options?.[1]).toEqual({ number: 2, label: 'No, keep manual mode' });
    await desk.answer({ id: item!.id, choose: 2 });
    expect(pressed).toEqual([{ agentId: 2, keys: ['down', 'enter'] }]);
  });
});
