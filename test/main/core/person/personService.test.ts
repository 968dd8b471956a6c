// The person's service with only what each rule needs: the registry, bus and board on SQLite in
// memory, real browser-tab sessions, and stand-ins that record what was asked of the terminals,
// the worktrees, the wake engine and its holds, in one log so their order shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERSON_NAME } from '../../../../main/contract/limits.js';
import type { Agent, Workspace } from '../../../../main/contract/model.js';
import { PersonService } from '../../../../main/core/person/personService.js';
import { studioStatus } from '../../../../main/core/person/studioStatus.js';
import type { StartOutcome } from '../../../../main/core/sessions/liveSession.js';
import { TabSessions } from '../../../../main/core/tabs/tabSessions.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import type { WakeRecord } from '../../../../main/core/wake/wakeEngine.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';

const workspace: Workspace = { repo: '/r', path: '/r-worktrees/w', branch: 'w', base: 'main', gitDir: '' };
const unused = () => Promise.reject(new Error('not used here'));

let store: MemoryStore;
let tabs: TabSessions;
let log: string[];
/** Refuses the worktree's removal at its check, as git would for work not merged. */
let refuseRemoval: string | undefined;
/** What the wake engine says of mail for each agent (by name) it will not wake. */
let warnings: Map<string, string>;
let service: PersonService;
beforeEach(() => {
  store = openMemoryStore();
  tabs = new TabSessions({ db: store.db, clock: store.clock, events: store.events, logger: silentLogger });
  log = [];
  refuseRemoval = undefined;
  warnings = new Map();
  const { agents, board } = store;
  const nameOf = (id: number) => agents.list().find((a) => a.id === id)?.name;
  service = new PersonService({
    ...store,
    tasks: {
      create: async (actor, input) => board.create(actor, input),
      update: async (actor, input) => board.update(actor, input),
    },
    terminals: {
      startSettled: async (name): Promise<StartOutcome> => ({ agent: agents.require(name), ready: true }),
      stop: async (name) => void log.push(`stop ${name}`),
      restart: async (name): Promise<StartOutcome> => ({ agent: agents.require(name), ready: true }),
      screen: (name) => `screen of ${name}`,
      keys: (name, keys) => void log.push(`keys ${name} ${keys.join(' ')}`),
      remove: async (agent) => {
        // What the registry and the board say by the time the terminal goes.
        const assigned = board.list({}).filter((t) => t.assignee === agent.name).length;
        log.push(`terminal gone ${agent.name} (registered: ${!!agents.get(agent.name)}, tasks: ${assigned})`);
      },
    },
    worktrees: {
      checkRemovable: async (agent) => {
        log.push(`check ${agent.name}`);
        if (refuseRemoval) throw new Error(refuseRemoval);
      },
      remove: async (agent) => void log.push(`remove worktree ${agent.name}`),
    },
    wake: {
      kick: async (id, by) => {
        log.push(`kick ${nameOf(id)} by ${by}`);
        return {} as WakeRecord;
      },
      consider: (id) => void log.push(`consider ${nameOf(id)}`),
      deliveryWarning: (id) => warnings.get(nameOf(id) ?? ''),
    },
    resources: { report: () => ({ now: [], history: [], sampleEveryMs: 15_000, historyEveryMs: 60_000 }) },
    sleep: {
      sleep: async (name) => (log.push(`sleep ${name}`), agents.require(name)),
      wake: async (name) => (log.push(`wake ${name}`), agents.require(name)),
      pin: (name, pinned) => (log.push(`pin ${name} ${pinned}`), agents.require(name)),
      setIdleMinutes: (name) => agents.require(name),
      settings: () => ({ idleMinutes: 15, awakeCap: null, commander: false }),
      setSettings: (patch) => ({ idleMinutes: 15, awakeCap: null, commander: false, ...patch }),
      isAsleep: (id) => agents.getById(id)?.sleep.asleepSince != null,
      stopped: (name) => void log.push(`stopped ${name}`),
    },
    holds: {
      release: (id) => void log.push(`release ${nameOf(id)}`),
      checkBudget: (id) => void log.push(`check budget ${nameOf(id)}`),
    },
    webhook: { status: () => ({}) as never, configure: () => ({}) as never, test: unused },
    tabs,
    review: {
      agentChanges: unused,
      allChanges: unused,
      workDiff: unused,
      merge: unused,
      previewMerge: unused,
      sendBack: unused,
      openPullRequest: unused,
    },
    adder: { add: unused },
    team: { start: unused },
    folders: { choices: () => ({ suggested: '', recent: [] }), check: unused },
    desk: { items: () => [], answer: unused },
    checks: {
      repos: () => [],
      runs: () => [],
      setCommand: () => {
        throw new Error('unused');
      },
      status: unused,
      runNow: unused,
    },
    repoKey: unused,
    comments: { add: unused, list: unused },
    status: () => studioStatus(store),
  });
});
afterEach(() => {
  tabs.dispose();
  store.close();
});

const add = (name: string, extra: Partial<Parameters<MemoryStore['agents']['add']>[0]> = {}): Agent =>
  store.agents.add({ name, ...extra }).agent;

