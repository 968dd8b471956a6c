// Worktree agents at the command line, with real `ccstudio` processes on a real repository and no
// studio running (the commands work on the studio's files): add with --worktree, changes, diff,
// merge, send back, and remove with --remove-worktree refused until the work is merged.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, trackProcesses } from '../../support/cliProcess.js';
import { commitFiles, GIT_TEST_ENV, gitIn, makeRepo, writeFiles } from '../../support/gitRepo.js';
import { tempDir } from '../../support/studioHarness.js';

const { dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

const env = { INIT_CWD: '/', DISPLAY: '', WAYLAND_DISPLAY: '', ...GIT_TEST_ENV };

describe('worktree agents at the command line', () => {
  it('adds one with its own worktree, shows its changes and diff, merges it, and removes it only once merged', async () => {
    const root = realpathSync(tempDir('ccstudio-cli-ws-'));
    dirs.push(root);
    const data = join(root, 'data');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n', 'src/app.txt': 'one\ntwo\n' });
    const cli = (...args: string[]) => runCli([...args, '--data', data], env);

    const misuse = await cli('agent', 'add', 'bob', '--cwd', repo, '--base', 'main');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--base and --worktree-dir go with --worktree.');

    const add = await cli('agent', 'add', 'bob', '--cwd', repo, '--worktree', '--command', 'bash');
    expect(add.code, add.stderr).toBe(0);
    const wt = join(root, 'project-worktrees', 'bob');
    expect(add.stdout).toContain(`Its worktree: ${wt}, on ccstudio/bob/work from main.`);

    commitFiles(wt, { 'src/app.txt': 'one\nTWO\n' }, 'bob edits');
    writeFiles(wt, { 'notes.txt': 'a\nb\n' });
    const changes = await cli('agent', 'changes', 'bob');
    expect(changes.stdout).toContain(`bob: ccstudio/bob/work against main (1 ahead, 0 behind) in ${wt}`);
    expect(changes.stdout).toMatch(/committed: +1 file +\+1 −1/);
    expect(changes.stdout).toMatch(/uncommitted: +1 file +\+2 −0/);
    expect(changes.stdout).toMatch(/M src\/app.txt +\+1 −1 +committed/);
    expect(changes.stdout).toMatch(/\? notes.txt +\+2 −0 +uncommitted/);
    const json = JSON.parse((await cli('agent', 'changes', 'bob', '--json')).stdout) as {
      total: { files: number };
    };
    expect(json.total.files).toBe(2);
    expect((await cli('agent', 'diff', 'bob')).stdout).toContain('+TWO');

    // What a merge would do is said before it is asked for, by the merge's own checks.
    const refusal = `Will be refused: ccstudio/bob/work has changes not committed in ${wt}: 1 file (notes.txt). Have them committed (or send the task back), then merge.`;
    expect(changes.stdout).toContain(`  merge: ${refusal}`);
    const dry = await cli('agent', 'merge', 'bob', '--ff', '--dry-run');
    expect([dry.code, dry.stdout.trim()]).toEqual([1, refusal]);
    // Uncommitted work refuses the merge, with the file named, and changes nothing.
    const refused = await cli('agent', 'merge', 'bob', '--ff');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('changes not committed');
    expect(refused.stderr).toContain('notes.txt');
    gitIn(wt, 'add', '-A');
    gitIn(wt, 'commit', '-qm', 'notes');

    const kept = await cli('agent', 'remove', 'bob', '--remove-worktree');
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(
      /ccstudio\/bob\/work has commits not merged into main \((src\/app.txt, notes.txt|notes.txt, src\/app.txt)\)/,
    );

    const willMerge = await cli('agent', 'merge', 'bob', '--ff', '--dry-run');
    expect([willMerge.code, willMerge.stdout.trim()]).toEqual([
      0,
      'Fast-forwards main by 2 commits (2 files).',
    ]);
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe('first');
    const merged = await cli('agent', 'merge', 'bob', '--ff');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(
      /^Merged ccstudio\/bob\/work into main \(fast-forward [0-9a-f]{10}\): 2 files changed\./,
    );
    expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe('notes');
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');

    const removed = await cli('agent', 'remove', 'bob', '--remove-worktree');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Its worktree and merged branches are gone.');
    expect(existsSync(wt)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'ccstudio/*')).toBe('');
  });

  it('dispatches a task onto a task branch, merges it by its id, and sends another back with a note', async () => {
    const root = realpathSync(tempDir('ccstudio-cli-ws-'));
    dirs.push(root);
    const data = join(root, 'data');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
    const cli = (...args: string[]) => runCli([...args, '--data', data], env);
    expect((await cli('agent', 'add', 'amy', '--cwd', repo, '--worktree', '--command', 'bash')).code).toBe(0);
    const made = await cli('task', 'add', 'Write', 'the', 'intro', '--to', 'amy', '--json');
    const task = JSON.parse(made.stdout) as { id: number; branch: string };
    expect(task.branch).toBe(`ccstudio/amy/task-${task.id}-write-the-intro`);
    expect((await cli('task', 'list')).stdout).toContain(`[${task.branch}]`);
    const wt = join(root, 'project-worktrees', 'amy');
    commitFiles(wt, { 'INTRO.md': 'Hi\n' }, 'intro');
    expect((await cli('task', 'diff', String(task.id))).stdout).toContain('+Hi');
    const merged = await cli('task', 'merge', String(task.id));
    expect(merged.stdout).toContain(`Merged ${task.branch} into main (merge commit`);
    expect(merged.stdout).toContain(`Task #${task.id} is done.`);
    expect(existsSync(join(repo, 'INTRO.md'))).toBe(true);

    const again = await cli('task', 'merge', String(task.id));
    expect([again.code, again.stderr.trim()]).toEqual([
      2,
      `ccstudio: Task #${task.id} is already merged into main and done.`,
    ]);

    const second = JSON.parse((await cli('task', 'add', 'More', '--to', 'amy', '--json')).stdout) as {
      id: number;
    };
    expect((await cli('task', 'back', String(second.id))).stderr).toContain(
      `Say what to change: a note (\`ccstudio task back ${second.id} --note TEXT\`)`,
    );
    const back = await cli('task', 'back', String(second.id), '--note', 'Shorter, please.');
    expect(back.stdout).toContain(
      `Task #${second.id} went back to amy (in_progress), with your note as mail.`,
    );
  });

  it('finishes a task when its agent is merged, and says so when it is merged again either way', async () => {
    const root = realpathSync(tempDir('ccstudio-cli-ws-'));
    dirs.push(root);
    const data = join(root, 'data');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
    const cli = (...args: string[]) => runCli([...args, '--data', data], env);
    expect((await cli('agent', 'add', 'amy', '--cwd', repo, '--worktree', '--command', 'bash')).code).toBe(0);
    const made = await cli('task', 'add', 'Write', 'the', 'intro', '--to', 'amy', '--json');
    const task = JSON.parse(made.stdout) as { id: number; branch: string };
    const wt = join(root, 'project-worktrees', 'amy');
    expect(gitIn(wt, 'branch', '--show-current')).toBe(task.branch);
    commitFiles(wt, { 'INTRO.md': 'Hi\n' }, 'intro');
    const dry = await cli('agent', 'merge', 'amy', '--dry-run');
    expect(dry.stdout.trim()).toBe(
      `Merges 1 commit (1 file) into main as a merge commit, and finishes task #${task.id}.`,
    );

    const merged = await cli('agent', 'merge', 'amy');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(
      new RegExp(
        `^Merged ${task.branch} into main \\(merge commit ([0-9a-f]{10})\\): 1 file changed\\. Task #${task.id} is done\\.`,
      ),
    );
    const commit = /merge commit ([0-9a-f]{10})/.exec(merged.stdout)![1]!;
    const shown = JSON.parse((await cli('task', 'show', String(task.id), '--json')).stdout) as {
      status: string;
      events: Array<{ actor: string; toStatus: string | null; note: string }>;
    };
    expect(shown.status).toBe('done');
    expect(shown.events.at(-1)).toMatchObject({
      toStatus: 'done',
      note: `merged ${task.branch} into main (${commit}, merge commit)`,
    });

    const done = `ccstudio: Task #${task.id} is already merged into main and done.`;
    for (const again of [
      ['agent', 'merge', 'amy'],
      ['task', 'merge', String(task.id)],
    ]) {
      const r = await cli(...again);
      expect([r.code, r.stderr.trim()], again.join(' ')).toEqual([2, done]);
    }
    expect(gitIn(repo, 'rev-parse', '--short=10', 'main')).toBe(commit);
  });
});
