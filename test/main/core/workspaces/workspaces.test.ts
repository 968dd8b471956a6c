import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import type { Git } from '../../../../main/core/workspaces/git.js';
import { Workspaces } from '../../../../main/core/workspaces/workspaces.js';
import { localPlace } from '../../../../main/core/workspaces/repoPlace.js';
import { systemGh } from '../../../../main/core/workspaces/pullRequest.js';
import { SUBJECT_TITLE_CHARS } from '../../../../main/core/workspaces/commitText.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { makeAgent } from '../../../support/modelFixtures.js';
import { commitFiles, gitIn, makeRepo, writeFiles } from '../../../support/gitRepo.js';
import { tempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

// Worktree agents against real repositories and the system's git: made, compared with their base,
// merged on the person's word (or refused with nothing changed), removed only when no work is lost.
let studio: StudioWithParts | undefined;
afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

function setup(
  files: Record<string, string> = { 'README.md': 'hello\n', 'src/app.txt': 'one\ntwo\nthree\n' },
) {
  const root = tempDir('ccstudio-ws-');
  const repo = makeRepo(join(root, 'project'), files);
  studio = createStudioWithParts({ databaseFile: ':memory:', teamCwd: repo, watchTree: null });
  return { root, repo, studio, service: studio.service };
}

describe('worktree agents', () => {
  it('gets a worktree of its own on its own branch, beside the repository, from the checked-out branch', async () => {
    const { root, repo, service } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const path = join(root, 'project-worktrees', 'bob');
    expect(agent.workspace).toEqual({
      repo,
      path,
      branch: 'ccstudio/bob/work',
      base: 'main',
      gitDir: join(repo, '.git', 'worktrees', 'bob'),
    });
    expect(agent.cwd).toBe(path);
    expect(gitIn(path, 'branch', '--show-current')).toBe('ccstudio/bob/work');
    expect(readFileSync(join(path, 'README.md'), 'utf8')).toBe('hello\n');
    // A second agent never shares it.
    const { agent: amy } = await service.addAgent({ name: 'amy', cwd: join(repo, 'src'), worktree: {} });
    expect(amy.workspace?.path).toBe(join(root, 'project-worktrees', 'amy'));
    // The folder check offers the branches and the default location.
    expect((await service.checkFolder(repo)).repo).toEqual({
      root: repo,
      branch: 'main',
      branches: expect.arrayContaining(['main', 'ccstudio/bob/work', 'ccstudio/amy/work']),
      worktreeParent: join(root, 'project-worktrees'),
    });
  });

  it("the folder check says whether Claude Code trusts the folder, from the person's ~/.claude.json", async () => {
    const root = tempDir('ccstudio-ws-');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
    const home = join(root, 'home');
    mkdirSync(home);
    studio = createStudioWithParts({
      databaseFile: ':memory:',
      teamCwd: repo,
      watchTree: null,
      terminals: {
        spawnPty: () => {
          throw new Error('no terminals here');
        },
        hookCommand: 'true',
        baseEnv: { HOME: home },
      },
    });
    expect((await studio.service.checkFolder(repo)).claudeTrusted).toBe(false);
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({ projects: { [realpathSync(repo)]: { hasTrustDialogAccepted: true } } }),
    );
    expect((await studio.service.checkFolder(repo)).claudeTrusted).toBe(true);
    expect((await studio.service.checkFolder(join(repo, '.'))).claudeTrusted).toBe(true);
    expect((await studio.service.checkFolder(home)).claudeTrusted).toBe(false);
  });

  it('takes a base branch and a location, and refuses what it cannot make with nothing left behind', async () => {
    const { root, repo, service } = setup();
    gitIn(repo, 'branch', 'develop');
    const where = join(root, 'elsewhere');
    const { agent } = await service.addAgent({
      name: 'bob',
      cwd: repo,
      worktree: { base: 'develop', parent: where },
    });
    expect(agent.workspace).toMatchObject({ base: 'develop', path: join(where, 'bob') });
    await expect(service.addAgent({ name: 'cat', cwd: repo, worktree: { base: 'nope' } })).rejects.toThrow(
      /no branch "nope"/,
    );
    await expect(service.addAgent({ name: 'bob', cwd: repo, worktree: {} })).rejects.toThrow(
      /already an agent/,
    );
    const plain = tempDir('ccstudio-plain-');
    await expect(service.addAgent({ name: 'dan', cwd: plain, worktree: {} })).rejects.toThrow(
      /not inside a git repository/,
    );
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/cat', 'ccstudio/dan')).toBe('');
    expect((await service.listAgents()).map((a) => a.name)).not.toContain('cat');
  });

  it('counts committed and uncommitted changes against the base, untracked files included', async () => {
    const { repo, service } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = agent.workspace!.path;
    commitFiles(wt, { 'src/app.txt': 'one\nTWO\nthree\nfour\n' }, 'edit');
    writeFiles(wt, { 'README.md': 'hello\nworld\n', 'notes/new.txt': 'a\nb\nc\n' });
    const changes = await service.agentChanges('bob');
    expect(changes).toMatchObject({
      agent: 'bob',
      branch: 'ccstudio/bob/work',
      base: 'main',
      ahead: 1,
      behind: 0,
      committed: { files: 1, added: 2, removed: 1 },
      uncommitted: { files: 2, added: 4, removed: 0 },
      total: { files: 3, added: 6, removed: 1 },
    });
    expect(changes.files.map((f) => [f.path, f.status, f.committed, f.uncommitted]).sort()).toEqual([
      ['README.md', 'modified', false, true],
      ['notes/new.txt', 'untracked', false, true],
      ['src/app.txt', 'modified', true, false],
    ]);
    const diff = await service.workDiff({ agent: 'bob' });
    expect(diff.includesUncommitted).toBe(true);
    expect(diff.patch).toContain('+TWO');
    expect(diff.patch).toContain('+world');
    expect(diff.patch).toContain('+++ b/notes/new.txt\n@@ -0,0 +1,3 @@\n+a\n+b\n+c');
    // The base moving on shows as behind.
    commitFiles(repo, { 'other.txt': 'x\n' }, 'base moves');
    expect(await service.agentChanges('bob')).toMatchObject({ behind: 1, ahead: 1 });
  });

  it('announces changes when a turn ends, once per change', async () => {
    const { repo, service, studio: s } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const seen: Array<Extract<StudioEvent, { type: 'workspace.changed' }>> = [];
    s.events.on((e) => {
      if (e.type === 'workspace.changed') seen.push(e);
    });
    // Read at once (or announced as soon as read, on a slow machine).
    expect(
      await waitFor('bob in allChanges', async () =>
        (await service.allChanges()).find((c) => c.agent === 'bob'),
      ),
    ).toMatchObject({ total: { files: 0 } });
    writeFiles(agent.workspace!.path, { 'README.md': 'changed\n' });
    s.agents.update(agent.id, { state: 'busy' });
    s.agents.update(agent.id, { state: 'idle' });
    await waitFor('the changes announced at the turn end', () =>
      seen.find((e) => e.changes.total.files === 1),
    );
    s.agents.update(agent.id, { state: 'busy' });
    s.agents.update(agent.id, { state: 'idle' });
    await s.workspaces.changes(s.agents.require('bob'));
    expect(seen.filter((e) => e.changes.total.files === 1)).toHaveLength(1);
  });

  it('reads the changes again when a review opens, so the badge counts what the review shows', async () => {
    const { repo, service, studio: s } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const seen: number[] = [];
    s.events.on((e) => {
      if (e.type === 'workspace.changed') seen.push(e.changes.total.files);
    });
    await waitFor('bob read once', async () => (await service.allChanges()).find((c) => c.agent === 'bob'));
    // No turn ends and no file event: an agent on another machine, or a watch that is out of room.
    writeFiles(agent.workspace!.path, { 'README.md': 'changed\n' });
    expect((await service.workDiff({ agent: 'bob' })).patch).toContain('README.md');
    await waitFor('the badge counts the reviewed change', () => seen.includes(1));
  });
});

