// Worktree agents on another machine: git runs there, over the host's SSH connection, on a
// repository owned by the remote account (a real sshd on loopback, the system's git on "both
// machines"), with the fake agent standing in for Claude Code. The test plays the agent's part
// in its worktree as the remote user: edits, commits, a planted FIFO and symlink.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { FAKE_AGENT, startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { skipTitle } from '../../../support/skipReason.js';
import {
  installFakeClaude,
  REMOTE_ALIAS,
  REMOTE_USER,
  sshdMissingReason,
  startSshd,
  type Sshd,
} from '../../../support/sshd.js';
import { waitFor } from '../../../support/waitFor.js';

const SUITE = skipTitle('worktree agents on another machine over SSH (fake agent)', sshdMissingReason);

/** Who commits on the remote in these tests (its account has no git identity of its own). */
const WHO = ['-c', 'user.name=Remote Agent', '-c', 'user.email=agent@remote.test'];

describe.skipIf(sshdMissingReason)(SUITE, () => {
  let sshd: Sshd;
  let remoteClaude: string;
  let fs: FakeAgentStudio | undefined;
  let repoCount = 0;

  beforeAll(async () => {
    // A folder of the remote's own first on its PATH: where a test puts a fake GitHub CLI there.
    sshd = await startSshd((remote) => ({ PATH: `${remote.dir}/bin:/usr/local/bin:/usr/bin:/bin` }));
    sshd.asRemote(['mkdir', join(sshd.remoteDir, 'bin')]);
    remoteClaude = installFakeClaude(sshd, FAKE_AGENT);
  });
  afterEach(async () => {
    await fs?.close();
    fs = undefined;
  });
  afterAll(async () => {
    await sshd?.close();
  });

  /** Runs git as the remote account in a folder there. */
  const gitThere = (cwd: string, ...args: string[]) =>
    sshd.asRemote(['git', '-C', cwd, ...WHO, ...args]).trim();
  /** Writes a file there as the remote account (so it is its own, as the agent's edits are). */
  const writeThere = (path: string, text: string) =>
    sshd.asRemote(['sh', '-c', 'mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', 'write', path, text]);

  /** A repository on the remote, owned by its account, on main with one commit. */
  const remoteRepo = (files: Record<string, string>): string => {
    const repo = join(sshd.remoteDir, `repo${++repoCount}`);
    sshd.asRemote(['mkdir', repo]);
    gitThere(repo, 'init', '--quiet', '--initial-branch=main');
    for (const [p, text] of Object.entries(files)) writeThere(join(repo, p), text);
    gitThere(repo, 'add', '-A');
    gitThere(repo, 'commit', '--quiet', '-m', 'first');
    return repo;
  };

  const addWorktreeAgent = (
    s: FakeAgentStudio['studio'],
    name: string,
    repo: string,
    worktree: { base?: string; parent?: string } = {},
  ) =>
    s.service.addAgent({
      name,
      cwd: repo,
      ssh: { dest: REMOTE_ALIAS, command: remoteClaude },
      worktree,
    });

  it('makes the worktree there with git there, starts the agent in it, and reads its changes over the link', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const repo = remoteRepo({ 'src/app.txt': 'one\ntwo\nthree\n', 'README.md': 'hello\n' });
    const { agent } = await addWorktreeAgent(s, 'bob', repo);
    const path = join(sshd.remoteDir, `${repo.split('/').pop()}-worktrees`, 'bob');
    expect(agent.workspace).toMatchObject({ repo, path, branch: 'ccstudio/bob/work', base: 'main' });
    expect(agent.cwd).toBe(path);
    expect(agent.ssh?.dest).toBe(REMOTE_ALIAS);
    // Made by the remote account, on its branch; this machine has no such folder.
    expect(sshd.asRemote(['stat', '-c', '%U', path]).trim()).toBe('ccremote');
    expect(gitThere(path, 'branch', '--show-current')).toBe('ccstudio/bob/work');
    expect(gitThere(repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${path}`);

    await s.service.startAgent('bob');
    await waitFor('bob idle in its worktree there', () => s.agents.require('bob').state === 'idle');

    // The agent's work: a commit, an edit not committed, a new file, and two things planted to
    // trip a reader (a FIFO would hang one that opens it; a link would show ~/secret).
    writeThere(join(path, 'src/app.txt'), 'one\nTWO\nthree\n');
    gitThere(path, 'commit', '--quiet', '-am', 'shout two');
    writeThere(join(path, 'README.md'), 'hello\nworld\n');
    writeThere(join(path, 'notes/new.txt'), 'a\nb\nc\n');
    writeThere(join(sshd.remoteDir, 'secret'), 'do not show\n');
    sshd.asRemote(['ln', '-s', join(sshd.remoteDir, 'secret'), join(path, 'link.txt')]);
    sshd.asRemote(['mkfifo', join(path, 'pipe')]);
    sshd.asRemote(['ln', '-s', join(path, 'pipe'), join(path, 'pipe-link')]);

    const changes = await s.service.agentChanges('bob');
    expect(changes).toMatchObject({
      agent: 'bob',
      path,
      branch: 'ccstudio/bob/work',
      base: 'main',
      ahead: 1,
      behind: 0,
      committed: { files: 1, added: 1, removed: 1 },
    });
    const byPath = Object.fromEntries(changes.files.map((f) => [f.path, f]));
    expect(byPath['src/app.txt']).toMatchObject({
      status: 'modified',
      committed: true,
      added: 1,
      removed: 1,
    });
    expect(byPath['README.md']).toMatchObject({ status: 'modified', uncommitted: true, added: 1 });
    expect(byPath['notes/new.txt']).toMatchObject({ status: 'untracked', added: 3 });
    expect(byPath['link.txt']).toMatchObject({ status: 'untracked', added: 0 });
    // git lists the links (not the FIFO itself); neither is opened through.
    expect(byPath['pipe-link']).toMatchObject({ status: 'untracked', added: 0 });
    expect(byPath['pipe']).toBeUndefined();
    expect(changes.uncommitted).toEqual({ files: 4, added: 4, removed: 0 });

    const diff = await s.service.workDiff({ agent: 'bob' });
    expect(diff).toMatchObject({ branch: 'ccstudio/bob/work', base: 'main', includesUncommitted: true });
    expect(diff.patch).toContain('+TWO');
    expect(diff.patch).toContain('+world');
    expect(diff.patch).toContain('+++ b/notes/new.txt\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n');
    expect(diff.patch).not.toContain('do not show');
    expect(diff.head).toBe(gitThere(path, 'rev-parse', 'HEAD'));
  });

  it('announces changes at the end of a turn there (no file watching crosses SSH)', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const repo = remoteRepo({ 'a.txt': 'a\n' });
    const { agent } = await addWorktreeAgent(s, 'carol', repo);
    const path = agent.workspace!.path;
    await s.service.startAgent('carol');
    await waitFor('carol idle', () => s.agents.require('carol').state === 'idle');
    const seen: number[] = [];
    s.events.on((e: StudioEvent) => {
      if (e.type === 'workspace.changed' && e.agentId === agent.id) seen.push(e.changes.total.added);
    });
    writeThere(join(path, 'a.txt'), 'a\nb\n');
    // A turn: mail wakes it, it works for a moment and goes idle again.
    s.bus.send(s.agents.person, 'carol', 'go');
    await waitFor('the change announced after the turn', () => seen.includes(1), { timeoutMs: 20_000 });
  });

  it('dispatches a task onto its own branch there, merges it into main there, refuses a conflict, and removes the worktree', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const repo = remoteRepo({ 'src/app.txt': 'one\ntwo\nthree\n' });
    const { agent: dan } = await addWorktreeAgent(s, 'dan', repo);
    const { agent: eve } = await addWorktreeAgent(s, 'eve', repo);
    await Promise.all([s.service.startAgent('dan'), s.service.startAgent('eve')]);
    await waitFor('both idle', () => ['dan', 'eve'].every((n) => s.agents.require(n).state === 'idle'));

    const t1 = await s.service.createTask({ title: 'Shout two', assignee: 'dan' });
    const t2 = await s.service.createTask({ title: 'Whisper two', assignee: 'eve' });
    expect(t1.branch).toBe(`ccstudio/dan/task-${t1.id}-shout-two`);
    const danPath = dan.workspace!.path;
    const evePath = eve.workspace!.path;
    expect(gitThere(danPath, 'branch', '--show-current')).toBe(t1.branch);
    expect(gitThere(evePath, 'branch', '--show-current')).toBe(t2.branch);

    writeThere(join(danPath, 'src/app.txt'), 'one\nTWO\nthree\n');
    gitThere(danPath, 'commit', '--quiet', '-am', 'shout');
    writeThere(join(evePath, 'src/app.txt'), 'one\n(two)\nthree\n');
    gitThere(evePath, 'commit', '--quiet', '-am', 'whisper');

    const reviewed = await s.service.workDiff({ taskId: t1.id });
    const merged = await s.service.merge({ taskId: t1.id, reviewed: reviewed.head });
    expect(merged).toMatchObject({
      branch: t1.branch,
      into: 'main',
      mode: 'merge-commit',
      files: ['src/app.txt'],
    });
    expect(gitThere(repo, 'rev-parse', 'main')).toBe(merged.commit);
    // main is checked out in the person's folder there: git's own fast-forward updated it.
    expect(gitThere(repo, 'show', 'main:src/app.txt')).toBe('one\nTWO\nthree');
    expect(gitThere(repo, 'status', '--porcelain')).toBe('');
    expect(s.board.get(t1.id).status).toBe('done');

    await expect(s.service.merge({ taskId: t2.id })).rejects.toThrow(
      new RegExp(`Not merged: ${t2.branch} conflicts with main in src/app\\.txt`),
    );
    expect(gitThere(repo, 'rev-parse', 'main')).toBe(merged.commit);

    // Removing eve's worktree would lose its unmerged commit: refused, naming the file.
    await expect(s.service.removeAgent('eve', { removeWorktree: true })).rejects.toThrow(
      /has commits not merged into main \(src\/app\.txt\)/,
    );
    expect(s.agents.get('eve')).toBeDefined();
    // Dan's is merged: it goes, with its branches, on the remote.
    await s.service.removeAgent('dan', { removeWorktree: true });
    expect(sshd.asRemote(['sh', '-c', `test -e '${danPath}' && echo there || echo gone`]).trim()).toBe(
      'gone',
    );
    expect(gitThere(repo, 'branch', '--list', t1.branch!, 'ccstudio/dan')).toBe('');
  });

  it("runs a task's check on the agent's machine, as its account, in its worktree; a failure there refuses the merge, a fix there passes and merges", async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const repo = remoteRepo({ 'src/app.txt': 'one\ntwo\nthree\n' });
    const { agent: kim } = await addWorktreeAgent(s, 'kim', repo);
    await s.service.startAgent('kim');
    await waitFor('kim idle', () => s.agents.require('kim').state === 'idle');
    // The check reads the file the branch changes, and says who and where it ran.
    const command = 'echo "ran as $(id -un) in $(pwd)"; grep -q TWO src/app.txt';
    await s.service.setCheck({ repo: `${REMOTE_ALIAS}:${repo}`, command });
    const task = await s.service.createTask({ title: 'Shout two', assignee: 'kim' });
    const path = kim.workspace!.path;
    writeThere(join(path, 'src/app.txt'), 'one\ntwo\nthree\n!\n');
    gitThere(path, 'commit', '--quiet', '-am', 'not yet');
    await s.service.updateTask({ id: task.id, status: 'review' });
    const failed = await waitFor('the check to fail there', async () => {
      const c = await s.service.taskChecks({ taskId: task.id });
      return c.state === 'failed' ? c : undefined;
    });
    expect(failed.run?.exitCode).toBe(1);
    expect(failed.run?.tail).toEqual([`ran as ${REMOTE_USER} in ${path}`]);
    await expect(s.service.merge({ taskId: task.id })).rejects.toThrow(/check/i);
    expect(gitThere(repo, 'log', '--oneline', 'main').split('\n')).toHaveLength(1);

    // The agent fixes it while in review: the branch moved, the check runs again and passes.
    writeThere(join(path, 'src/app.txt'), 'one\nTWO\nthree\n');
    gitThere(path, 'commit', '--quiet', '-am', 'shout');
    const passed = await waitFor('the check to pass there', async () => {
      const c = await s.service.taskChecks({ taskId: task.id, run: true });
      return c.state === 'passed' ? c : undefined;
    });
    expect(passed.run?.head).toBe(gitThere(path, 'rev-parse', 'HEAD'));
    const merged = await s.service.merge({ taskId: task.id });
    expect(gitThere(repo, 'show', `${merged.commit}:src/app.txt`)).toBe('one\nTWO\nthree');
  });

  it('says what is wrong on the other machine, and makes nothing, for a folder that is no repository or a relative location', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const plain = join(sshd.remoteDir, 'plain');
    sshd.asRemote(['mkdir', plain]);
    await expect(addWorktreeAgent(s, 'finn', plain)).rejects.toThrow(
      `${plain} on ${REMOTE_ALIAS} is not inside a git repository`,
    );
    const repo = remoteRepo({ 'a.txt': 'a\n' });
    await expect(addWorktreeAgent(s, 'finn', repo, { parent: 'trees' })).rejects.toThrow(
      /give a full path there \(or one starting with ~\/\)/,
    );
    await expect(addWorktreeAgent(s, 'finn', repo, { base: 'nope' })).rejects.toThrow(/has no branch "nope"/);
    await expect(
      s.service.addAgent({ name: 'finn', ssh: { dest: REMOTE_ALIAS }, worktree: {} }),
    ).rejects.toThrow(/Give the folder of the repository on studio-remote/);
    expect(s.agents.get('finn')).toBeUndefined();
    expect(gitThere(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    // A location under ~/ is the remote's HOME.
    const { agent } = await addWorktreeAgent(s, 'finn', repo, { parent: '~/trees' });
    expect(agent.workspace!.path).toBe(join(sshd.remoteDir, 'trees', 'finn'));
  });

  it('pushes a task branch from the machine the repository is on, and asks the GitHub CLI there for the pull request', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.sshCommand });
    const s = fs.studio;
    const repo = remoteRepo({ 'a.txt': 'a\n' });
    const { agent } = await addWorktreeAgent(s, 'hal', repo);
    const task = await s.service.createTask({ title: 'Ship it', body: 'The details.', assignee: 'hal' });
    const path = agent.workspace!.path;
    writeThere(join(path, 'b.txt'), 'b\n');
    gitThere(path, 'add', '-A');
    gitThere(path, 'commit', '--quiet', '-m', 'ship');
    await expect(s.service.openPullRequest({ taskId: task.id })).rejects.toThrow(
      new RegExp(`${repo} has no remote to push ${task.branch}`),
    );
    const forge = join(sshd.remoteDir, 'forge.git');
    gitThere(sshd.remoteDir, 'init', '--quiet', '--bare', forge);
    gitThere(repo, 'remote', 'add', 'origin', forge);
    await expect(s.service.openPullRequest({ taskId: task.id })).rejects.toThrow(
      'The GitHub CLI (gh) is not installed on studio-remote',
    );
    // Its gh: records what it was asked, and answers as gh does.
    const gh = join(sshd.remoteDir, 'bin', 'gh');
    writeThere(
      gh,
      '#!/bin/sh\n[ "$1" = --version ] && { echo "gh version 2"; exit 0; }\nprintf "%s\\n" "$@" > "$HOME/gh.args"\necho https://github.example/o/r/pull/7\n',
    );
    sshd.asRemote(['chmod', '+x', gh]);
    expect(await s.service.openPullRequest({ taskId: task.id })).toBe('https://github.example/o/r/pull/7');
    expect(gitThere(forge, 'log', '-1', '--format=%s', task.branch!)).toBe('ship');
    expect(
      sshd
        .asRemote(['cat', join(sshd.remoteDir, 'gh.args')])
        .split('\n')
        .slice(0, -1),
    ).toEqual([
      'pr',
      'create',
      '--base',
      'main',
      '--head',
      task.branch,
      '--title',
      `#${task.id} Ship it`,
      '--body',
      // The body's lines, as the script printed them: a body of several lines arrives whole.
      `Task #${task.id}, worked by hal in Claude Code Studio. The task as written on the board (agents' text, shown as it is):`,
      '',
      '    The details.',
      '',
      "Opened from Claude Code Studio on the person's word.",
    ]);
  });

  it('a host that cannot be reached makes no agent', async () => {
    fs = await startFakeAgentStudio({ sshCommand: sshd.wrongKeySsh });
    const s = fs.studio;
    const repo = remoteRepo({ 'a.txt': 'a\n' });
    await expect(addWorktreeAgent(s, 'gus', repo)).rejects.toThrow(/refused the login|Permission denied/);
    expect(s.agents.get('gus')).toBeUndefined();
    expect(gitThere(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});
