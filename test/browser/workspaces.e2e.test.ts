// Workspaces in the browser, end to end: two worktree agents added from the dialog on one real
// repository, a task dragged onto each tile (each gets its own branch), each agent committing in
// its own worktree from its terminal, both cards reviewed as diffs, one merged, the other refused
// for its conflict with the files named, and the base holding exactly the merged change.
// Real studio, real PTYs (bash agents), the system's git, Debian's Chromium.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/core/util/logger.js';
import { startStudioHost, type RunningStudio } from '../../main/host/studioHost.js';
import { withParts } from '../support/studioParts.js';
import { browserPrerequisites, dragOnto, launchChromium, screenshot } from '../support/browserHarness.js';
import { writeFakeClaude } from '../support/fakeAgentStudio.js';
import { commitFiles, GIT_TEST_ENV, gitIn, makeRepo, writeFiles } from '../support/gitRepo.js';
import { tempDir } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';

let browser: Browser;
let running: RunningStudio | undefined;
let page: Page | undefined;

beforeAll(async () => {
  browserPrerequisites();
  browser = await launchChromium();
});

afterAll(async () => {
  await page?.close();
  await running?.stop();
  await browser?.close();
});

async function addWorktreeAgent(p: Page, name: string): Promise<void> {
  await p.locator('[data-testid="add-agent"]').click();
  const form = p.locator('[data-testid="add-agent-form"]');
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.locator('label', { hasText: 'Runs' }).locator('select').selectOption('command');
  await form.getByLabel('Command', { exact: true }).fill('bash --norc --noprofile');
  // The folder is the project (where the studio was started); being a repository, it offers a worktree.
  await form.locator('[data-testid="add-agent-worktree"]').check();
  await expect.poll(() => form.locator('[data-testid="add-agent-base"]').inputValue()).toBe('main');
  await form.getByRole('button', { name: 'Add and start' }).click();
  await form.waitFor({ state: 'detached' });
  await p.locator(`[data-testid="changes-${name}"]`).filter({ hasText: 'no changes' }).waitFor();
}

/** Drags a card onto an agent's tile. */
const dragCard = (p: Page, cardId: number, agent: string) =>
  dragOnto(p, p.locator(`[data-testid="card-${cardId}"]`), p.locator(`[data-testid="tile-${agent}"]`));