describe('removing an agent', () => {
  it('with its worktree: checked while it runs, stopped, removed; then out of the registry before its terminal goes', async () => {
    add('wt', { workspace });
    store.board.create(store.agents.person, { title: 'Theirs', assignee: 'wt' });
    await service.removeAgent('wt', { removeWorktree: true });
    expect(log).toEqual([
      'check wt',
      'stop wt',
      'remove worktree wt',
      'terminal gone wt (registered: false, tasks: 0)',
    ]);
    expect(store.board.list({}).map((t) => t.assignee)).toEqual([null]);
  });

  it('without its worktree: nothing is stopped first, the worktree stays', async () => {
    add('wt', { workspace });
    await service.removeAgent('wt');
    expect(log).toEqual(['terminal gone wt (registered: false, tasks: 0)']);
  });

  it('is refused, changing nothing, for the person, a worktree it does not have, or one that would lose work', async () => {
    add('plain');
    add('wt', { workspace });
    await expect(service.removeAgent(PERSON_NAME)).rejects.toThrow('The person cannot be removed.');
    await expect(service.removeAgent('plain', { removeWorktree: true })).rejects.toThrow(
      'plain has no worktree of its own to remove.',
    );
    refuseRemoval = 'wt has work not merged';
    await expect(service.removeAgent('wt', { removeWorktree: true })).rejects.toThrow(
      'wt has work not merged',
    );
    // Checked, and nothing after: it still runs, and is still there.
    expect(log).toEqual(['check wt']);
    expect(store.agents.list().map((a) => a.name)).toEqual([PERSON_NAME, 'plain', 'wt']);
  });
});

describe("an agent's budget and holds", () => {
  it('a cleared budget lets go of the hold it put on the agent, and its mail is considered again', async () => {
    const a = add('a');
    store.agents.setRuntime(a.id, { hold: { reason: 'budget', since: 0, detail: 'spent' } });
    await service.setBudget('a', { turnsPerHour: 5 });
    expect(store.agents.require('a').budget).toEqual({ turnsPerHour: 5 });
    expect(log).toEqual(['check budget a']);
    log = [];
    await service.setBudget('a', null);
    expect(store.agents.require('a').budget).toBeNull();
    expect(log).toEqual(['release a', 'consider a', 'check budget a']);
  });

  it('a hold of another kind stays when the budget is cleared; only an agent has a budget', async () => {
    const a = add('a');
    store.agents.setRuntime(a.id, { hold: { reason: 'ping_pong', since: 0, detail: 'loop' } });
    await service.setBudget('a', null);
    expect(log).toEqual(['check budget a']);
    await expect(service.setBudget(PERSON_NAME, { turnsPerHour: 1 })).rejects.toThrow(
      'Only an agent has a budget.',
    );
  });

  it('a release lets go of any hold and considers its mail at once', async () => {
    add('a');
    await service.releaseAgent('a');
    expect(log).toEqual(['release a', 'consider a']);
  });
});

describe('mail and tasks nobody will be woken by', () => {
  it('are stored, and the person is told why', async () => {
    add('far', { remote: true });
    add('near');
    warnings.set('far', 'far runs elsewhere');
    expect((await service.sendMessage({ to: 'far', body: 'hi' })).warning).toBe('far runs elsewhere');
    expect((await service.sendMessage({ to: 'near', body: 'hi' })).warning).toBeUndefined();
    expect((await service.createTask({ title: 'Far work', assignee: 'far' })).warning).toBe(
      'far runs elsewhere',
    );
    expect(store.bus.history(null, {}).length).toBeGreaterThanOrEqual(3);
  });

  it('a change to a task warns only when the task newly reaches that agent', async () => {
    add('far', { remote: true });
    warnings.set('far', 'far runs elsewhere');
    const task = await service.createTask({ title: 'Later' });
    expect(task.warning).toBeUndefined();
    expect((await service.updateTask({ id: task.id, assignee: 'far' })).warning).toBe('far runs elsewhere');
    expect((await service.updateTask({ id: task.id, note: 'still far' })).warning).toBeUndefined();
  });
});

describe("the person's other calls", () => {
  it('kick as the person, type keys, read a screen', async () => {
    add('a');
    await service.kickAgent('a');
    await service.sendKeys('a', ['Enter']);
    expect(await service.readScreen('a')).toBe('screen of a');
    expect(log).toEqual(['kick a by person', 'keys a Enter']);
    await expect(service.kickAgent('nobody')).rejects.toThrow();
  });

  it('end a tab that is live, and say so of one that is not; no folder picker outside the desktop', async () => {
    const { tab } = tabs.open('token', 'test');
    await service.endTab(tab.id);
    expect(await service.listTabs()).toEqual([]);
    await expect(service.endTab(tab.id)).rejects.toThrow(`There is no tab #${tab.id}`);
    await expect(service.pickFolder()).rejects.toThrow(/type the folder instead/);
  });

  it('are own properties, so a host that wraps the service by spreading it keeps every call', async () => {
    add('a');
    const wrapped = { ...service, pickFolder: async () => '/picked' };
    expect((await wrapped.listAgents()).map((a) => a.name)).toEqual([PERSON_NAME, 'a']);
    expect((await wrapped.status()).agents).toHaveLength(2);
    expect(await wrapped.pickFolder()).toBe('/picked');
  });
});