describe('a first team in a git repository', () => {
  it('gives each engineer a worktree of its own and leaves the commander in the folder; or none, when asked', async () => {
    const { root, repo, service } = setup();
    const team = await service.startTeam({ cwd: repo, agents: 2 });
    expect(team.map((t) => [t.agent.name, t.agent.cwd, t.agent.workspace?.branch ?? null])).toEqual([
      ['commander', repo, null],
      ['agent-1', join(root, 'project-worktrees', 'agent-1'), 'ccstudio/agent-1/work'],
      ['agent-2', join(root, 'project-worktrees', 'agent-2'), 'ccstudio/agent-2/work'],
    ]);
    const other = makeRepo(join(root, 'other'), { 'a.txt': 'a\n' });
    const plain = createStudioWithParts({ databaseFile: ':memory:', teamCwd: other, watchTree: null });
    try {
      const shared = await plain.service.startTeam({ cwd: other, agents: 1, worktrees: false });
      expect(shared.map((t) => t.agent.cwd)).toEqual([other, other]);
      const dir = tempDir('ccstudio-not-git-');
      await expect(plain.ensureTeam(1, dir, true)).rejects.toThrow(/not in a git repository/);
    } finally {
      await plain.close();
    }
  });
});

describe('tasks on worktree agents', () => {
  it('start their own branch from the base when the worktree is clean, named in the card and the mail', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await service.createTask({ title: 'Fix the login page!', assignee: 'bob' });
    expect(task).toMatchObject({
      assignee: 'bob',
      status: 'assigned',
      branch: 'ccstudio/bob/task-1-fix-the-login-page',
    });
    const wt = s.agents.require('bob').workspace!.path;
    expect(gitIn(wt, 'branch', '--show-current')).toBe('ccstudio/bob/task-1-fix-the-login-page');
    const mail = s.bus.inbox(s.agents.require('bob')).items.find((m) => m.taskId === task.id);
    expect(mail?.body).toMatch(
      /on the branch ccstudio\/bob\/task-1-fix-the-login-page, made for this task from main/,
    );
    const mailOf = (id: number) =>
      s.bus.inbox(s.agents.require('bob')).items.find((m) => m.taskId === id)?.body;
    // Another task under way: the new one gets its own branch, and the worktree is not moved.
    const second = await service.createTask({ title: 'Second', assignee: 'bob' });
    expect(second.branch).toBe('ccstudio/bob/task-2-second');
    expect(gitIn(wt, 'branch', '--show-current')).toBe('ccstudio/bob/task-1-fix-the-login-page');
    expect(gitIn(repo, 'rev-parse', 'ccstudio/bob/task-2-second')).toBe(gitIn(repo, 'rev-parse', 'main'));
    expect(mailOf(second.id)).toMatch(
      /made the branch ccstudio\/bob\/task-2-second for this task from main; your worktree .* stays where it is because you have task #1 under way on ccstudio\/bob\/task-1-fix-the-login-page\. .*git switch ccstudio\/bob\/task-2-second/,
    );
    // Nor with changes not committed, nor in the middle of a turn.
    await service.updateTask({ id: task.id, status: 'done' });
    await service.updateTask({ id: second.id, status: 'done' });
    writeFiles(wt, { 'scratch.txt': 'wip\n' });
    const third = await service.createTask({ title: 'Third', assignee: 'bob' });
    expect(mailOf(third.id)).toMatch(
      /stays where it is because its worktree has changes not committed \(scratch.txt\)/,
    );
    gitIn(wt, 'clean', '-fq');
    s.agents.update(s.agents.require('bob').id, { state: 'busy' });
    const fourth = await service.createTask({ title: 'Fourth', assignee: 'bob' });
    expect(mailOf(fourth.id)).toMatch(/because bob is in the middle of a turn/);
    expect(gitIn(wt, 'branch', '--show-current')).toBe('ccstudio/bob/task-1-fix-the-login-page');
  });

  it('move an older studio’s branches into the agent’s folder when it starts: its own and its open task’s, with the worktree', async () => {
    const root = tempDir('ccstudio-ws-legacy-');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
    // A terminal that opens and stays until it is stopped: the start is what is on trial.
    const exits: Array<(e: { exitCode: number }) => void> = [];
    const pty = {
      pid: 1,
      write: () => undefined,
      resize: () => undefined,
      kill: () => exits.forEach((exit) => exit({ exitCode: 0 })),
      pause: () => undefined,
      resume: () => undefined,
      onData: () => ({ dispose: () => undefined }),
      onExit: (l: (e: { exitCode: number }) => void) => (exits.push(l), { dispose: () => undefined }),
    };
    studio = createStudioWithParts({
      databaseFile: ':memory:',
      teamCwd: repo,
      watchTree: null,
      terminals: { spawnPty: () => pty, hookCommand: 'true' },
    });
    const s = studio;
    const { agent } = await s.service.addAgent({
      name: 'bob',
      cwd: repo,
      worktree: {},
      profile: { kind: 'command', command: 'sh', args: [] },
    });
    const wt = agent.workspace!.path;
    const task = await s.service.createTask({ title: 'Old one', assignee: 'bob' });
    // As an older studio left them: ccstudio/bob, and the task on task/1-old-one with work on it.
    gitIn(wt, 'switch', '-q', 'ccstudio/bob/work');
    gitIn(repo, 'branch', '-D', '-q', task.branch!);
    gitIn(wt, 'branch', '-m', 'ccstudio/bob/work', 'ccstudio/bob');
    gitIn(wt, 'switch', '-q', '-c', 'task/1-old-one');
    const work = commitFiles(wt, { 'w.txt': 'w\n' }, 'work on the old task');
    writeFiles(wt, { 'wip.txt': 'not committed\n' });
    s.agents.setWorkspace(agent.id, { ...agent.workspace!, branch: 'ccstudio/bob' });
    s.db.prepare('UPDATE tasks SET branch = ? WHERE id = ?').run('task/1-old-one', task.id);

    await s.sessions.startSettled('bob');
    expect(s.agents.require('bob').workspace!.branch).toBe('ccstudio/bob/work');
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/bob')).toBe('');
    const moved = await s.service.getTask(task.id);
    expect(moved.branch).toBe(`ccstudio/bob/task-${task.id}-old-one`);
    // The worktree went with its branch, uncommitted work and all; the commits are there.
    expect(gitIn(wt, 'branch', '--show-current')).toBe(moved.branch);
    expect(gitIn(repo, 'rev-parse', moved.branch!)).toBe(work);
    expect(readFileSync(join(wt, 'wip.txt'), 'utf8')).toBe('not committed\n');
    expect(moved.events.map((e) => e.note)).toContain(`its branch is now ${moved.branch}`);
  });

  it('are dispatched by an agent through the same path (the MCP tools use it)', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const { agent: boss } = await service.addAgent({ name: 'boss', commander: true });
    const task = await s.agentSide.tasks.create(boss, { title: 'Do it' });
    const moved = await s.agentSide.tasks.update(boss, { id: task.id, assignee: 'bob' });
    expect(moved.branch).toBe(`ccstudio/bob/task-${task.id}-do-it`);
  });
});

