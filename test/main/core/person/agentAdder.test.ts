// Adding an agent for the person, with only what the rule needs: the registry and settings on
// SQLite in memory, real folders, and stand-in worktrees (git is tested in workspaces/) that
// record what was made and taken back, and let a test hold a worktree's making.
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERSON_NAME } from '../../../../main/contract/limits.js';
import type { Workspace } from '../../../../main/contract/model.js';
import { AgentAdder } from '../../../../main/core/person/agentAdder.js';
import { TeamFolders } from '../../../../main/core/person/teamFolders.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import type { CreateWorktree } from '../../../../main/core/workspaces/agentWorktree.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';
import { tempDir } from '../../../support/studioHarness.js';

/** Worktrees as the adder sees them: each made at once (or when let go), its calls recorded. */
class StandInWorktrees {
  made: Array<{ input: CreateWorktree; dest: string | undefined }> = [];
  removed: string[] = [];
  /** False: the worktree was taken up from an earlier agent of that name. */
  created = true;
  /** Runs after the worktree is made, before the adder gets it. */
  meanwhile?: () => Promise<void> | void;
  async create(input: CreateWorktree, dest?: string): Promise<{ workspace: Workspace; created: boolean }> {
    this.made.push({ input, dest });
    await this.meanwhile?.();
    const path = join(input.parent ?? `${input.folder}-worktrees`, input.agentName);
    const workspace = {
      repo: input.folder,
      path,
      branch: `ccstudio/${input.agentName}/work`,
      base: 'main',
      gitDir: '',
    };
    return { workspace, created: this.created };
  }
  async removeUnused(ws: Workspace): Promise<void> {
    this.removed.push(ws.path);
  }
}

let store: MemoryStore;
let root: string;
let worktrees: StandInWorktrees;
let adder: AgentAdder;
let folders: TeamFolders;
beforeEach(() => {
  store = openMemoryStore();
  root = realpathSync(tempDir('ccstudio-adder-'));
  for (const dir of ['started', 'project', 'data']) mkdirSync(join(root, dir));
  worktrees = new StandInWorktrees();
  folders = new TeamFolders({
    startedIn: join(root, 'started'),
    home: root,
    privateDirs: [join(root, 'data')],
    ownDirs: [],
    claudeConfig: join(root, '.claude.json'),
    settings: store.settings,
    agents: store.agents,
    repoInfo: () => Promise.reject(new Error('not a repository')),
  });
  adder = new AgentAdder({
    agents: store.agents,
    worktrees,
    folders,
    mcpUrl: 'http://studio/mcp',
    logger: silentLogger,
  });
});
afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

