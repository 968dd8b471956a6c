import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { appFolder, studioOwnFolders } from '../../../../main/core/person/ownFolders.js';
import { checkFolder, expandFolder, suggestFolder } from '../../../../main/core/person/team.js';
import { tempDir } from '../../../support/studioHarness.js';
import { FakeClock } from '../../../support/fakeClock.js';

// The first hour's core: where a team works (folders checked as typed, recent ones offered, the
// first team started there), the feed's history, and warnings for mail nobody will be woken by.
let t: FakeAgentStudio | undefined;
let plain: StudioWithParts | undefined;
afterEach(async () => {
  await t?.close();
  await plain?.close();
  t = plain = undefined;
});

describe('project folders', () => {
  it('checks a folder as the person types it: exists, is a folder, usable, not the studio’s own', async () => {
    const root = tempDir('ccstudio-folders-');
    const home = join(root, 'home');
    const project = join(home, 'project');
    mkdirSync(join(project, '.git'), { recursive: true });
    mkdirSync(join(project, 'src'));
    writeFileSync(join(root, 'file.txt'), 'x');
    const data = join(root, 'data');
    mkdirSync(data);
    symlinkSync(data, join(root, 'data-link'));
    const opts = { base: home, privateDirs: [data], home };
    expect(await checkFolder('~/project/src', opts)).toEqual({
      path: join(project, 'src'),
      ok: true,
      git: true,
    });
    expect(await checkFolder('project', opts)).toMatchObject({ path: project, ok: true, git: true });
    expect(await checkFolder(join(root, 'nope'), opts)).toMatchObject({
      ok: false,
      problem: /does not exist/,
    });
    expect((await checkFolder(join(root, 'file.txt'), opts)).problem).toMatch(/is a file, not a folder/);
    expect((await checkFolder(join(root, 'data-link'), opts)).problem).toMatch(
      /studio's private data folder/,
    );
    expect(await checkFolder('   ', opts)).toMatchObject({ ok: false, problem: 'Type a folder.' });
    // Home itself works, with a caution.
    expect(await checkFolder('~', opts)).toMatchObject({ ok: true, problem: /whole home folder/ });
    expect(expandFolder('~', '/x', '/home/me')).toBe('/home/me');
  });

  it('addAgent refuses a folder that cannot be used, naming the problem, and adds nothing', async () => {
    plain = createStudioWithParts({ databaseFile: ':memory:' });
    await expect(plain.service.addAgent({ name: 'lost', cwd: '/definitely/not/here' })).rejects.toThrow(
      "lost's folder: /definitely/not/here does not exist.",
    );
    expect(plain.agents.get('lost')).toBeUndefined();
  });
});