describe('review and merge', () => {
  it('merges one agent’s task cleanly and refuses the other’s conflict with its files named, the base holding exactly the first', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    await service.addAgent({ name: 'amy', cwd: repo, worktree: {} });
    const t1 = await service.createTask({ title: 'Bob edits', assignee: 'bob' });
    const t2 = await service.createTask({ title: 'Amy edits', assignee: 'amy' });
    const bob = s.agents.require('bob').workspace!.path;
    const amy = s.agents.require('amy').workspace!.path;
    const c1 = commitFiles(bob, { 'src/app.txt': 'one\nBOB\nthree\n' }, 'bob');
    commitFiles(amy, { 'src/app.txt': 'one\nAMY\nthree\n' }, 'amy');
    await service.updateTask({ id: t1.id, status: 'review' });
    await service.updateTask({ id: t2.id, status: 'review' });
    expect((await service.workDiff({ taskId: t1.id })).patch).toContain('+BOB');
    // The person has an unrelated change in their checkout: kept as it is.
    writeFileSync(join(repo, 'README.md'), 'my own edit\n');
    const before = gitIn(repo, 'rev-parse', 'main');
    const merged = await service.merge({ taskId: t1.id });
    expect(merged).toMatchObject({
      branch: t1.branch,
      into: 'main',
      mode: 'merge-commit',
      files: ['src/app.txt'],
      taskId: t1.id,
    });
    expect(gitIn(repo, 'rev-parse', 'main^1')).toBe(before);
    expect(gitIn(repo, 'rev-parse', 'main^2')).toBe(c1);
    expect(readFileSync(join(repo, 'src/app.txt'), 'utf8')).toBe('one\nBOB\nthree\n');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('my own edit\n');
    expect((await service.getTask(t1.id)).status).toBe('done');

    const head = gitIn(repo, 'rev-parse', 'main');
    await expect(service.merge({ taskId: t2.id })).rejects.toThrow(/conflicts with main in src\/app.txt/);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(head);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('M README.md');
    expect(readFileSync(join(repo, 'src/app.txt'), 'utf8')).toBe('one\nBOB\nthree\n');
    expect((await service.getTask(t2.id)).status).toBe('review');
    expect(gitIn(repo, 'diff', '--name-only', `${before}..main`)).toBe('src/app.txt');
  });

  it('says in the queue how big a task in review is, counted off its branch, and again when the branch moves', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await service.createTask({ title: 'Bob edits', assignee: 'bob' });
    const bob = s.agents.require('bob').workspace!.path;
    commitFiles(bob, { 'src/app.txt': 'one\nBOB\nthree\n', 'new.txt': 'a\nb\n' }, 'bob');
    await service.updateTask({ id: task.id, status: 'review' });
    const item = () => s.desk.items().find((i) => i.taskId === task.id);
    await waitFor('the size counted', () => item()?.changes);
    expect(item()).toMatchObject({ changes: { files: 2, added: 3, removed: 1 } });
    expect(item()!.detail.split('\n')).toEqual(['Bob edits', '2 files, +3 −1']);
    // The agent commits again while in review: its worktree's changes are read again (here as a
    // review opens) and announced, and the count follows.
    commitFiles(bob, { 'more.txt': 'c\n' }, 'bob more');
    await service.workDiff({ taskId: task.id });
    await waitFor('the new size', () => item()?.changes?.files === 3 || undefined);
    expect(item()!.changes).toEqual({ files: 3, added: 4, removed: 1 });
  });

  it('refuses uncommitted work, a local change the merge would touch, and an impossible fast-forward', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = s.agents.require('bob').workspace!.path;
    commitFiles(wt, { 'src/app.txt': 'one\nBOB\nthree\n' }, 'bob');
    writeFiles(wt, { 'wip.txt': 'x\n' });
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(/changes not committed in .* \(wip.txt\)/);
    gitIn(wt, 'add', 'wip.txt');
    gitIn(wt, 'commit', '-qm', 'wip');
    writeFileSync(join(repo, 'src/app.txt'), 'person edits\n');
    const head = gitIn(repo, 'rev-parse', 'main');
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(/merge would touch \(src\/app.txt\)/);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(head);
    expect(readFileSync(join(repo, 'src/app.txt'), 'utf8')).toBe('person edits\n');
    gitIn(repo, 'checkout', '--', 'src/app.txt');
    commitFiles(repo, { 'other.txt': 'x\n' }, 'base moves');
    await expect(service.merge({ agent: 'bob', mode: 'fast-forward' })).rejects.toThrow(
      /cannot fast-forward/,
    );
    // Into a branch nobody has checked out: its ref moves, compare-and-swap.
    gitIn(repo, 'branch', 'release', head);
    const r = await service.merge({ agent: 'bob', into: 'release', mode: 'fast-forward' });
    expect(gitIn(repo, 'rev-parse', 'release')).toBe(r.commit);
    expect(gitIn(repo, 'rev-parse', 'ccstudio/bob/work')).toBe(r.commit);
  });

  it('refuses to merge commits that came after the review', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = s.agents.require('bob').workspace!.path;
    commitFiles(wt, { 'a.txt': 'a\n' }, 'reviewed');
    const diff = await service.workDiff({ agent: 'bob' });
    expect(diff.head).toBe(gitIn(wt, 'rev-parse', 'HEAD'));
    commitFiles(wt, { 'b.txt': 'b\n' }, 'slipped in');
    await expect(service.merge({ agent: 'bob', reviewed: diff.head })).rejects.toThrow(
      /has new commits since you reviewed it/,
    );
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe('first');
    const again = await service.workDiff({ agent: 'bob' });
    await expect(service.merge({ agent: 'bob', reviewed: again.head })).resolves.toMatchObject({
      into: 'main',
    });
  });

  it('sends a task back with a note the agent gets as mail', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const t = await service.createTask({ title: 'Edit', assignee: 'bob' });
    await service.updateTask({ id: t.id, status: 'review' });
    const back = await service.sendBack({ taskId: t.id, note: 'Add a test.' });
    expect(back.status).toBe('in_progress');
    const mail = s.bus.inbox(s.agents.require('bob')).items.at(-1);
    expect(mail?.body).toMatch(/came back from review: Add a test\./);
  });
});

