// Where the person's agents work, with only what the rule reads: the settings on SQLite in memory,
// real folders and a real git repository, and Claude Code's config file in a temp folder.
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TeamFolders, type TeamFoldersDeps } from '../../../../main/core/person/teamFolders.js';
import { repoInfo } from '../../../../main/core/workspaces/repoAccess.js';
import { systemGit } from '../../../../main/core/workspaces/git.js';
import { localPlace } from '../../../../main/core/workspaces/repoPlace.js';
import { gitIn, makeRepo } from '../../../support/gitRepo.js';
import { openMemoryStore, type MemoryStore } from '../../../support/memoryStore.js';
import { tempDir } from '../../../support/studioHarness.js';

let store: MemoryStore;
let root: string;
beforeEach(() => {
  store = openMemoryStore();
  root = realpathSync(tempDir('ccstudio-team-folders-'));
});
afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

const place = localPlace(systemGit(), async () => '');
const folders = (over: Partial<TeamFoldersDeps> = {}) =>
  new TeamFolders({
    startedIn: join(root, 'started'),
    home: root,
    privateDirs: [join(root, 'data')],
    ownDirs: [],
    claudeConfig: join(root, '.claude.json'),
    settings: store.settings,
    agents: store.agents,
    repoInfo: (folder) => repoInfo(place, folder),
    ...over,
  });

describe('a folder the person types', () => {
  it('in a git repository: where a worktree would start from and go', async () => {
    const repo = makeRepo(join(root, 'project'), { 'a.txt': 'a' });
    mkdirSync(join(repo, 'src'));
    const check = await folders().check(join(repo, 'src'));
    expect(check).toMatchObject({
      path: join(repo, 'src'),
      ok: true,
      git: true,
      claudeTrusted: false,
      repo: {
        root: repo,
        branch: 'main',
        branches: ['main'],
        worktreeParent: join(root, 'project-worktrees'),
      },
    });
  });

  it('in a repository git cannot read: still usable, without the worktree choice', async () => {
    const repo = makeRepo(join(root, 'project'), { 'a.txt': 'a' });
    const check = await folders({ repoInfo: () => Promise.reject(new Error('git broke')) }).check(repo);
    expect(check).toMatchObject({ ok: true, git: true, claudeTrusted: false });
    expect(check.repo).toBeUndefined();
  });

  it('is trusted when Claude Code trusts it, or the main folder of its repository (worktrees too)', async () => {
    const repo = makeRepo(join(root, 'project'), { 'a.txt': 'a' });
    const plain = join(root, 'plain');
    const worktree = join(root, 'elsewhere', 'wt');
    mkdirSync(join(repo, 'src'));
    mkdirSync(plain);
    gitIn(repo, 'worktree', 'add', '--quiet', '-b', 'side', worktree);
    const trust = (...dirs: string[]) =>
      writeFileSync(
        join(root, '.claude.json'),
        JSON.stringify({
          projects: Object.fromEntries(dirs.map((d) => [d, { hasTrustDialogAccepted: true }])),
        }),
      );
    trust(repo);
    expect((await folders().check(join(repo, 'src'))).claudeTrusted).toBe(true);
    // A worktree outside the repository's folder counts as the repository.
    expect(await folders().check(worktree)).toMatchObject({ claudeTrusted: true, repo: { root: repo } });
    expect((await folders().check(plain)).claudeTrusted).toBe(false);
    trust(plain);
    expect((await folders().check(plain)).claudeTrusted).toBe(true);
  });

  it("inside the studio's private data is refused, and said to be private", async () => {
    mkdirSync(join(root, 'data', 'inner'), { recursive: true });
    const f = folders();
    expect(await f.check(join(root, 'data', 'inner'))).toMatchObject({ ok: false, problem: /private data/ });
    expect(f.isPrivate(join(root, 'data', 'inner'))).toBe(true);
    expect(f.isPrivate(join(root, 'elsewhere'))).toBe(false);
  });
});

describe("the team's folder", () => {
  it('is where the studio started until the person chooses one, kept in the settings while it is there', () => {
    const chosen = join(root, 'chosen');
    mkdirSync(chosen);
    expect(folders().suggested()).toEqual({ suggested: join(root, 'started') });
    folders().choose(chosen);
    // Another instance on the same settings: the choice outlives whoever made it.
    expect(folders().chosen()).toBe(chosen);
    expect(folders().suggested()).toEqual({ suggested: chosen });
    rmSync(chosen, { recursive: true });
    expect(folders().suggested()).toEqual({ suggested: join(root, 'started') });
  });

  it('offers the folders agents worked in, newest first, and where the studio started', () => {
    const [older, newer, started] = ['older', 'newer', 'started'].map((d) => join(root, d));
    for (const dir of [older, newer, started]) mkdirSync(dir!);
    store.agents.add({ name: 'a', cwd: older! });
    store.clock.advance(1000);
    store.agents.add({ name: 'b', cwd: newer! });
    expect(folders().choices()).toEqual({ suggested: started, recent: [newer, older, started] });
  });
});