describe("an agent's folder", () => {
  it("is the first agent's when no team was started, and the team's for the next one given none", async () => {
    const project = join(root, 'project');
    const first = await adder.add({ name: 'ann', cwd: project });
    expect(first).toMatchObject({ agent: { name: 'ann', cwd: project }, mcpUrl: 'http://studio/mcp' });
    expect(first.token).toBeTruthy();
    expect(folders.chosen()).toBe(project);
    expect((await adder.add({ name: 'bob' })).agent.cwd).toBe(project);
    // A later agent elsewhere leaves the team's folder as it was.
    await adder.add({ name: 'cat', cwd: join(root, 'started') });
    expect(folders.chosen()).toBe(project);
  });

  it("is refused when it cannot be used, said as the team's when it was not given, and nothing is added", async () => {
    await expect(adder.add({ name: 'ann', cwd: join(root, 'nope') })).rejects.toThrow(
      `ann's folder: ${join(root, 'nope')} does not exist.`,
    );
    folders.choose(join(root, 'data'));
    await expect(adder.add({ name: 'bob' })).rejects.toThrow(/private data folder.*It is the team's folder/);
    expect(store.agents.list().map((a) => a.name)).toEqual([PERSON_NAME]);
  });

  it('on another machine, or for one that connects by itself, is not looked at here', async () => {
    const far = await adder.add({ name: 'far', remote: true, cwd: '/on/their/machine' });
    expect(far.agent.cwd).toBe('/on/their/machine');
    expect(folders.chosen()).toBeUndefined();
  });
});

describe('a worktree agent', () => {
  it('gets its worktree made from the repository, then is added in it', async () => {
    const project = join(root, 'project');
    const { agent } = await adder.add({ name: 'ann', cwd: project, worktree: { base: 'dev' } });
    expect(worktrees.made).toEqual([
      { input: { folder: project, agentName: 'ann', base: 'dev' }, dest: undefined },
    ]);
    expect(agent).toMatchObject({ cwd: join(`${project}-worktrees`, 'ann'), workspace: { repo: project } });
  });

  it('is refused while another add of its name makes its worktree, and that add is left alone', async () => {
    let second: Promise<unknown> | undefined;
    worktrees.meanwhile = () => {
      worktrees.meanwhile = undefined;
      second = adder.add({ name: 'ANN', cwd: join(root, 'project'), worktree: {} });
      return second.then(
        () => undefined,
        () => undefined,
      );
    };
    const first = await adder.add({ name: 'ann', cwd: join(root, 'project'), worktree: {} });
    await expect(second).rejects.toThrow('There is already an agent called ANN.');
    expect(first.agent.name).toBe('ann');
    expect(worktrees.made).toHaveLength(1);
    expect(worktrees.removed).toEqual([]);
  });

  it('whose add fails after all takes back a worktree made just now, never one taken up', async () => {
    // Another way in adds the name while the worktree is made (a first team, a second window).
    worktrees.meanwhile = () => void store.agents.add({ name: 'ann' });
    await expect(adder.add({ name: 'ann', cwd: join(root, 'project'), worktree: {} })).rejects.toThrow(
      /already exists/,
    );
    expect(worktrees.removed).toEqual([join(root, 'project-worktrees', 'ann')]);
    worktrees.created = false;
    worktrees.meanwhile = () => void store.agents.add({ name: 'bob' });
    await expect(adder.add({ name: 'bob', cwd: join(root, 'project'), worktree: {} })).rejects.toThrow(
      /already exists/,
    );
    expect(worktrees.removed).toHaveLength(1);
  });

  it('is refused, with nothing made, for an agent that connects by itself or a place that cannot be used', async () => {
    const project = join(root, 'project');
    await expect(adder.add({ name: 'r', remote: true, worktree: {} })).rejects.toThrow(
      /for an agent the studio runs/,
    );
    mkdirSync(join(root, 'data', 'wt'));
    await expect(
      adder.add({ name: 'p', cwd: project, worktree: { parent: join(root, 'data', 'wt') } }),
    ).rejects.toThrow(/Where p's worktree goes: .*private data folder/);
    // Inside the studio's data, a folder not made yet is refused too (elsewhere it would be made).
    await expect(
      adder.add({ name: 'q', cwd: project, worktree: { parent: join(root, 'data', 'new') } }),
    ).rejects.toThrow(/Where q's worktree goes: .*does not exist/);
    await expect(adder.add({ name: 's', ssh: { dest: 'box' }, worktree: {} })).rejects.toThrow(
      'Give the folder of the repository on box (--cwd)',
    );
    await expect(
      adder.add({ name: 't', ssh: { dest: 'box' }, cwd: '/srv/repo', worktree: { parent: 'trees' } }),
    ).rejects.toThrow('give a full path there (or one starting with ~/), not trees');
    await expect(
      adder.add({ name: 'u', ssh: { dest: '-oProxyCommand=x' }, cwd: '/r', worktree: {} }),
    ).rejects.toThrow();
    expect(worktrees.made).toEqual([]);
    expect(store.agents.list().map((a) => a.name)).toEqual([PERSON_NAME]);
  });

  it('goes where it is asked: a parent folder not made yet here, a full path on another machine', async () => {
    const project = join(root, 'project');
    await adder.add({ name: 'a', cwd: project, worktree: { parent: join(root, 'trees') } });
    await adder.add({ name: 'b', ssh: { dest: 'box' }, cwd: '/srv/repo', worktree: { parent: '~/trees' } });
    expect(worktrees.made.map((m) => [m.input.parent, m.dest])).toEqual([
      [join(root, 'trees'), undefined],
      ['~/trees', 'box'],
    ]);
  });
});