describe('a merge of a task’s branch, by any route', () => {
  it('finishes the task when its agent is merged: done, the merge in its history and the feed, its dispatcher told', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const { agent: boss } = await service.addAgent({ name: 'boss', commander: true });
    const task = await s.agentSide.tasks.create(boss, { title: 'Shout two', assignee: 'bob' });
    const wt = s.agents.require('bob').workspace!.path;
    expect(gitIn(wt, 'branch', '--show-current')).toBe(task.branch);
    commitFiles(wt, { 'src/app.txt': 'one\nTWO\nthree\n' }, 'shout');
    const events: StudioEvent[] = [];
    const sub = s.events.on((e) => events.push(e));

    const merged = await service.merge({ agent: 'bob' });
    sub.dispose();
    expect(merged).toMatchObject({ branch: task.branch, into: 'main', taskId: task.id });
    const note = `merged ${task.branch} into main (${merged.commit.slice(0, 10)}, merge commit)`;
    const done = await service.getTask(task.id);
    expect(done.status).toBe('done');
    expect(done.events.at(-1)).toMatchObject({
      kind: 'status',
      actor: 'user',
      fromStatus: 'assigned',
      toStatus: 'done',
      note,
    });
    // The feed's line, live and after a restart of the window.
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'task.updated', event: expect.objectContaining({ note }) }),
    );
    const history = await service.feedHistory({});
    expect(history.taskEvents.map((t) => t.event.note)).toContain(note);
    // The dispatcher hears of it as of any status change; the person's history names the task.
    expect(s.bus.inbox(boss).items.at(-1)?.body).toMatch(
      new RegExp(
        `^Task #${task.id} "Shout two": assigned → done by user\\.\\nNote: ${note.replace(/[()]/g, '\\$&')}`,
      ),
    );
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe(
      `Merge ${task.branch}: task #${task.id} (Shout two), worked by bob`,
    );

    // Merged again, by either route: said plainly, nothing changed.
    const head = gitIn(repo, 'rev-parse', 'main');
    const again = `Task #${task.id} is already merged into main and done.`;
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(again);
    await expect(service.merge({ taskId: task.id })).rejects.toThrow(again);
    expect(await service.previewMerge({ taskId: task.id })).toMatchObject({
      refusal: 'merged',
      text: again,
      taskId: task.id,
    });
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(head);
    expect((await service.getTask(task.id)).events.filter((e) => e.toStatus === 'done')).toHaveLength(1);
  });

  it('finishes it merged from its card too, and says so of a task whose branch has nothing main lacks', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await service.createTask({ title: 'Nothing yet', assignee: 'bob' });
    // A branch made from main and no commits on it: there is nothing to merge, and the task stays.
    await expect(service.merge({ taskId: task.id })).rejects.toThrow(
      `Nothing to merge: main already has everything on ${task.branch}; task #${task.id} stays assigned (mark it done if its work is already in main).`,
    );
    expect((await service.getTask(task.id)).status).toBe('assigned');
    commitFiles(s.agents.require('bob').workspace!.path, { 'n.txt': 'n\n' }, 'now');
    await service.updateTask({ id: task.id, status: 'review' });
    expect((await service.previewMerge({ taskId: task.id })).text).toBe(
      'Merges 1 commit (1 file) into main as a merge commit, and finishes task #' + task.id + '.',
    );
    const merged = await service.merge({ taskId: task.id, mode: 'fast-forward' });
    expect(merged.taskId).toBe(task.id);
    expect((await service.getTask(task.id)).events.at(-1)).toMatchObject({
      toStatus: 'done',
      note: `merged ${task.branch} into main (${merged.commit.slice(0, 10)}, fast-forward)`,
    });
    await expect(service.merge({ taskId: task.id })).rejects.toThrow(
      `Task #${task.id} is already merged into main and done.`,
    );
  });

  it('knows a task’s branch by the name the studio gives it, and the board confirms it', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await service.createTask({ title: 'Real', assignee: 'bob' });
    const wt = s.agents.require('bob').workspace!.path;
    // A branch that only looks like the task's (its number, made by hand): no task is touched.
    gitIn(wt, 'switch', '-q', '-c', `ccstudio/bob/task-${task.id}-fake`);
    commitFiles(wt, { 'f.txt': 'f\n' }, 'fake');
    const merged = await service.merge({ agent: 'bob' });
    expect(merged.taskId).toBeUndefined();
    expect((await service.getTask(task.id)).status).toBe('assigned');
  });
});

