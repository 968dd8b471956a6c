// The window measured at the widths laptops have (1280 and 1440 px): board columns that hold a
// title in two lines and their heading in one, notices clear of the message box, every tile's
// maximise button in sight, a review whose diff follows the dark theme, the card's button named as
// the README names it, and Open pull request only where there is a remote to push to. Real studio,
// real PTYs (the fake Claude Code), the system's git, Debian's Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../main/contract/model.js';
import { silentLogger } from '../../main/core/util/logger.js';
import { startStudioHost, type RunningStudio } from '../../main/host/studioHost.js';
import { withParts } from '../support/studioParts.js';
import { browserPrerequisites, launchChromium, screenshot } from '../support/browserHarness.js';
import { writeFakeClaude } from '../support/fakeAgentStudio.js';
import { commitFiles, GIT_TEST_ENV, gitIn, makeRepo } from '../support/gitRepo.js';
import { tempDir } from '../support/studioHarness.js';

/** The laptop widths the window must read well at. */
const WIDTHS = [1280, 1440];
/** Titles as a commander writes them (the README's scene has such): up to about 30 characters. */
const TITLES = [
  'Add a health endpoint',
  'Fix the flaky login test on CI',
  'Document the --json output',
  'Stable order for ties',
  'Publish 0.2.0 to npm',
  'Set up the CLI and tests',
];

let browser: Browser;
let running: RunningStudio;
let root: string;
let repo: string;
let bobTask: Task;
const pages: Page[] = [];

beforeAll(async () => {
  browserPrerequisites();
  root = tempDir('ccstudio-window-');
  const home = join(root, 'home');
  mkdirSync(home);
  repo = makeRepo(join(root, 'project'), { 'src/app.txt': 'one\ntwo\nthree\n', 'README.md': 'hi\n' });
  running = await startStudioHost({
    dataDir: join(root, 'data'),
    port: 0,
    logger: silentLogger,
    agents: 1,
    teamCwd: repo,
    claudeCommand: writeFakeClaude(join(root, 'bin')),
    env: { ...process.env, HOME: home, ...GIT_TEST_ENV },
  });
  const studio = withParts(running.studio);
  // The commander as it looks after a while: tokens spent, mail unread.
  const commander = studio.agents.require('commander');
  studio.agents.setRuntime(commander.id, {
    usage: {
      tokens: 1_234_567,
      inputTokens: 1000,
      outputTokens: 2000,
      cacheReadTokens: 3000,
      cacheCreationTokens: 4000,
      turns: 42,
      tokensLastHour: 100_000,
      turnsLastHour: 7,
      at: Date.now(),
    },
  });
  await studio.service.sendMessage({ to: 'commander', body: 'Plan the release, please.' });
  await studio.service.sendMessage({ to: 'commander', body: 'And the README.' });
  // A worktree agent, not started, with a task on its own branch and a commit there.
  await studio.service.addAgent({
    name: 'bob',
    cwd: repo,
    worktree: {},
    profile: { kind: 'command', command: 'bash', args: [] },
  });
  for (const [i, title] of TITLES.entries())
    await studio.service.createTask({ title, ...(i % 2 ? { assignee: 'agent-1' } : {}) });
  bobTask = await studio.service.createTask({ title: 'Shout the second line', assignee: 'bob' });
  commitFiles(studio.agents.require('bob').workspace!.path, { 'src/app.txt': 'one\nTWO\nthree\n' }, 'shout');
  browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  for (const p of pages.splice(0)) await p.close();
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: width === 1280 ? 800 : 900 } });
  pages.push(page);
  await page.goto(running.uiUrl);
  await page.locator('[data-testid="tile-bob"]').waitFor();
  await page.locator(`[data-testid="card-${bobTask.id}"]`).waitFor();
  return page;
}

/** Lines of text an element's content box holds (its height over its line height). */
function lines(page: Page, selector: string): Promise<Array<{ text: string; lines: number }>> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const s = getComputedStyle(el);
      const height =
        el.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
      return { text: el.textContent ?? '', lines: Math.round(height / parseFloat(s.lineHeight)) };
    }),
  );
}

