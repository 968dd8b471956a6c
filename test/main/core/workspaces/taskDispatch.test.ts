// Before a worktree agent starts, its branches go into its own folder of branches; what a failure
// to move them means depends on whether the agent is sandboxed. The board on SQLite in memory;
// stand-in worktrees (git itself is tested in workspaces.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent, Workspace } from '../../../../main/contract/model.js';
import type { Logger } from '../../../../main/core/util/logger.js';
import { TaskDispatch } from '../../../../main/core/workspaces/taskDispatch.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';

const workspace: Workspace = { repo: '/r', path: '/r-worktrees/w', branch: 'w', base: 'main', gitDir: '' };

let store: MemoryStore;
let moved: string[];
let failure: Error | undefined;
let warnings: string[];
let dispatch: TaskDispatch;
beforeEach(() => {
  store = openMemoryStore();
  moved = [];
  failure = undefined;
  warnings = [];
  const logger: Logger = { debug() {}, info() {}, warn: (msg) => void warnings.push(msg), error() {} };
  const worktrees = {
    moveToAgentSpace: async (agent: Agent) => {
      if (failure) throw failure;
      moved.push(agent.name);
      return agent;
    },
    taskWork: async () => ({ branch: 'unused', note: '' }),
  };
  dispatch = new TaskDispatch(store.board, store.agents, worktrees, logger);
});
afterEach(() => store.close());

describe('a worktree agent about to start', () => {
  it('has its branches moved into its folder; an agent without a worktree is left as it is', async () => {
    const wt = store.agents.add({ name: 'wt', workspace }).agent;
    const plain = store.agents.add({ name: 'plain' }).agent;
    await dispatch.beforeStart(store.agents.person, wt);
    await dispatch.beforeStart(store.agents.person, plain);
    expect(moved).toEqual(['wt']);
  });

  it('starts anyway when they cannot be moved, unless sandboxed: its git guard lets it commit only there', async () => {
    failure = new Error('git is locked');
    const open = store.agents.add({ name: 'open', workspace }).agent;
    const boxed = store.agents.add({
      name: 'boxed',
      workspace,
      profile: { kind: 'claude', sandbox: true },
    }).agent;
    await expect(dispatch.beforeStart(store.agents.person, open)).resolves.toBeUndefined();
    expect(warnings).toEqual(["could not move an agent's branches into its folder"]);
    await expect(dispatch.beforeStart(store.agents.person, boxed)).rejects.toThrow('git is locked');
  });
});