describe('what a merge will do, said before it is asked for', () => {
  /** The preview, then the merge itself with the same input: they must agree. */
  async function agree(
    service: StudioWithParts['service'],
    repo: string,
    input: Parameters<StudioWithParts['service']['merge']>[0],
  ) {
    const preview = await service.previewMerge(input);
    const before = gitIn(repo, 'rev-parse', 'main');
    const merged = await service.merge(input).catch((err: Error) => err);
    if (merged instanceof Error) {
      expect(preview.refusal, merged.message).not.toBeNull();
      expect(gitIn(repo, 'rev-parse', 'main')).toBe(before);
      // The same reason in both: "Will be refused: WHY. What to do." and "Not merged: WHY. ...".
      const why = preview.text.replace(/^Will be refused: /, '').split('. ')[0]!;
      expect(merged.message).toContain(why);
    } else {
      expect(preview.refusal, preview.text).toBeNull();
      expect(merged.files).toEqual(preview.files);
      expect(Number(gitIn(repo, 'rev-list', '--count', `${before}..${merged.commit}`))).toBe(
        preview.commits + (merged.mode === 'merge-commit' ? 1 : 0),
      );
    }
    return preview;
  }

  it('agrees with the merge in every case: uncommitted, commits since the review, fast-forward impossible, clean, nothing to merge, conflict, the checkout in the way', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    await service.addAgent({ name: 'amy', cwd: repo, worktree: {} });
    await service.addAgent({ name: 'cat', cwd: repo, worktree: {} });
    const bob = s.agents.require('bob').workspace!.path;
    const reviewed = commitFiles(bob, { 'src/app.txt': 'one\nBOB\nthree\n' }, 'bob');
    writeFiles(bob, { 'wip.txt': 'x\n' });

    let p = await agree(service, repo, { agent: 'bob' });
    expect(p).toMatchObject({ refusal: 'uncommitted', files: ['wip.txt'], commits: 0 });
    expect(p.text).toBe(
      `Will be refused: ccstudio/bob/work has changes not committed in ${bob}: 1 file (wip.txt). Have them committed (or send the task back), then merge.`,
    );

    gitIn(bob, 'add', 'wip.txt');
    gitIn(bob, 'commit', '-qm', 'wip');
    p = await agree(service, repo, { agent: 'bob', reviewed });
    expect(p.refusal).toBe('reviewed');
    expect(p.text).toBe(
      'Will be refused: ccstudio/bob/work has new commits since you reviewed it. Review it again, then merge.',
    );

    commitFiles(repo, { 'other.txt': 'o\n' }, 'main moves on');
    p = await agree(service, repo, { agent: 'bob', mode: 'fast-forward' });
    expect(p.refusal).toBe('fast-forward');
    expect(p.text).toBe(
      'Will be refused: main cannot fast-forward to ccstudio/bob/work: main has commits ccstudio/bob/work lacks. Merge with a merge commit instead.',
    );

    p = await agree(service, repo, { agent: 'bob' });
    expect(p).toMatchObject({ refusal: null, commits: 2, files: ['src/app.txt', 'wip.txt'] });
    expect(p.text).toBe('Merges 2 commits (2 files) into main as a merge commit.');

    p = await agree(service, repo, { agent: 'bob' });
    expect(p).toMatchObject({ refusal: 'merged', commits: 0 });
    expect(p.text).toBe('Nothing to merge: main already has everything on ccstudio/bob/work.');
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(p.text);

    const amy = s.agents.require('amy').workspace!.path;
    commitFiles(amy, { 'src/app.txt': 'one\nAMY\nthree\n' }, 'amy');
    p = await agree(service, repo, { agent: 'amy' });
    expect(p).toMatchObject({ refusal: 'conflict', files: ['src/app.txt'] });
    expect(p.text).toBe(
      'Will be refused: ccstudio/amy/work conflicts with main in src/app.txt. Have ccstudio/amy/work brought up to date with main, then merge.',
    );
    // A fast-forward by the same checks: the base has moved on, so that is what it says.
    expect((await service.previewMerge({ agent: 'amy', mode: 'fast-forward' })).refusal).toBe('fast-forward');

    const cat = s.agents.require('cat').workspace!.path;
    commitFiles(cat, { 'c.txt': 'c\n' }, 'cat');
    writeFileSync(join(repo, 'c.txt'), 'the person’s own\n');
    p = await agree(service, repo, { agent: 'cat' });
    expect(p).toMatchObject({ refusal: 'checkout', files: ['c.txt'] });
    expect(p.text).toMatch(
      /^Will be refused: .* has main checked out with changes not committed that the merge would touch \(c.txt\)\. Commit or stash them there, then merge\.$/,
    );
    expect(readFileSync(join(repo, 'c.txt'), 'utf8')).toBe('the person’s own\n');

    // What a merge could not even start on is an error, as the merge's own, and lands nothing.
    await expect(service.previewMerge({ agent: 'cat', taskId: 1 })).rejects.toThrow(
      'Merge either an agent (agent) or a task (taskId).',
    );
    await expect(service.previewMerge({ agent: 'cat', into: 'nope' })).rejects.toThrow(
      'There is no branch nope.',
    );
    await expect(service.previewMerge({ agent: 'nobody' })).rejects.toThrow(/nobody/);
  });

  it('lists the files of a live diff that are not committed, and which of them commits change too', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const bob = s.agents.require('bob').workspace!.path;
    commitFiles(bob, { 'src/app.txt': 'one\nBOB\nthree\n', 'done.txt': 'd\n' }, 'bob');
    writeFiles(bob, { 'src/app.txt': 'one\nBOB\nthree\nfour\n', 'new.txt': 'n\n' });
    const diff = await service.workDiff({ agent: 'bob' });
    expect(diff.includesUncommitted).toBe(true);
    expect(diff.uncommittedFiles).toEqual([
      { path: 'src/app.txt', committedToo: true },
      { path: 'new.txt', committedToo: false },
    ]);
    // A branch's commits alone (not checked out there) have nothing uncommitted to list.
    const task = await service.createTask({ title: 'Later', assignee: 'bob' });
    expect((await service.workDiff({ taskId: task.id })).uncommittedFiles).toEqual([]);
  });
});