describe("the studio's own folders", () => {
  /** A home with a project, and a folder standing in for the studio's checkout (with a link to it). */
  function folders() {
    const root = tempDir('ccstudio-own-');
    const home = join(root, 'home');
    const studio = join(home, 'claude-code-studio');
    const project = join(home, 'project');
    mkdirSync(join(studio, 'main'), { recursive: true });
    mkdirSync(project, { recursive: true });
    symlinkSync(studio, join(home, 'studio-link'));
    return { root, home, studio, project };
  }

  it('are where this studio runs from: its checkout here, and in the desktop app the app too', () => {
    const checkout = fileURLToPath(new URL('../../../..', import.meta.url)).replace(/[\\/]$/, '');
    expect(studioOwnFolders()).toEqual([checkout]);
    expect(
      studioOwnFolders({
        moduleFile: join(checkout, 'dist', 'main', 'core', 'person', 'ownFolders.js'),
        execPath: '/opt/Claude Code Studio/claude-code-studio',
        electron: true,
      }),
    ).toEqual([checkout, '/opt/Claude Code Studio']);
    expect(
      appFolder(['', 'Applications', 'Claude Code Studio.app', 'Contents', 'MacOS', 'x'].join(sep)),
    ).toBe(['', 'Applications', 'Claude Code Studio.app'].join(sep));
  });

  it('pass the folder check with a caution saying why, the folder itself, inside it or through a link', async () => {
    const f = folders();
    const opts = { base: f.home, privateDirs: [], home: f.home, ownDirs: [f.studio] };
    for (const typed of [f.studio, join(f.studio, 'main'), '~/studio-link'])
      expect(await checkFolder(typed, opts)).toMatchObject({
        ok: true,
        problem: expect.stringMatching(
          /the folder this Claude Code Studio runs from .*: agents here would change the studio itself/,
        ),
      });
    expect(await checkFolder(f.project, opts)).toEqual({ path: f.project, ok: true, git: false });
  });

  it('are never suggested: the chosen folder first, else where the studio started unless it is its own', () => {
    const f = folders();
    const ownDirs = [f.studio];
    expect(suggestFolder({ startedIn: f.studio, ownDirs })).toEqual({
      suggested: '',
      note: expect.stringMatching(/started in its own folder .*type your project's folder/),
    });
    expect(suggestFolder({ startedIn: join(f.home, 'studio-link'), ownDirs }).suggested).toBe('');
    expect(suggestFolder({ startedIn: f.home, ownDirs })).toEqual({ suggested: f.home });
    expect(suggestFolder({ chosen: f.project, startedIn: f.studio, ownDirs })).toEqual({
      suggested: f.project,
    });
    // A chosen folder that is gone no longer counts.
    expect(suggestFolder({ chosen: join(f.root, 'gone'), startedIn: f.home, ownDirs }).suggested).toBe(
      f.home,
    );
  });

  it('a studio started in its own folder offers nothing there; the team folder chosen is the default from then on, across a restart', async () => {
    const f = folders();
    const dataDir = join(f.root, 'data');
    const open = () => createStudioWithParts({ dataDir, teamCwd: f.studio, ownFolders: [f.studio] });
    plain = open();
    // An agent put in the studio's folder by hand (an older studio did so): not offered either.
    plain.agents.add({ name: 'old', cwd: f.studio });
    expect(await plain.service.folderChoices()).toEqual({
      suggested: '',
      note: expect.stringMatching(/its own folder/),
      recent: [],
    });
    await plain.service.removeAgent('old');
    await plain.ensureTeam(0, f.project);
    expect((await plain.service.folderChoices()).suggested).toBe(f.project);
    const added = await plain.service.addAgent({ name: 'later', remote: false });
    expect(added.agent.cwd).toBe(f.project);
    await plain.close();
    plain = open();
    expect((await plain.service.folderChoices()).suggested).toBe(f.project);
    expect((await plain.service.addAgent({ name: 'after-restart' })).agent.cwd).toBe(f.project);
    // Given a folder, the agent goes there; a remote agent has none.
    expect((await plain.service.addAgent({ name: 'elsewhere', cwd: f.home })).agent.cwd).toBe(f.home);
    expect((await plain.service.addAgent({ name: 'far', remote: true })).agent.cwd).toBe('');
    expect((await plain.service.folderChoices()).suggested).toBe(f.project);
  });

  it("the first agent's folder is the team's when no team was started, and a chosen folder that went is said plainly", async () => {
    const f = folders();
    plain = createStudioWithParts({ databaseFile: ':memory:', teamCwd: f.home, ownFolders: [f.studio] });
    expect((await plain.service.addAgent({ name: 'homeless' })).agent.cwd).toBe('');
    await plain.service.addAgent({ name: 'first', cwd: f.project });
    expect((await plain.service.folderChoices()).suggested).toBe(f.project);
    expect((await plain.service.addAgent({ name: 'second' })).agent.cwd).toBe(f.project);
    rmSync(f.project, { recursive: true });
    await expect(plain.service.addAgent({ name: 'third' })).rejects.toThrow(
      `third's folder: ${f.project} does not exist. It is the team's folder, where agents go when no folder is given: give one (--cwd DIR).`,
    );
    expect(plain.agents.get('third')).toBeUndefined();
  });
});

describe('the first team', () => {
  it('starts a commander and N agents in the chosen folder, offers it as recent, and refuses a second first team', async () => {
    t = await startFakeAgentStudio();
    const project = join(t.dataDir, '..', `project-${Date.now()}`);
    mkdirSync(project);
    const team = await t.studio.service.startTeam({ cwd: project, agents: 1 });
    expect(team.map((t) => t.error)).toEqual([undefined, undefined]);
    expect(team.map(({ agent: a }) => [a.name, a.cwd, a.commander])).toEqual([
      ['commander', project, true],
      ['agent-1', project, false],
    ]);
    for (const { agent } of team) expect(t.studio.sessions.isRunning(agent.id)).toBe(true);
    expect((await t.studio.service.folderChoices()).recent[0]).toBe(project);
    await expect(t.studio.service.startTeam({ cwd: project, agents: 1 })).rejects.toThrow(
      /has a team already/,
    );
    await expect(t.studio.service.pickFolder()).rejects.toThrow(/type the folder instead/);
  });
});

describe('a first team that cannot start', () => {
  it('is added all the same, and each agent says why it did not start', async () => {
    t = await startFakeAgentStudio({ claudeCommand: '/nonexistent/claude' });
    const project = join(t.dataDir, '..', `project-${Date.now()}-b`);
    mkdirSync(project);
    const team = await t.studio.service.startTeam({ cwd: project, agents: 1 });
    expect(team.map((x) => x.agent.name)).toEqual(['commander', 'agent-1']);
    for (const x of team) expect(x.error).toMatch(/npm install -g @anthropic-ai\/claude-code/);
  });
});

describe('the feed after a restart', () => {
  it('comes back from the database: messages and task events', async () => {
    const dir = tempDir('ccstudio-feed-');
    plain = createStudioWithParts({ dataDir: dir });
    plain.agents.add({ name: 'ann', remote: true });
    await plain.service.sendMessage({ to: 'ann', body: 'hello' });
    const task = await plain.service.createTask({ title: 'Ship it', assignee: 'ann' });
    await plain.service.updateTask({ id: task.id, status: 'in_progress' });
    await plain.close();
    plain = createStudioWithParts({ dataDir: dir });
    const history = await plain.service.feedHistory({});
    expect(history.messages.map((m) => m.body)).toContain('hello');
    expect(history.taskEvents.map((e) => [e.task.id, e.event.kind, e.event.toStatus])).toEqual([
      [task.id, 'status', 'in_progress'],
      [task.id, 'created', 'assigned'],
    ]);
  });
});

describe('the feed history', () => {
  it('reaches back only as far as both kinds do, so no stretch shows one kind without the other', async () => {
    const clock = new FakeClock();
    plain = createStudioWithParts({ databaseFile: ':memory:', clock });
    plain.agents.add({ name: 'ann', remote: true });
    const early = await plain.service.createTask({ title: 'Early' });
    for (const body of ['one', 'two', 'three']) {
      clock.advance(1000);
      await plain.service.sendMessage({ to: 'ann', body });
    }
    clock.advance(1000);
    await plain.service.updateTask({ id: early.id, note: 'bumped' });
    const page = await plain.service.feedHistory({ limit: 2 });
    expect(page.messages.map((m) => m.body)).toEqual(['three', 'two']);
    // The task's creation is older than the oldest message shown: left out, its edit kept.
    expect(page.taskEvents.map((e) => e.event.kind)).toEqual(['note']);
    const all = await plain.service.feedHistory({});
    expect(all.messages).toHaveLength(3);
    expect(all.taskEvents).toHaveLength(2);
  });
});

describe('mail nobody will be woken by', () => {
  it('is stored and the sender is told why: not running, elsewhere; and not for a running agent', async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker');
    t.addRemoteAgent('far');
    const toStopped = await t.studio.service.sendMessage({ to: 'worker', body: 'hi' });
    expect(toStopped.warning).toMatch(/worker is not running, so nobody will wake it until it runs/);
    const toRemote = await t.studio.service.createTask({ title: 'Far work', assignee: 'far' });
    expect(toRemote.warning).toMatch(/far runs elsewhere/);
    expect(t.studio.board.get(toRemote.id).assignee).toBe('far');
    await worker.start();
    const toRunning = await t.studio.service.sendMessage({ to: 'worker', body: 'hi again' });
    expect(toRunning.warning).toBeUndefined();
    const backlog = await t.studio.service.createTask({ title: 'Later' });
    const moved = await t.studio.service.updateTask({ id: backlog.id, assignee: 'far' });
    expect(moved.warning).toMatch(/far runs elsewhere/);
    expect(
      (await t.studio.service.updateTask({ id: backlog.id, note: 'still far' })).warning,
    ).toBeUndefined();
  });
});