/** What is drawn at the middle of the locator's box is that element (not clipped away, not covered). */
async function inSight(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  if (!box) return false;
  return page.evaluate(
    ([sel, x, y]) => {
      const hit = document.elementFromPoint(Number(x), Number(y));
      return !!hit && !!document.querySelector(String(sel))?.contains(hit);
    },
    [selector, box.x + box.width / 2, box.y + box.height / 2],
  );
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const channels = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
/** A computed colour as drawn over `under` (an opaque one): translucent colours blended in. */
function over(color: string, under: string): string {
  const [r, g, b, alpha = 1] = channels(color);
  const base = channels(under);
  const mix = (c: number, i: number) => alpha * c + (1 - alpha) * base[i]!;
  return `rgb(${mix(r!, 0)}, ${mix(g!, 1)}, ${mix(b!, 2)})`;
}
/** sRGB relative luminance of an opaque computed colour (`rgb(...)`), 0 black to 1 white. */
function luminance(color: string): number {
  const [r, g, b] = channels(color).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
/** WCAG's contrast ratio of two colours: 4.5 is enough for text, 7 is plenty. */
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe.each(WIDTHS)('the window %d px wide', (width) => {
  it('board columns hold a typical title in two lines at most and their heading in one, all in sight', async () => {
    const page = await open(width);
    const headings = await lines(page, '.column h3');
    expect(headings.map((h) => h.text)).toEqual([
      'Backlog 3',
      'Assigned 4',
      'In progress 0',
      'Blocked 0',
      'Review 0',
      'Done 0',
    ]);
    for (const h of headings) expect(h, `"${h.text}" wraps`).toMatchObject({ lines: 1 });
    const titles = await lines(page, '.card-title');
    expect(titles).toHaveLength(TITLES.length + 1);
    for (const t of titles) expect(t.lines, `"${t.text}" takes ${t.lines} lines`).toBeLessThanOrEqual(2);
    // All six columns in sight, none cut off at the window's edge or scrolled away.
    for (const status of ['backlog', 'assigned', 'in_progress', 'blocked', 'review', 'done'])
      expect(await inSight(page, `[data-testid="column-${status}"] h3`), status).toBe(true);
    await screenshot(page, `window-${width}`);
  });

  it("every tile's maximise button and state are in sight, the commander's too", async () => {
    const page = await open(width);
    for (const name of ['commander', 'agent-1', 'bob']) {
      const tile = `[data-testid="tile-${name}"]`;
      const box = (await page.locator(tile).boundingBox())!;
      const max = `${tile} button[title="Maximize"]`;
      const button = (await page.locator(max).boundingBox())!;
      expect(button.x + button.width, `${name}'s maximise button`).toBeLessThanOrEqual(box.x + box.width);
      expect(button.x).toBeGreaterThanOrEqual(box.x);
      expect(await inSight(page, max), `${name}'s maximise button`).toBe(true);
      // And its state, which the person reads first.
      expect(await inSight(page, `${tile} .tile-header .badge[class*="state-"]`), `${name}'s state`).toBe(
        true,
      );
    }
  });

  it('a notice never covers the message box', async () => {
    const page = await open(width);
    const sendBox = page.locator('[data-testid="send-box"]');
    await sendBox.getByLabel('Send to').selectOption('bob');
    await sendBox.getByPlaceholder('Message as you…').fill('are you there?');
    await sendBox.getByPlaceholder('Message as you…').press('Enter');
    const notice = page.locator('[data-testid="notice"]');
    await expect.poll(() => notice.textContent()).toMatch(/bob is not running, so nobody will wake it/);
    const a = (await notice.boundingBox())!;
    const b = (await sendBox.boundingBox())!;
    expect(overlaps(a, b), `notice ${JSON.stringify(a)} over the message box ${JSON.stringify(b)}`).toBe(
      false,
    );
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width).toBeLessThanOrEqual(width);
    await screenshot(page, `notice-${width}`);
  });
});

describe('reviewing a card', () => {
  it("is the card's Review button; the diff is dark like the studio; Open pull request waits for a remote", async () => {
    const page = await open(1440);
    const button = page.locator(`[data-testid="card-review-${bobTask.id}"]`);
    expect(await page.locator(`[data-testid="card-${bobTask.id}"]`).getAttribute('data-status')).toBe(
      'assigned',
    );
    expect(await button.textContent()).toBe('Review');
    await button.click();
    const review = page.locator('[data-testid="review"]');
    const file = review.locator('[data-testid="review-file-src/app.txt"]');
    await file.locator('.d2h-ins').filter({ hasText: 'TWO' }).waitFor();
    const studioBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    for (const layout of ['unified', 'side by side']) {
      const colours = await file.evaluate((el) => {
        const style = (sel: string) => {
          const found = el.querySelector(sel);
          if (!found) throw new Error(`no ${sel} in the review`);
          const s = getComputedStyle(found);
          return { background: s.backgroundColor, color: s.color };
        };
        return {
          body: style('.review-file-body'),
          context: style('td.d2h-cntx'),
          lineNumber: style('.d2h-code-linenumber, .d2h-code-side-linenumber'),
          added: style('td.d2h-ins'),
          removed: style('td.d2h-del'),
          code: style('.d2h-code-line-ctn'),
        };
      });
      // Every part dark, as the studio around it is (translucent tints seen over the pane); the
      // code and its line numbers read well on it.
      expect(colours.body.background).toBe(studioBackground);
      const drawn = (c: string) => over(c, over(colours.body.background, studioBackground));
      for (const [part, c] of Object.entries(colours))
        expect(
          luminance(drawn(c.background)),
          `${layout}: ${part}'s background ${c.background}`,
        ).toBeLessThan(0.1);
      expect(contrast(colours.code.color, drawn(colours.context.background))).toBeGreaterThan(7);
      expect(contrast(colours.lineNumber.color, drawn(colours.lineNumber.background))).toBeGreaterThan(3);
      if (layout === 'unified') {
        await review.locator('[data-testid="review-layout"]').click();
        await file.locator('.d2h-file-side-diff').first().waitFor();
      }
    }
    await screenshot(page, 'review-dark');

    // No remote: nothing to push to, and the button says so rather than failing when pressed.
    const pr = review.locator('[data-testid="review-pr"]');
    expect(await pr.isDisabled()).toBe(true);
    expect(await pr.getAttribute('title')).toMatch(
      /has no remote to push to: add one \(git remote add origin URL\)/,
    );
    await page.keyboard.press('Escape');
    await review.waitFor({ state: 'detached' });

    const bare = join(root, 'origin.git');
    gitIn(root, 'init', '--quiet', '--bare', bare);
    gitIn(repo, 'remote', 'add', 'origin', bare);
    await button.click();
    await file.locator('.d2h-ins').filter({ hasText: 'TWO' }).waitFor();
    await expect.poll(() => pr.isDisabled()).toBe(false);
    expect(await pr.getAttribute('title')).toMatch(/Pushes the branch to origin/);
  });
});
