// Checks before merge against a real repository, the system's git and real processes: the check
// runs when a task reaches review, a failure keeps its tail and refuses the merge until it is
// forced, a branch that moves on makes the run stale, and a passing run lets the merge through.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskCheck } from '../../../../main/contract/checks.js';
import { CHECK_TAIL_LINES, localCheck, tailLines } from '../../../../main/core/checks/checkProcess.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { commitFiles, gitIn, makeRepo } from '../../../support/gitRepo.js';
import { tempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

let studio: StudioWithParts | undefined;
afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

/** Fails, printing why, unless the branch has ok.txt. */
const CHECK =
  'echo checking; for i in $(seq 1 60); do echo line $i; done; test -f ok.txt || { echo "ok.txt is missing" >&2; exit 3; }';

async function setup() {
  const root = realpathSync(tempDir('ccstudio-checks-'));
  const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
  studio = createStudioWithParts({ databaseFile: ':memory:', teamCwd: repo, watchTree: null });
  const s = studio;
  await s.service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
  const task = await s.service.createTask({ title: 'Add ok.txt', assignee: 'bob' });
  const wt = s.agents.require('bob').workspace!.path;
  const runs: TaskCheck[] = [];
  s.events.on((e) => {
    if (e.type === 'check.changed') runs.push(e.check);
  });
  return { root, repo, s, task, wt, runs };
}

describe('checks before merge', () => {
  it('runs when a task reaches review; a failure keeps its tail and refuses the merge until forced', async () => {
    const { repo, s, task, wt, runs } = await setup();
    await s.service.setCheck({ repo: join(repo, 'src', '..'), command: CHECK });
    expect((await s.service.checks()).repos).toEqual([{ repo, command: CHECK }]);
    commitFiles(wt, { 'a.txt': 'a\n' }, 'work without ok.txt');
    await s.service.updateTask({ id: task.id, status: 'review' });
    await waitFor('the check to fail', () => runs.find((r) => r.state === 'failed'));
    const status = await s.service.taskChecks({ taskId: task.id });
    expect(status).toMatchObject({ state: 'failed', command: CHECK, run: { exitCode: 3, timedOut: false } });
    expect(status.run!.head).toBe(gitIn(repo, 'rev-parse', task.branch!));
    expect(status.run!.tail).toHaveLength(CHECK_TAIL_LINES);
    expect(status.run!.tail.at(-1)).toBe('ok.txt is missing');
    expect(runs.map((r) => r.state)).toEqual(['running', 'failed']);
    // The queue's review item says so too, under the branch's size (counted beside the check).
    const review = await waitFor('the review counted', () =>
      s.desk.items().find((i) => i.kind === 'review' && i.taskId === task.id && i.changes),
    );
    expect(review.detail).toBe(`Add ok.txt\n1 file, +1 −0\ncheck failed (exit 3): ${CHECK}`);

    const base = gitIn(repo, 'rev-parse', 'main');
    await expect(s.service.merge({ taskId: task.id })).rejects.toThrow(
      /Task #\d+ is not merged: its check \(.*\) failed \(exit 3\)\.\n(.|\n)*ok\.txt is missing/,
    );
    // Merging the agent's branch by its name is the same merge: refused too.
    await expect(s.service.merge({ agent: 'bob' })).rejects.toThrow('is not merged: its check');
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(base);
    await expect(s.service.merge({ taskId: task.id, force: true })).resolves.toMatchObject({
      taskId: task.id,
    });
    expect((await s.service.getTask(task.id)).status).toBe('done');
  });

  it('is stale once the branch moves on; a run on the new commit that passes lets the merge through', async () => {
    const { repo, s, task, wt, runs } = await setup();
    await s.service.setCheck({ repo, command: CHECK });
    commitFiles(wt, { 'a.txt': 'a\n' }, 'first');
    await s.service.updateTask({ id: task.id, status: 'review' });
    await waitFor('the first run', () => runs.find((r) => r.state === 'failed'));
    commitFiles(wt, { 'ok.txt': 'ok\n' }, 'fix');
    expect((await s.service.taskChecks({ taskId: task.id })).state).toBe('stale');
    await expect(s.service.merge({ taskId: task.id })).rejects.toThrow('the branch moved on since its check');
    const again = await s.service.taskChecks({ taskId: task.id, run: true });
    expect(again).toMatchObject({ state: 'passed', run: { exitCode: 0 } });
    expect(again.run!.head).toBe(gitIn(repo, 'rev-parse', task.branch!));
    await expect(s.service.merge({ taskId: task.id })).resolves.toMatchObject({ taskId: task.id });
  });

  it('runs on the branch in a worktree of its own when the agent has moved on to other work', async () => {
    const { repo, s, task, wt, runs } = await setup();
    await s.service.setCheck({ repo, command: 'test -f ok.txt && pwd' });
    commitFiles(wt, { 'ok.txt': 'ok\n' }, 'done');
    gitIn(wt, 'switch', '-q', '-c', 'other-work', 'main');
    await s.service.updateTask({ id: task.id, status: 'review' });
    const run = await waitFor('the run', () =>
      runs.find((r) => r.state === 'passed' || r.state === 'failed'),
    );
    expect(run.state).toBe('passed');
    // Not in the agent's worktree (another branch there), never in the person's checkout.
    expect(run.tail.at(-1)).not.toBe(wt);
    expect(run.tail.at(-1)).not.toBe(repo);
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
  });

  it('merges a task with no check set as before, and refuses a check that never ran once one is', async () => {
    const { repo, s, task, wt } = await setup();
    commitFiles(wt, { 'a.txt': 'a\n' }, 'work');
    await s.service.updateTask({ id: task.id, status: 'in_progress' });
    await s.service.setCheck({ repo, command: 'true' });
    await expect(s.service.merge({ taskId: task.id })).rejects.toThrow('never ran on this branch');
    await s.service.setCheck({ repo, command: null });
    await expect(s.service.merge({ taskId: task.id })).resolves.toMatchObject({ taskId: task.id });
  });

  it('runs at the commit, not over uncommitted work, and counts a run of a changed command as stale', async () => {
    const { repo, s, task, wt, runs } = await setup();
    await s.service.setCheck({ repo, command: 'test -f ok.txt' });
    commitFiles(wt, { 'a.txt': 'a\n' }, 'work');
    // ok.txt only in the worktree, not committed: the commit that would merge lacks it.
    writeFileSync(join(wt, 'ok.txt'), 'not committed\n');
    await s.service.updateTask({ id: task.id, status: 'review' });
    await waitFor('the run', () => runs.find((r) => r.state === 'failed' || r.state === 'passed'));
    expect((await s.service.taskChecks({ taskId: task.id })).state).toBe('failed');
    await s.service.setCheck({ repo, command: 'true' });
    // Changing the command queues a run for it; until it lands, the old run says nothing now.
    const status = await s.service.taskChecks({ taskId: task.id });
    expect(['stale', 'queued', 'running', 'passed']).toContain(status.state);
    await waitFor('the new command to pass', async () =>
      (await s.service.taskChecks({ taskId: task.id })).state === 'passed' ? true : undefined,
    );
  });

  it('refuses a folder outside any repository, saying so', async () => {
    const { root, s } = await setup();
    await expect(s.service.setCheck({ repo: root, command: 'true' })).rejects.toThrow(
      'is not in a git repository',
    );
  });
});

describe('a check process', () => {
  it('stops a command past its time limit, all of its process group, and says so', async () => {
    const dir = tempDir('ccstudio-check-run-');
    const started = Date.now();
    const r = await localCheck(process.env)({
      cwd: dir,
      command: 'echo before; sleep 30 & sleep 30; echo never',
      timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r).toMatchObject({ timedOut: true, tail: ['before'] });
  });

  it('keeps the last lines without terminal escapes, and says when its folder is not there', async () => {
    expect(tailLines('a\n\u001b[31mred\u001b[0m\nprogress 10%\rprogress 100%\n\n')).toEqual([
      'a',
      'red',
      'progress 10%',
      'progress 100%',
    ]);
    const r = await localCheck(process.env)({ cwd: '/nonexistent/folder', command: 'true', timeoutMs: 1000 });
    expect(r.error).toContain('/nonexistent/folder is not there');
  });
});