describe('workspaces in the browser', () => {
  it('two worktree agents on one repository: each task on its own branch, reviewed as a diff, one merged and the conflicting one refused', async () => {
    const root = tempDir('ccstudio-ws-e2e-');
    const repo = makeRepo(join(root, 'project'), {
      'README.md': 'hello\n',
      'src/app.txt': 'one\ntwo\nthree\n',
    });
    const first = gitIn(repo, 'rev-parse', 'main');
    running = await startStudioHost({
      dataDir: join(root, 'data'),
      port: 0,
      logger: silentLogger,
      claudeCommand: writeFakeClaude(join(root, 'bin')),
      teamCwd: repo,
      env: { ...process.env, HOME: root, ...GIT_TEST_ENV, PS1: '$ ' },
    });
    const studio = withParts(running.studio);
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(running.uiUrl);

    await addWorktreeAgent(page, 'bob');
    await addWorktreeAgent(page, 'amy');
    const bob = studio.agents.require('bob').workspace!;
    const amy = studio.agents.require('amy').workspace!;
    expect(bob.path).toBe(join(root, 'project-worktrees', 'bob'));
    expect(amy.path).toBe(join(root, 'project-worktrees', 'amy'));

    // A task dragged onto each tile: assigned, on a branch of its own shown on the card.
    const t1 = await studio.service.createTask({ title: 'Bob shouts two' });
    const t2 = await studio.service.createTask({ title: 'Amy shouts two' });
    for (const [task, agent] of [
      [t1, 'bob'],
      [t2, 'amy'],
    ] as const) {
      await page.locator(`[data-testid="column-backlog"] [data-testid="card-${task.id}"]`).waitFor();
      await dragCard(page, task.id, agent);
      await page.locator(`[data-testid="column-assigned"] [data-testid="card-${task.id}"]`).waitFor();
    }
    await expect
      .poll(() => page!.locator(`[data-testid="card-branch-${t1.id}"]`).textContent())
      .toBe(`⎇ ccstudio/bob/task-${t1.id}-bob-shouts-two`);
    expect(gitIn(amy.path, 'branch', '--show-current')).toBe(`ccstudio/amy/task-${t2.id}-amy-shouts-two`);

    // Each agent commits a different change to the same line, typed into its own terminal.
    for (const [agent, word, path] of [
      ['bob', 'BOB', bob.path],
      ['amy', 'AMY', amy.path],
    ] as const) {
      await page.locator(`[data-testid="terminal-${agent}"]`).click();
      await page.keyboard.type(
        `printf 'one\\n${word}\\nthree\\n' > src/app.txt && git commit -qam '${agent} shouts'`,
      );
      await page.keyboard.press('Enter');
      await waitFor(
        `${agent}'s commit`,
        () => gitIn(path, 'log', '-1', '--format=%s') === `${agent} shouts`,
        {
          timeoutMs: 15_000,
        },
      );
      // Its badge follows the worktree (watched: a command agent has no turn end to wait for).
      await page.locator(`[data-testid="changes-${agent}"]`).filter({ hasText: '1 file +1 −1' }).waitFor();
      const id = agent === 'bob' ? t1.id : t2.id;
      await page.locator(`[data-testid="card-changes-${id}"]`).filter({ hasText: '1 file +1 −1' }).waitFor();
      await studio.agentSide.tasks.update(studio.agents.require(agent), { id, status: 'review' });
    }
    for (const t of [t1, t2])
      await page.locator(`[data-testid="column-review"] [data-testid="card-${t.id}"]`).waitFor();
    await screenshot(page, 'workspaces-in-review');

    // Bob's card: its diff, unified then side by side, then merged.
    await page.locator(`[data-testid="card-review-${t1.id}"]`).click();
    const review = page.locator('[data-testid="review"]');
    await review
      .locator('[data-testid="review-file-src/app.txt"] .d2h-ins')
      .filter({ hasText: 'BOB' })
      .waitFor();
    expect(await review.locator('[data-testid="review-summary"]').textContent()).toMatch(/^1 file \+1 −1/);
    await review.locator('[data-testid="review-layout"]').click();
    await review.locator('.d2h-file-side-diff').first().waitFor();
    await screenshot(page, 'review-side-by-side');
    await review.locator('[data-testid="review-merge"]').click();
    await review.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="column-done"] [data-testid="card-${t1.id}"]`).waitFor();

    // Amy's card: the same line changed, so the review says the merge would be refused, with the
    // file named, before anything is pressed; its button agrees.
    await page.locator(`[data-testid="card-review-${t2.id}"]`).click();
    await review
      .locator('[data-testid="review-file-src/app.txt"] .d2h-ins')
      .filter({ hasText: 'AMY' })
      .waitFor();
    const refused = `Will be refused: ccstudio/amy/task-${t2.id}-amy-shouts-two conflicts with main in src/app.txt. Have ccstudio/amy/task-${t2.id}-amy-shouts-two brought up to date with main, then merge.`;
    await review.locator('[data-testid="review-merge-preview"]').filter({ hasText: refused }).waitFor();
    expect(await review.locator('[data-testid="review-merge"]').isDisabled()).toBe(true);
    expect(await review.locator('[data-testid="review-merge"]').getAttribute('title')).toBe(refused);
    await screenshot(page, 'review-conflict');
    await page.keyboard.press('Escape');
    expect(studio.board.get(t2.id).status).toBe('review');

    // The base holds exactly bob's change: one merge commit over the first, nothing of amy's.
    expect(readFileSync(join(repo, 'src/app.txt'), 'utf8')).toBe('one\nBOB\nthree\n');
    expect(gitIn(repo, 'diff', '--name-only', `${first}..main`)).toBe('src/app.txt');
    expect(gitIn(repo, 'log', '--format=%s', `${first}..main`).split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Merge ccstudio/bob/task-${t1.id}-bob-shouts-two: task #${t1.id}`)),
      'bob shouts',
    ]);
    expect(gitIn(repo, 'status', '--porcelain')).toBe('');

    // Removing amy with its worktree is refused: its commit is not merged, and the dialog says where.
    await page.locator('[data-testid="tile-amy"] button[title="Remove agent"]').click();
    const remove = page.locator('[data-testid="remove-agent-form"]');
    await remove.locator('[data-testid="remove-agent-worktree"]').check();
    await remove.locator('[data-testid="remove-agent-confirm"]').click();
    await expect
      .poll(() => remove.locator('[data-testid="remove-agent-error"]').textContent())
      .toMatch(/has commits not merged into main \(src\/app.txt\)/);
    expect(gitIn(amy.path, 'log', '-1', '--format=%s')).toBe('amy shouts');
  }, 120_000);

  it('says what a merge will do before it is pressed, its buttons agreeing, and marks the files not committed', async () => {
    const root = tempDir('ccstudio-ws-e2e-preview-');
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'hello\n', 'src/app.txt': 'one\n' });
    const host = await startStudioHost({
      dataDir: join(root, 'data'),
      port: 0,
      logger: silentLogger,
      claudeCommand: writeFakeClaude(join(root, 'bin')),
      teamCwd: repo,
      env: { ...process.env, HOME: root, ...GIT_TEST_ENV },
    });
    const p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      const { agent } = await host.studio.service.addAgent({
        name: 'bob',
        cwd: repo,
        worktree: {},
        profile: { kind: 'command', command: 'bash', args: ['--norc', '--noprofile'] },
      });
      const wt = agent.workspace!.path;
      // Committed: done.txt and a first change to src/app.txt. Not committed: more of src/app.txt, notes.txt.
      commitFiles(wt, { 'done.txt': 'd\n', 'src/app.txt': 'one\nTWO\n' }, 'bob');
      writeFiles(wt, { 'src/app.txt': 'one\nTWO\nthree\n', 'notes.txt': 'n\n' });
      await p.goto(host.uiUrl);
      await p.locator('[data-testid="changes-bob"]').filter({ hasText: '3 files' }).click();
      const review = p.locator('[data-testid="review"]');
      const mergeButton = review.locator('[data-testid="review-merge"]');
      /** The sentence, and whether each button may be pressed with the reason it gives: read at one instant. */
      const said = () =>
        review.evaluate((el) => {
          const at = (id: string) => el.querySelector(`[data-testid="${id}"]`);
          const button = (id: string) => ({
            disabled: (at(id) as { disabled?: boolean } | null)?.disabled ?? null,
            title: at(id)?.getAttribute('title') ?? null,
          });
          return {
            text: at('review-merge-preview')?.textContent ?? null,
            merge: button('review-merge'),
            ff: button('review-ff'),
          };
        });
      /** Once the review says `text`, and both modes are checked (git takes a moment): all it says then. */
      const saying = async (text: string) => {
        let last: Awaited<ReturnType<typeof said>> | undefined;
        const checked = (s: typeof last) =>
          s?.text === text && s.ff.title !== 'Checking what a merge would do…';
        return waitFor(`the review to say "${text}"`, async () => checked((last = await said())) && last, {
          describe: () => JSON.stringify(last),
        });
      };

      const refusal = `Will be refused: ccstudio/bob/work has changes not committed in ${wt}: 2 files (src/app.txt, notes.txt). Have them committed (or send the task back), then merge.`;
      expect(await saying(refusal)).toEqual({
        text: refusal,
        merge: { disabled: true, title: refusal },
        ff: { disabled: true, title: refusal },
      });
      // In the diff: which files are not committed, and a legend saying what that means.
      const mark = (file: string) =>
        review.locator(`[data-testid="review-file-${file}"] .badge.uncommitted`).allTextContents();
      expect(await mark('notes.txt')).toEqual(['not committed']);
      expect(await mark('src/app.txt')).toEqual(['partly committed']);
      expect(await mark('done.txt')).toEqual([]);
      expect(await review.locator('[data-testid="review-legend"]').textContent()).toMatch(
        /not committed.*left out of a merge/,
      );
      await screenshot(p, 'review-not-committed');

      // Committed: the sentence and both buttons say the merge will go through.
      gitIn(wt, 'add', '-A');
      gitIn(wt, 'commit', '-qm', 'the rest');
      await review.getByRole('button', { name: 'Refresh' }).click();
      const merges = 'Merges 2 commits (3 files) into main as a merge commit.';
      expect(await saying(merges)).toEqual({
        text: merges,
        merge: { disabled: false, title: merges },
        ff: { disabled: false, title: 'Fast-forwards main by 2 commits (3 files).' },
      });
      expect(await review.locator('[data-testid="review-legend"]').count()).toBe(0);
      expect(await review.locator('.badge.uncommitted').count()).toBe(0);
      await mergeButton.click();
      await review.waitFor({ state: 'detached' });
      expect(gitIn(repo, 'log', '-1', '--format=%s')).toBe("Merge ccstudio/bob/work: bob's work");

      // Merged: nothing left to merge, said so, and nothing to press.
      await p.locator('[data-testid="changes-bob"]').click();
      const nothing = 'Nothing to merge: main already has everything on ccstudio/bob/work.';
      expect(await saying(nothing)).toEqual({
        text: nothing,
        merge: { disabled: true, title: nothing },
        ff: { disabled: true, title: nothing },
      });
    } finally {
      await p.close();
      await host.stop();
    }
  }, 120_000);
});