describe('pull requests', () => {
  /** A studio whose GitHub CLI is `answer` (no forge is reachable from tests), recording its calls. */
  function withGh(answer: (args: string[]) => string) {
    const root = tempDir('ccstudio-ws-pr-');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'x\n' });
    const calls: string[][] = [];
    studio = createStudioWithParts({
      databaseFile: ':memory:',
      teamCwd: repo,
      watchTree: null,
      gh: async (_cwd, args) => {
        calls.push(args);
        return answer(args);
      },
    });
    /** A bare repository stands in for the forge's: pushes to it are real. */
    const addForge = () => {
      const forge = join(root, 'forge.git');
      gitIn(root, 'init', '--quiet', '--bare', forge);
      gitIn(repo, 'remote', 'add', 'origin', forge);
      return forge;
    };
    return { repo, calls, addForge, studio };
  }

  it('says what is missing: a remote to push to, then the GitHub CLI; a forge is not reachable from tests', async () => {
    const { repo, calls, addForge, studio } = withGh(() => {
      throw new Error('gh is not installed here');
    });
    const { agent } = await studio.service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    commitFiles(agent.workspace!.path, { 'a.txt': 'a\n' }, 'a');
    // The review knows before the button is pressed: no remote, no pull request to offer.
    expect((await studio.service.workDiff({ agent: 'bob' })).remote).toBeNull();
    await expect(studio.service.openPullRequest({ agent: 'bob' })).rejects.toThrow(
      /has no remote to push ccstudio\/bob\/work to/,
    );
    // A remote of another name is the one pushed to; origin, once there, is preferred.
    gitIn(repo, 'remote', 'add', 'upstream', join(repo, '..', 'elsewhere.git'));
    expect((await studio.service.workDiff({ agent: 'bob' })).remote).toBe('upstream');
    addForge();
    expect((await studio.service.workDiff({ agent: 'bob' })).remote).toBe('origin');
    await expect(studio.service.openPullRequest({ agent: 'bob' })).rejects.toThrow(
      /gh is not installed here/,
    );
    expect(calls).toEqual([['--version']]);
  });

  it('pushes the task branch to the remote (a bare repository here) and asks gh for the pull request', async () => {
    const { repo, calls, addForge, studio } = withGh((args) =>
      args[0] === 'pr' ? 'Creating pull request\nhttps://github.example/o/r/pull/7\n' : 'gh version 2',
    );
    const forge = addForge();
    await studio.service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await studio.service.createTask({ title: 'Ship it', body: 'The details.', assignee: 'bob' });
    commitFiles(studio.agents.require('bob').workspace!.path, { 'a.txt': 'a\n' }, 'ship');
    expect(await studio.service.openPullRequest({ taskId: task.id })).toBe(
      'https://github.example/o/r/pull/7',
    );
    expect(gitIn(forge, 'log', '-1', '--format=%s', task.branch!)).toBe('ship');
    expect(calls.at(-1)).toEqual([
      'pr',
      'create',
      '--base',
      'main',
      '--head',
      task.branch,
      '--title',
      `#${task.id} Ship it`,
      '--body',
      `Task #${task.id}, worked by bob in Claude Code Studio. The task as written on the board (agents' text, shown as it is):\n\n` +
        "    The details.\n\nOpened from Claude Code Studio on the person's word.",
    ]);
  });

  it("keeps agents' text in a pull request from forging trailers, mentions or issue links", async () => {
    const { repo, calls, addForge, studio } = withGh((args) =>
      args[0] === 'pr' ? 'https://github.example/o/r/pull/8\n' : 'gh version 2',
    );
    addForge();
    await studio.service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const bob = studio.agents.require('bob');
    const task = await studio.agentSide.tasks.create(bob, {
      title: 'Ship\n\nSigned-off-by: Evil <e@x>',
      body: 'Looks fine.\r\n\nFixes #1, cc @everyone ![x](https://evil.example/p.png)\n\nSigned-off-by: Evil <e@x>\nCo-authored-by: Evil <e@x>',
      assignee: 'bob',
    });
    commitFiles(bob.workspace!.path, { 'a.txt': 'a\n' }, 'ship');
    await studio.service.openPullRequest({ taskId: task.id });
    const args = calls.at(-1)!;
    const title = args[args.indexOf('--title') + 1]!;
    const body = args[args.indexOf('--body') + 1]!;
    expect(title).toBe(`#${task.id} Ship Signed-off-by: Evil <e@x>`);
    // Every line of the agent's text is indented: a code block on GitHub, no trailer to git.
    const agentLines = body.split('\n').filter((l) => /Looks fine|Fixes|Signed-off|Co-authored/.test(l));
    expect(agentLines).toHaveLength(4);
    for (const line of agentLines) expect(line).toMatch(/^ {4}\S/);
    expect(body).not.toContain('\r');
    expect(body.endsWith("\n\nOpened from Claude Code Studio on the person's word.")).toBe(true);
    // As GitHub's squash merge would write it: title, then the description.
    for (const message of [body, `${title}\n\n${body}`])
      expect(
        execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' }),
      ).toBe('');
  });
});

