import type { Agent, Task } from '../../main/contract/model.js';

/** A complete Agent for tests that build state by hand; `over` sets what the test is about. */
export function makeAgent(over: Partial<Agent> = {}): Agent {
  return {
    id: 1,
    name: 'a',
    kind: 'agent',
    role: '',
    summary: '',
    state: 'idle',
    cwd: '',
    reportedCwd: '',
    branch: '',
    remote: false,
    commander: false,
    profile: { kind: 'claude' },
    rolePrompt: '',
    autostart: true,
    createdAt: 0,
    lastSeenAt: 0,
    lastExit: null,
    workspace: null,
    hold: null,
    budget: null,
    usage: null,
    cliVersion: '',
    ssh: null,
    sleep: { asleepSince: null, pinned: false, idleMinutes: null },
    ...over,
  };
}

/** A complete Task (a backlog card, unassigned) for tests that build state by hand. */
export function makeTask(over: Partial<Task> = {}): Task {
  return {
    id: 1,
    title: 'T',
    body: '',
    priority: 'normal',
    status: 'backlog',
    assignee: null,
    dispatcher: 'user',
    blockedBy: [],
    result: null,
    branch: null,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}
