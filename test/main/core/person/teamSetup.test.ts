// Making and starting the person's team, with only what the rule needs: the registry and settings
// on SQLite in memory, real folders (one marked as a git repository), stand-in worktrees and
// stand-in terminals that say which agents were started (PTYs are tested in sessions/).
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../../main/contract/model.js';
import { TeamFolders } from '../../../../main/core/person/teamFolders.js';
import { TeamSetup } from '../../../../main/core/person/teamSetup.js';
import type { StartOutcome } from '../../../../main/core/sessions/liveSession.js';
import type { CreateWorktree } from '../../../../main/core/workspaces/agentWorktree.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';
import { tempDir } from '../../../support/studioHarness.js';

let store: MemoryStore;
let root: string;
let folders: TeamFolders;
let made: string[];
let started: string[];
/** Agents whose start fails, and why. */
let refuses: Map<string, string>;
let team: TeamSetup;
beforeEach(() => {
  store = openMemoryStore();
  root = realpathSync(tempDir('ccstudio-team-'));
  mkdirSync(join(root, 'plain'));
  mkdirSync(join(root, 'repo', '.git'), { recursive: true });
  folders = new TeamFolders({
    startedIn: root,
    home: root,
    privateDirs: [],
    ownDirs: [],
    claudeConfig: join(root, '.claude.json'),
    settings: store.settings,
    agents: store.agents,
    repoInfo: async (folder) => ({ root: folder, current: 'main', branches: ['main'] }),
  });
  made = [];
  started = [];
  refuses = new Map();
  const worktrees = {
    create: async (input: CreateWorktree): Promise<{ workspace: Workspace; created: boolean }> => {
      made.push(input.agentName);
      const path = join(`${input.folder}-worktrees`, input.agentName);
      return {
        workspace: { repo: input.folder, path, branch: 'b', base: 'main', gitDir: '' },
        created: true,
      };
    },
  };
  const terminals = {
    startSettled: async (name: string): Promise<StartOutcome> => {
      started.push(name);
      const why = refuses.get(name);
      if (why) throw new Error(why);
      return { agent: store.agents.require(name), ready: true };
    },
  };
  team = new TeamSetup({ agents: store.agents, folders, worktrees, terminals });
});
afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a team made in a folder', () => {
  it('in a git repository gives each new engineer a worktree, never the commander, unless told not to', async () => {
    const repo = join(root, 'repo');
    expect(await team.ensure(2, repo)).toEqual(['commander', 'agent-1', 'agent-2']);
    expect(made).toEqual(['agent-1', 'agent-2']);
    expect(store.agents.require('commander').cwd).toBe(repo);
    expect(store.agents.require('agent-1')).toMatchObject({ cwd: join(`${repo}-worktrees`, 'agent-1') });
    // One more engineer later: only the new one gets a worktree.
    expect(await team.ensure(3, repo)).toEqual(['agent-3']);
    expect(made).toEqual(['agent-1', 'agent-2', 'agent-3']);
    expect(await team.ensure(4, repo, false)).toEqual(['agent-4']);
    expect(store.agents.require('agent-4').cwd).toBe(repo);
  });

  it('is the team folder from then on, and outside a repository has no worktrees to give', async () => {
    const plain = join(root, 'plain');
    await expect(team.ensure(1, plain, true)).rejects.toThrow(
      `${plain} is not in a git repository, so there are no worktrees to give.`,
    );
    expect(store.agents.get('commander')).toBeUndefined();
    await team.ensure(1, plain);
    expect(made).toEqual([]);
    expect(folders.chosen()).toBe(plain);
    await expect(team.ensure(1, join(root, 'gone'))).rejects.toThrow('does not exist');
  });
});

describe('a first team', () => {
  it('is started agent by agent: one that cannot start says why, and the others run regardless', async () => {
    refuses.set('agent-1', 'claude is not installed');
    const result = await team.start({ cwd: join(root, 'plain'), agents: 2 });
    expect(started.sort()).toEqual(['agent-1', 'agent-2', 'commander']);
    expect(result.map((r) => [r.agent.name, r.error])).toEqual([
      ['commander', undefined],
      ['agent-1', 'claude is not installed'],
      ['agent-2', undefined],
    ]);
  });

  it('is refused when the studio has a team of its own, not for agents on other machines', async () => {
    store.agents.add({ name: 'far', remote: true });
    await team.start({ cwd: join(root, 'plain'), agents: 0 });
    await expect(team.start({ cwd: join(root, 'plain'), agents: 1 })).rejects.toThrow(/has a team already/);
    expect(store.agents.get('agent-1')).toBeUndefined();
  });
});
