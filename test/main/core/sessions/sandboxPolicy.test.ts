// The git guard around a sandboxed worktree agent, with the real bubblewrap and the system's git,
// but no Claude Code: a shell inside the guard plays the attacker of the issue "trust round two"
// (planting a commondir, hooks and config, moving the person's branches, writing other worktrees')
// and the honest agent (committing on its own branch and on a task branch made after it started).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../../main/contract/model.js';
import { findExecutable } from '../../../../main/core/claude/claudeLaunch.js';
import { sandboxUnavailable } from '../../../../main/core/sessions/sandboxCheck.js';
import {
  gitGuardArgs,
  gitLayout,
  prepareGitGuard,
  sandboxPlan,
  worktreeSandbox,
} from '../../../../main/core/sessions/sandboxPolicy.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { attackResult, gitAttack, TRY } from '../../../support/gitAttack.js';
import { gitIn, makeRepo } from '../../../support/gitRepo.js';
import { skipTitle } from '../../../support/skipReason.js';
import { tempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

const skipReason =
  process.platform !== 'linux' ? 'the git guard is bubblewrap, on Linux' : sandboxUnavailable(process.env);

let studio: StudioWithParts | undefined;
afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

/** A repository with two worktree agents, wendy (the one under test) and otto. */
async function crew(): Promise<{ repo: string; G: string; wendy: Agent; otto: Agent }> {
  const root = tempDir('ccstudio-guard-');
  const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n' });
  studio = createStudioWithParts({ databaseFile: ':memory:', teamCwd: repo, watchTree: null });
  const { agent: wendy } = await studio.service.addAgent({ name: 'wendy', cwd: repo, worktree: {} });
  const { agent: otto } = await studio.service.addAgent({ name: 'otto', cwd: repo, worktree: {} });
  return { repo, G: join(repo, '.git'), wendy, otto };
}

/** Runs a shell script inside wendy's guard, in her worktree; resolves with what it printed. */
function inGuard(agent: Agent, script: string): { done: Promise<string>; pid: () => number | undefined } {
  const layout = gitLayout(agent.workspace!, agent.name);
  prepareGitGuard(layout);
  const bwrap = findExecutable('bwrap')!;
  const child = spawn(bwrap, [...gitGuardArgs(layout), '--', 'sh', '-c', script], {
    cwd: agent.workspace!.path,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'W',
      GIT_AUTHOR_EMAIL: 'w@x',
      GIT_COMMITTER_NAME: 'W',
      GIT_COMMITTER_EMAIL: 'w@x',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { done: new Promise((resolve) => child.on('close', () => resolve(out))), pid: () => child.pid };
}

const SUITE = skipTitle("a sandboxed worktree agent's git guard (bubblewrap, the system's git)", skipReason);
describe.skipIf(skipReason)(SUITE, () => {
  it('refuses every write to .git but its own objects, admin folder and branches; no file appears there', async () => {
    const { G, wendy } = await crew();
    const before = readdirSync(G).sort();
    const main = gitIn(G, 'rev-parse', 'refs/heads/main');
    const marker = join(tempDir('ccstudio-marker-'), 'ran');
    const script = gitAttack(G, 'wendy', 'otto', marker);
    const out = await inGuard(wendy, script).done;
    expect(out).toContain('END');
    const { tried, refused, wrote } = attackResult(script, out);
    expect(wrote).toEqual([]);
    expect(refused).toBe(tried);
    expect(readdirSync(G).sort()).toEqual(before);
    expect(gitIn(G, 'rev-parse', 'refs/heads/main')).toBe(main);
    expect(existsSync(join(G, 'commondir'))).toBe(false);
  });

  it("commits on its own branch, and on a task branch the studio made after it started; another worktree's admin folder, made after it started, stays out of reach", async () => {
    const { repo, G, wendy } = await crew();
    const go = join(wendy.workspace!.path, 'go');
    const run = inGuard(
      wendy,
      [
        TRY,
        'echo a > a.txt && git add a.txt && git commit -qm "on my branch" && echo COMMIT-HOME',
        'git checkout -q -b ccstudio/wendy/mine && git commit -q --allow-empty -m mine && echo COMMIT-MINE',
        // Waits for the studio to make a task branch and a new agent's worktree from outside.
        `while [ ! -e '${go}' ]; do sleep 0.05; done`,
        'git switch -q ccstudio/wendy/task-1-later && git commit -q --allow-empty -m task && echo COMMIT-TASK',
        `try late-worktree sh -c 'echo x >> "${G}/worktrees/late/HEAD"'`,
        'echo END',
      ].join('\n'),
    );
    await waitFor('the home commit', () => gitIn(repo, 'branch', '--list', 'ccstudio/wendy/mine'));
    const task = await studio!.service.createTask({ title: 'Later', assignee: 'wendy' });
    expect(task.branch).toBe('ccstudio/wendy/task-1-later');
    await studio!.service.addAgent({ name: 'late', cwd: repo, worktree: {} });
    writeFileSync(go, '');
    const out = await run.done;
    expect(out).toMatch(/COMMIT-HOME\nCOMMIT-MINE\nCOMMIT-TASK\nREFUSED late-worktree\nEND/);
    expect(gitIn(repo, 'log', '-1', '--format=%s', 'ccstudio/wendy/work')).toBe('on my branch');
    expect(gitIn(repo, 'log', '-1', '--format=%s', 'ccstudio/wendy/task-1-later')).toBe('task');
  });

  it('keeps a branch that exists only in packed-refs (after git gc) the person’s: a loose one written over it is refused', async () => {
    const { G, wendy } = await crew();
    gitIn(G, 'pack-refs', '--all');
    expect(existsSync(join(G, 'refs', 'heads', 'main'))).toBe(false);
    const main = gitIn(G, 'rev-parse', 'refs/heads/main');
    const out = await inGuard(
      wendy,
      [
        TRY,
        'git commit -q --allow-empty -m mine && echo COMMITTED',
        // git's own way, then the file itself: main to the agent's commit.
        'try update-ref git update-ref refs/heads/main HEAD',
        `try loose-main sh -c 'git rev-parse HEAD > "${G}/refs/heads/main"'`,
        'echo END',
      ].join('\n'),
    ).done;
    expect(out).toMatch(/COMMITTED\nREFUSED update-ref\nREFUSED loose-main\nEND/);
    expect(gitIn(G, 'rev-parse', 'refs/heads/main')).toBe(main);
  });

  it('is in the launch of a sandboxed worktree agent on Linux; macOS gets the refusals by name in Claude Code’s settings', async () => {
    const { wendy } = await crew();
    const sandboxed = { ...wendy, profile: { kind: 'claude' as const, sandbox: true } };
    const plan = sandboxPlan({
      agent: sandboxed,
      cwd: wendy.workspace!.path,
      env: process.env,
      privateDirs: [tempDir('ccstudio-private-')],
      version: '2.1.330',
    });
    expect(plan.guard?.layout.branchSpace).toBe('ccstudio/wendy');
    expect(() =>
      sandboxPlan({
        agent: sandboxed,
        cwd: wendy.workspace!.path,
        env: process.env,
        privateDirs: [],
        version: '2.1.200',
      }),
    ).toThrow(/needs Claude Code 2\.1\.299 or newer \(this is 2\.1\.200\)/);
    const mac = worktreeSandbox(gitLayout(wendy.workspace!, 'wendy'), 'darwin');
    const G = gitLayout(wendy.workspace!, 'wendy').gitDir;
    expect(mac.denyWrite).toEqual(
      expect.arrayContaining([
        join(G, 'commondir'),
        join(G, 'packed-refs'),
        join(G, 'hooks'),
        join(G, 'refs', 'heads', 'main'),
        join(G, 'refs', 'heads', 'ccstudio', 'otto'),
        join(G, 'worktrees', 'otto'),
      ]),
    );
    expect(mac.denyWrite).not.toContain(join(G, 'refs', 'heads', 'ccstudio', 'wendy'));
    expect(readFileSync(join(G, 'refs', 'heads', 'ccstudio', 'wendy', '.ccstudio-keep'), 'utf8')).toBe('');
  });
});
