// The person's queue and reviews in the browser, over the real Claude Code driven by the model
// stub and Debian's Chromium: a command allowed, one denied with a note, a question chosen and a
// prompt answered in the tile's terminal, at desktop width and at a phone's; then a line comment
// on a task's diff, sent back, which the agent's model reads with its file and line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskItem } from '../../main/contract/desk.js';
import { browserPrerequisites, launchChromium, screenshot } from '../support/browserHarness.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { commitFiles } from '../support/gitRepo.js';
import { skipTitle } from '../support/skipReason.js';
import { deskScript, QUESTION } from '../support/crewScript.js';

/** Claude Code 2.1.330 and later ignore keys for a moment after a dialog opens. */
const DIALOG_SETTLE_MS = 1500;

let crew: ClaudeCrew;
let browser: Browser;

const SUITE = skipTitle("The person's queue and reviews in the browser", claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  beforeAll(async () => {
    browserPrerequisites();
    crew = await startClaudeCrew(
      [
        { name: 'carol', args: ['--permission-mode', 'default'] },
        { name: 'wendy', worktree: true },
      ],
      deskScript,
    );
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await crew?.close();
  });

  const runs = () => {
    const file = join(crew.work, 'runs.txt');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  const heldFor = (detail: string) =>
    crew.waitFor(`the hook held for ${detail}`, () =>
      crew.studio.desk.items().find((i) => i.structured && i.detail === detail),
    );
  const item = (page: Page, i: DeskItem) => page.locator(`[data-testid="queue-item-${i.id}"]`);

  async function openPage(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(crew.uiUrl);
    await page.locator('[data-testid="queue-button"]').waitFor();
    return page;
  }

  it('at desktop width: allows, denies with a note, chooses an option; a prompt answered in the terminal leaves', async () => {
    const page = await openPage(1400, 900);
    const person = crew.studio.agents.person;
    crew.studio.bus.send(person, 'carol', 'run 1');
    const first = await heldFor('echo 1 >> runs.txt');
    await expect.poll(() => page.locator('[data-testid="queue-count"]').textContent()).toBe('1');
    await page.click('[data-testid="queue-button"]');
    await expect.poll(() => item(page, first).textContent()).toContain('echo 1 >> runs.txt');
    await item(page, first).locator('[data-testid="queue-allow"]').click();
    await crew.waitFor('the command to run once', () => runs() === '1\n');
    await expect.poll(() => page.locator('[data-testid="queue-empty"]').count()).toBe(1);

    crew.studio.bus.send(person, 'carol', 'run 2');
    const second = await heldFor('echo 2 >> runs.txt');
    await item(page, second).locator('[data-testid="queue-deny"]').click();
    await page.fill('[data-testid="queue-note"]', 'Not now: NOTE-b7.');
    await page.click('[data-testid="queue-send-deny"]');
    await crew.waitFor('the note to reach the model', () =>
      crew.requestsFrom('carol').find((r) => r.toolResults.some((t) => t.text.includes('NOTE-b7'))),
    );
    await crew.waitFor('carol idle', () => crew.agent('carol').state === 'idle');

    crew.studio.bus.send(person, 'carol', 'ask');
    const question = await heldFor(QUESTION);
    await item(page, question).locator('[data-testid="queue-choose-2"]').click();
    await crew.waitFor('the answer to reach the model', () =>
      crew.requestsFrom('carol').find((r) => r.toolResults.some((t) => t.text.includes('Postgres'))),
    );
    await crew.waitFor('carol idle', () => crew.agent('carol').state === 'idle');

    // Answered in the tile's own terminal: the item leaves the window's list.
    crew.studio.bus.send(person, 'carol', 'run 3');
    const third = await heldFor('echo 3 >> runs.txt');
    await expect.poll(() => item(page, third).count()).toBe(1);
    await crew.waitFor('the dialog drawn', () => crew.agent('carol').state === 'waiting_permission');
    await new Promise((r) => setTimeout(r, DIALOG_SETTLE_MS));
    await crew.studio.service.sendKeys('carol', ['1']);
    await crew.waitFor('the command to run', () => runs() === '1\n3\n');
    await expect.poll(() => item(page, third).count(), { timeout: 1000 }).toBe(0);
    expect(runs()).toBe('1\n3\n');
    await page.close();
  }, 180_000);

  it('at phone width (390 px): the queue takes the screen, opened from a link, answered by keyboard', async () => {
    const page = await openPage(390, 844);
    await crew.waitFor('carol idle', () => crew.agent('carol').state === 'idle');
    crew.studio.bus.send(crew.studio.agents.person, 'carol', 'run 4');
    const held = await heldFor('echo 4 >> runs.txt');
    // A notice's link: the page opens at the queue.
    await page.evaluate(() => (window.location.hash = '#queue=@carol'));
    await item(page, held).waitFor();
    const box = (await page.locator('[data-testid="queue"]').boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    const allow = (await item(page, held).locator('[data-testid="queue-allow"]').boundingBox())!;
    expect(allow.x + allow.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'queue-phone');
    await page.keyboard.press('a');
    await crew.waitFor('the command to run', () => runs().endsWith('4\n'));
    await page.close();
  }, 120_000);

  it('adds a line comment in the review, sends the task back, and the agent reads its file and line', async () => {
    const page = await openPage(1400, 900);
    const task = await crew.studio.service.createTask({ title: 'Count to three', assignee: 'wendy' });
    const wt = crew.agent('wendy').workspace!.path;
    await crew.waitFor('wendy idle', () => crew.agent('wendy').state === 'idle');
    commitFiles(wt, { 'count.txt': 'one\ntwo\nTHREE\n' }, 'count');
    await crew.studio.service.updateTask({ id: task.id, status: 'review' });
    await page.click('[data-testid="queue-button"]');
    const review = await crew.waitFor('the review in the queue', () =>
      crew.studio.desk.items().find((i) => i.kind === 'review' && i.taskId === task.id),
    );
    await item(page, review).locator('[data-testid="queue-open"]').click();
    // The new version's line 3, by its number (a hunk's header row has a number cell too).
    await page
      .locator('[data-testid="review-file-count.txt"] .line-num2')
      .filter({ hasText: /^\s*3\s*$/ })
      .click();
    await page.fill('[data-testid="review-comment-text"]', 'Lower case, like the others.');
    await page.click('[data-testid="review-comment-add"]');
    await expect
      .poll(() => page.locator('[data-testid^="review-comment-"][data-state="pending"]').count())
      .toBe(1);
    await screenshot(page, 'review-comment');
    await page.click('[data-testid="review-send-back"]');
    await page.click('[data-testid="review-send-back-confirm"]');
    const read = await crew.waitFor('wendy to read the comment with its file and line', () =>
      crew.requestsFrom('wendy').find((r) => r.toolResults.some((t) => t.text.includes('count.txt:3'))),
    );
    const mail = read.toolResults.find((t) => t.text.includes('count.txt:3'))!.text;
    expect(mail).toContain('> 3 | THREE');
    expect(mail).toContain('Lower case, like the others.');
    expect((await crew.studio.service.getTask(task.id)).status).toBe('in_progress');
    expect((await crew.studio.service.taskComments(task.id)).map((c) => c.state)).toEqual(['open']);
    await page.close();
  }, 180_000);
});