describe('what an agent cannot make the studio do', () => {
  it('reads the worktree through the git dir it recorded, never through the .git file the agent can rewrite', async () => {
    const { root, repo, service } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = agent.workspace!.path;
    // A repository of the agent's making, whose config runs a program on every diff.
    const evil = makeRepo(join(root, 'evil'), { 'README.md': 'hello\n', '.gitattributes': '* filter=x\n' });
    const marker = join(root, 'ran');
    gitIn(evil, 'config', 'filter.x.clean', `sh -c 'touch ${marker}; cat'`);
    writeFileSync(join(wt, '.git'), `gitdir: ${join(evil, '.git')}\n`);
    writeFiles(wt, { 'README.md': 'changed\n', '.gitattributes': '* filter=x\n' });
    const changes = await service.agentChanges('bob');
    expect(changes.branch).toBe('ccstudio/bob/work');
    expect(changes.files.map((f) => f.path)).toContain('README.md');
    await service.workDiff({ agent: 'bob' });
    expect(existsSync(marker)).toBe(false);
  });

  it("never lets a task's title forge a trailer or a second subject line in the person's history", async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    await service.addAgent({ name: 'amy', cwd: repo, worktree: {} });
    // Agents write the titles: a signature on its own paragraph, and one before git's "---" divider
    // (interpret-trailers stops reading there, so the paragraph above it is taken as the trailers).
    const titles = {
      bob: 'x\n\nSigned-off-by: Evil <e@x>',
      amy: 'y\n\nCo-authored-by: Evil <e@x>\nSigned-off-by: Evil <e@x>\n---\nz',
    };
    for (const [name, title] of Object.entries(titles)) {
      const agent = s.agents.require(name);
      const task = await s.agentSide.tasks.create(agent, { title, assignee: name });
      commitFiles(agent.workspace!.path, { [`${name}.txt`]: `${name}\n` }, `${name}'s work`);
      await s.agentSide.tasks.update(agent, { id: task.id, status: 'review' });
      const merged = await service.merge({ taskId: task.id });
      const message = gitIn(repo, 'log', '-1', '--format=%B', merged.commit);
      const oneLine = title.replace(/\s+/g, ' ').trim();
      expect(message.split('\n')).toEqual([
        `Merge ${task.branch}: task #${task.id} (${oneLine}), worked by ${name}`,
        '',
        "Merged by Claude Code Studio on the person's word.",
      ]);
      expect(gitIn(repo, 'log', '-1', '--format=%s', merged.commit)).toBe(message.split('\n')[0]);
      expect(
        execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' }),
      ).toBe('');
      expect(gitIn(repo, 'log', '-1', '--format=%(trailers)', merged.commit)).toBe('');
    }
    // A title past the subject's length is cut, still one line.
    const title = `${'word '.repeat(30)}\nSigned-off-by: Evil <e@x>`;
    const long = await s.agentSide.tasks.create(s.agents.require('bob'), { title, assignee: 'bob' });
    commitFiles(s.agents.require('bob').workspace!.path, { 'long.txt': 'l\n' }, 'long');
    const merged = await service.merge({ taskId: long.id });
    const cut = `${'word '.repeat(30).slice(0, SUBJECT_TITLE_CHARS - 1)}…`;
    expect(gitIn(repo, 'log', '-1', '--format=%B', merged.commit).split('\n')[0]).toBe(
      `Merge ${long.branch}: task #${long.id} (${cut}), worked by bob`,
    );
  });

  it('runs git only in worktrees it knows: a forged entry under .git/worktrees holding the base is refused', async () => {
    const { root, repo, service } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    commitFiles(agent.workspace!.path, { 'a.txt': 'a\n' }, 'work');
    gitIn(repo, 'switch', '-q', '-c', 'elsewhere');
    // What a sandboxed agent could write: a worktree entry saying main is checked out in a folder
    // of its own, with a hook there.
    const evil = join(root, 'evil');
    const admin = join(repo, '.git', 'worktrees', 'evil');
    writeFiles(admin, {
      gitdir: `${join(evil, '.git')}\n`,
      HEAD: 'ref: refs/heads/main\n',
      commondir: '../..\n',
    });
    writeFiles(evil, { '.git': `gitdir: ${admin}\n` });
    const before = gitIn(repo, 'rev-parse', 'main');
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(/a worktree the studio did not make/);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(before);
  });

  it('runs no git in a checkout whose .git has a planted commondir, and says so naming it', async () => {
    const { root, repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    // The attack: a config and hooks of the agent's own beside links to the real objects
    // and refs, then .git/commondir pointing git at them.
    const marker = join(root, 'ran');
    const evil = join(repo, '.git', 'x');
    writeFiles(evil, {
      config: `[core]\n\trepositoryformatversion = 0\n\thooksPath = ${join(evil, 'hooks')}\n\tfsmonitor = ${join(evil, 'hooks', 'fsmon')}\n`,
      'hooks/reference-transaction': `#!/bin/sh\ntouch ${marker}\n`,
      'hooks/post-checkout': `#!/bin/sh\ntouch ${marker}\n`,
      'hooks/fsmon': `#!/bin/sh\ntouch ${marker}\n`,
    });
    for (const hook of ['reference-transaction', 'post-checkout', 'fsmon'])
      execFileSync('chmod', ['+x', join(evil, 'hooks', hook)]);
    for (const part of ['objects', 'refs', 'HEAD', 'worktrees'])
      symlinkSync(join(repo, '.git', part), join(evil, part));
    writeFileSync(join(repo, '.git', 'commondir'), 'x\n');
    const planted = new RegExp(`${join(repo, '.git', 'commondir')} exists, where git never writes one`);
    // A task for a worktree agent makes its branch with git in the person's checkout.
    const task = await service.createTask({ title: 'x', assignee: 'bob' });
    expect(task.branch).toBeNull();
    const bob = s.agents.require('bob');
    expect(s.bus.inbox(bob).items.find((m) => m.taskId === task.id)?.body).toMatch(planted);
    await expect(service.addAgent({ name: 'amy', cwd: repo, worktree: {} })).rejects.toThrow(planted);
    await expect(service.merge({ agent: 'bob' })).rejects.toThrow(planted);
    await expect(service.agentChanges('bob')).rejects.toThrow(planted);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs none of the repository’s hooks for its own git: making worktrees and task branches, merging', async () => {
    const { root, repo, service, studio: s } = setup();
    const marker = join(root, 'hook-ran');
    for (const hook of ['post-checkout', 'reference-transaction', 'post-merge']) {
      writeFiles(join(repo, '.git', 'hooks'), { [hook]: `#!/bin/sh\necho ${hook} >> ${marker}\n` });
      execFileSync('chmod', ['+x', join(repo, '.git', 'hooks', hook)]);
    }
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const task = await service.createTask({ title: 'Hooks', assignee: 'bob' });
    // The agent's own commit, with hooks off so that only the studio's git is on trial.
    const wt = s.agents.require('bob').workspace!.path;
    writeFiles(wt, { 'h.txt': 'h\n' });
    gitIn(wt, 'add', 'h.txt');
    gitIn(wt, '-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'work');
    await service.updateTask({ id: task.id, status: 'review' });
    await service.merge({ taskId: task.id });
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
  });

  it('never hangs on a FIFO or follows a symlink among untracked files', async () => {
    const { root, repo, service } = setup();
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = agent.workspace!.path;
    execFileSync('mkfifo', [join(wt, 'pipe')]);
    writeFileSync(join(root, 'secret.txt'), 'the key\n');
    symlinkSync(join(root, 'secret.txt'), join(wt, 'link.txt'));
    symlinkSync(join(wt, 'pipe'), join(wt, 'pipe-link'));
    const changes = await service.agentChanges('bob');
    // git lists the links (not the FIFO itself); neither is opened through.
    expect(changes.files.map((f) => f.path).sort()).toEqual(['link.txt', 'pipe-link']);
    expect(changes.uncommitted.added).toBe(0);
    expect((await service.workDiff({ agent: 'bob' })).patch).not.toContain('the key');
  });

  it('never overwrites an ignored file in the person’s checkout, and keeps a worktree out of the repository', async () => {
    const { repo, service } = setup({ 'README.md': 'x\n', '.gitignore': 'local.cfg\n' });
    writeFileSync(join(repo, 'local.cfg'), 'mine\n');
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    writeFileSync(join(agent.workspace!.path, 'local.cfg'), 'the agent’s\n');
    gitIn(agent.workspace!.path, 'add', '-f', 'local.cfg');
    gitIn(agent.workspace!.path, 'commit', '-qm', 'force-add');
    // Found by the merge's own checks (so a preview says it too), before git's own refusal.
    await expect(service.merge({ agent: 'bob', mode: 'fast-forward' })).rejects.toThrow(
      /has main checked out with ignored files the merge would overwrite \(local.cfg\)/,
    );
    expect(readFileSync(join(repo, 'local.cfg'), 'utf8')).toBe('mine\n');
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe('first');
    await expect(
      service.addAgent({ name: 'cat', cwd: repo, worktree: { parent: join(repo, 'trees') } }),
    ).rejects.toThrow(/inside the repository's own folder/);
  });

  it('takes the names of the files a merge changes literally when it looks for what is in their way', async () => {
    const { repo, service } = setup({ 'README.md': 'x\n', '.gitignore': '*.log\n' });
    writeFileSync(join(repo, 'mine.log'), 'the person’s log\n');
    const { agent } = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    // A file named "*.log": as a pattern it would name the person's ignored mine.log.
    writeFileSync(join(agent.workspace!.path, '*.log'), 'odd name\n');
    gitIn(agent.workspace!.path, 'add', '-f', '*.log');
    gitIn(agent.workspace!.path, 'commit', '-qm', 'odd');
    expect(await service.previewMerge({ agent: 'bob' })).toMatchObject({ refusal: null, files: ['*.log'] });
    await service.merge({ agent: 'bob' });
    expect(readFileSync(join(repo, 'mine.log'), 'utf8')).toBe('the person’s log\n');
    expect(readFileSync(join(repo, '*.log'), 'utf8')).toBe('odd name\n');
  });

  it('two adds of one name at once leave the first agent its worktree', async () => {
    const { repo, service, studio: s } = setup();
    const results = await Promise.allSettled([
      service.addAgent({ name: 'bob', cwd: repo, worktree: {} }),
      service.addAgent({ name: 'bob', cwd: repo, worktree: {} }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(existsSync(s.agents.require('bob').workspace!.path)).toBe(true);
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/bob/work')).toContain('ccstudio/bob/work');
  });
});

describe('removing a worktree agent', () => {
  it('refuses to remove a worktree with uncommitted or unmerged work, naming the files; keeps it by default', async () => {
    const { repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = s.agents.require('bob').workspace!.path;
    writeFiles(wt, { 'wip.txt': 'x\n' });
    await expect(service.removeAgent('bob', { removeWorktree: true })).rejects.toThrow(
      /not committed \(wip.txt\)/,
    );
    gitIn(wt, 'add', '-A');
    gitIn(wt, 'commit', '-qm', 'wip');
    await expect(service.removeAgent('bob', { removeWorktree: true })).rejects.toThrow(
      /ccstudio\/bob\/work has commits not merged into main \(wip.txt\)/,
    );
    expect(existsSync(wt)).toBe(true);
    // Kept: removed from the studio, its worktree and branch stay, and a new bob takes them up.
    await service.removeAgent('bob');
    expect(existsSync(join(wt, 'wip.txt'))).toBe(true);
    const again = await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    expect(again.agent.workspace?.path).toBe(wt);
    await service.merge({ agent: 'bob' });
    await service.removeAgent('bob', { removeWorktree: true });
    expect(existsSync(wt)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/bob/work')).toBe('');
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('counts an empty commit as work, and keeps a merged branch another worktree has checked out', async () => {
    const { root, repo, service, studio: s } = setup();
    await service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
    const wt = s.agents.require('bob').workspace!.path;
    gitIn(wt, 'commit', '-q', '--allow-empty', '-m', 'a thought');
    await expect(service.removeAgent('bob', { removeWorktree: true })).rejects.toThrow(
      /not merged into main \(1 commit\)/,
    );
    await service.merge({ agent: 'bob' });
    // The person tries the agent's task branch in a checkout of their own.
    const t = await service.createTask({ title: 'Try', assignee: 'bob' });
    gitIn(repo, 'worktree', 'add', '-q', join(root, 'person-tree'), 'ccstudio/bob/work');
    void t;
    await expect(service.removeAgent('bob', { removeWorktree: true })).resolves.toBeUndefined();
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/bob/work')).toContain('ccstudio/bob/work');
  });

  it('says a plain-folder agent has no worktree to compare, merge or remove', async () => {
    const { repo, service } = setup();
    await service.addAgent({ name: 'pat', cwd: repo });
    await expect(service.agentChanges('pat')).rejects.toThrow(/plain folder/);
    await expect(service.merge({ agent: 'pat' })).rejects.toThrow(/plain folder/);
    await expect(service.removeAgent('pat', { removeWorktree: true })).rejects.toThrow(/no worktree/);
  });
});

describe('refreshing the changes', () => {
  /** Workspaces on the fake clock with one worktree agent (bob, id 7) and the given git. */
  function onFakeClock(git: Git) {
    const clock = new FakeClock();
    const events = new Emitter<StudioEvent>(silentLogger);
    const agent = makeAgent({
      id: 7,
      name: 'bob',
      workspace: {
        repo: '/r',
        path: tempDir('ccstudio-ws-clock-'),
        branch: 'ccstudio/bob/work',
        base: 'main',
        gitDir: '/r/.git/worktrees/bob',
      },
    });
    const ws = new Workspaces({
      local: localPlace(git, systemGh),
      events,
      agents: {
        list: () => [agent],
        getById: (id) => (id === 7 ? agent : undefined),
        require: () => agent,
        setWorkspace: () => agent,
      },
      clock,
      logger: silentLogger,
    });
    return { clock, events, ws };
  }

  it('never holds a window’s first load for long: changes not read in 300 ms come later as events', async () => {
    // git that never answers: a huge repository on a slow disk.
    const { clock, ws } = onFakeClock(() => new Promise(() => undefined));
    const load = ws.all();
    clock.advance(300);
    expect(await load).toEqual([]);
    // dispose waits for reads in flight; this one never ends, so the test does not wait for it.
    void ws.dispose();
  });

  it('waits for a quiet second, yet reads at least every 5 s while files keep changing', async () => {
    let reads = 0;
    // Each read "fails" differently, so each one is announced: the count of announcements is the reads.
    const { clock, events, ws } = onFakeClock(async () => {
      reads++;
      throw new Error(`read ${reads}`);
    });
    const announced: string[] = [];
    events.on((e) => {
      if (e.type === 'workspace.changed') announced.push(e.changes.error ?? '');
    });
    try {
      ws.schedule(7);
      clock.advance(900);
      ws.schedule(7);
      clock.advance(900);
      await Promise.resolve();
      expect(reads).toBe(0);
      // A file written every 0.5 s: the read still comes 5 s after the first change.
      for (let t = 1800; t < 5000; t += 500) {
        ws.schedule(7);
        clock.advance(500);
      }
      await waitFor('the read', () => announced.length > 0);
      expect(clock.now() - 1_700_000_000_000).toBeLessThanOrEqual(5300);
      ws.schedule(7);
      clock.advance(1000);
      await waitFor('the next read', () => announced.length > 1);
    } finally {
      await ws.dispose();
    }
  });
});
