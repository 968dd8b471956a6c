// A new user's first hour in the browser: where the team works, why an agent is not running,
// mail nobody will be woken by, and a tab that outlives a restart of the studio. Real studio,
// real PTYs (the fake Claude Code), Debian's Chromium.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/core/util/logger.js';
import { startStudioHost, type RunningStudio } from '../../main/host/studioHost.js';
import { withParts } from '../support/studioParts.js';
import { browserPrerequisites, launchChromium, screenshot, tileText } from '../support/browserHarness.js';
import { writeFakeClaude } from '../support/fakeAgentStudio.js';
import { tempDir } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';

let browser: Browser;
const hosts: RunningStudio[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  browserPrerequisites();
  browser = await launchChromium();
});
afterEach(async () => {
  for (const p of pages.splice(0)) await p.close();
  for (const h of hosts.splice(0)) await h.stop();
});
afterAll(async () => {
  await browser?.close();
});

/** A studio folder with a home, a project (a git repository) and the fake Claude Code. */
function setup() {
  const root = tempDir('ccstudio-first-hour-');
  const home = join(root, 'home');
  const project = join(home, 'my-project');
  mkdirSync(join(project, '.git'), { recursive: true });
  const dataDir = join(root, 'data');
  return { root, home, project, dataDir, claude: writeFakeClaude(join(root, 'bin')) };
}

async function host(
  s: ReturnType<typeof setup>,
  extra: Partial<Parameters<typeof startStudioHost>[0]> = {},
): Promise<RunningStudio> {
  const running = await startStudioHost({
    dataDir: s.dataDir,
    port: 0,
    logger: silentLogger,
    claudeCommand: s.claude,
    teamCwd: s.home,
    env: { ...process.env, HOME: s.home },
    ...extra,
  });
  hosts.push(running);
  return running;
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  pages.push(page);
  await page.goto(url);
  return page;
}

describe('the first hour', () => {
  it('a studio with no team asks where the team works, checks the folder as it is typed, and starts the team there', async () => {
    const s = setup();
    const running = await host(s);
    const page = await open(running.uiUrl);
    const form = page.locator('[data-testid="first-run"]');
    await form.waitFor();
    const field = page.locator('[data-testid="first-run-folder"]');
    const check = page.locator('[data-testid="first-run-folder-check"]');
    // Suggested: where the studio was started (its teamCwd), which here is home: a caution.
    await expect.poll(() => field.inputValue()).toBe(s.home);
    await expect.poll(() => check.textContent()).toMatch(/whole home folder/);
    await field.fill(join(s.home, 'not-there'));
    await expect.poll(() => check.textContent()).toMatch(/✗ .*not-there does not exist/);
    expect(await page.locator('[data-testid="first-run-start"]').isDisabled()).toBe(true);
    await field.fill('~/my-project');
    await expect.poll(() => check.textContent()).toBe(`✓ ${s.project} (git repository)`);
    // Claude Code has never run there: the page says its agents will ask, and where to answer.
    const trustNote = page.locator('[data-testid="first-run-trust"]');
    await expect
      .poll(() => trustNote.textContent())
      .toMatch(
        /^Claude Code has not been told you trust this folder yet, so each agent's first start there asks/,
      );
    // Once the person has trusted it in Claude Code, the page says its agents start without asking.
    writeFileSync(
      join(s.home, '.claude.json'),
      JSON.stringify({ projects: { [s.project]: { hasTrustDialogAccepted: true } } }),
    );
    await field.fill(`${s.project}/`);
    await expect
      .poll(() => trustNote.textContent())
      .toMatch(/^Claude Code trusts this (folder|repository) already/);
    await page.locator('[data-testid="first-run-count"]').fill('1');
    await screenshot(page, 'first-run');
    await page.locator('[data-testid="first-run-start"]').click();
    await page.locator('[data-testid="tile-agent-1"]').waitFor();
    const team = withParts(running.studio)
      .agents.list()
      .filter((a) => a.kind === 'agent');
    expect(team.map((a) => [a.name, a.cwd])).toEqual([
      ['commander', s.project],
      ['agent-1', s.project],
    ]);
    await waitFor('the fake Claude Code in the tile', async () =>
      (await tileText(page, 'agent-1'))?.includes('Fake Claude Code'),
    );

    // The Add agent dialog offers the same folder field: the team's folder chosen above is its
    // default (not where the studio was started), and among the recent.
    await page.locator('[data-testid="add-agent"]').click();
    const dialogField = page.locator('[data-testid="add-agent-folder"]');
    await expect.poll(() => dialogField.inputValue()).toBe(s.project);
    const options = await page
      .locator('[data-testid="add-agent-form"] datalist option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    expect(options).toContain(s.project);
    await dialogField.fill('/nowhere/at/all');
    await expect
      .poll(() => page.locator('[data-testid="add-agent-folder-check"]').textContent())
      .toMatch(/does not exist/);
    await page.keyboard.press('Escape');
  });

  it('a studio started in its own checkout suggests no folder there and says why; typed, it is cautioned, never a plain ✓', async () => {
    const s = setup();
    const checkout = process.cwd();
    const running = await host(s, { teamCwd: checkout });
    const page = await open(running.uiUrl);
    const field = page.locator('[data-testid="first-run-folder"]');
    const check = page.locator('[data-testid="first-run-folder-check"]');
    await page.locator('[data-testid="first-run"]').waitFor();
    await expect
      .poll(() => check.textContent())
      .toBe(
        `The studio was started in its own folder (${checkout}), which is not offered: type your project's folder.`,
      );
    expect(await field.inputValue()).toBe('');
    expect(await page.locator('[data-testid="first-run-start"]').isDisabled()).toBe(true);
    await field.fill(checkout);
    await expect
      .poll(() => check.textContent())
      .toMatch(/^⚠ .*This is the folder this Claude Code Studio runs from/);
    expect(await check.getAttribute('class')).toContain('caution');
    await screenshot(page, 'first-run-own-folder');
  });

  it('an agent that exits at once shows its exit code, last lines and what to try, and the studio stops after three quick exits', async () => {
    const s = setup();
    const running = await host(s, { agents: 0 });
    const quitter = join(s.root, 'quitter.js');
    writeFileSync(
      quitter,
      'process.stdout.write("Claude Code\\r\\nInvalid API key · Please run /login\\r\\n"); setTimeout(() => process.exit(1), 50);\n',
    );
    const page = await open(running.uiUrl);
    await page.locator('[data-testid="tile-commander"]').waitFor();
    await page.locator('[data-testid="add-agent"]').click();
    const form = page.locator('[data-testid="add-agent-form"]');
    await form.locator('input').first().fill('quitter');
    await form.locator('[data-testid="add-agent-kind"]').selectOption('command');
    await form.getByPlaceholder('bash').fill(`${process.execPath} ${quitter}`);
    await page.locator('[data-testid="add-agent-folder"]').fill(s.project);
    await expect
      .poll(() => page.locator('[data-testid="add-agent-folder-check"]').textContent())
      .toMatch(/✓/);
    await form.getByRole('button', { name: 'Add and start' }).click();
    // The start is reported as what happened: it exited.
    await expect
      .poll(() => page.locator('[data-testid="notice"]').textContent())
      .toMatch(/quitter exited with code 1 after/);
    const panel = page.locator('[data-testid="exit-quitter"]');
    await panel.waitFor();
    await expect
      .poll(() => page.locator('[data-testid="exit-tail-quitter"]').textContent())
      .toContain('Invalid API key · Please run /login');
    await expect.poll(() => panel.textContent(), { timeout: 20_000 }).toMatch(/It keeps exiting/);
    expect(await panel.textContent()).toMatch(/quitter exited with code 1 after \d\.\d s/);
    // The cause first, said once that it keeps exiting, then the lines it was read from.
    const advice = (await page.locator('[data-testid="exit-advice-quitter"]').textContent()) ?? '';
    expect(advice).toMatch(
      /^Claude Code is not logged in.*run `claude` once in a terminal.* It keeps exiting \(3 times/,
    );
    expect((await panel.textContent())!.match(/keeps exiting/gi)).toHaveLength(1);
    const [adviceTop, tailTop] = await Promise.all(
      ['exit-advice-quitter', 'exit-tail-quitter'].map(
        async (id) => (await page.locator(`[data-testid="${id}"]`).boundingBox())!.y,
      ),
    );
    expect(adviceTop).toBeLessThan(tailTop!);
    expect(withParts(running.studio).agents.require('quitter').lastExit).toMatchObject({
      gaveUp: true,
      quickExits: 3,
    });
    await page.locator('[data-testid="exit-start-quitter"]').waitFor();
    await screenshot(page, 'exit-panel');

    // Mail to it is stored, and the sender is told nobody will be woken.
    const sendBox = page.locator('[data-testid="send-box"]');
    await sendBox.getByLabel('Send to').selectOption('quitter');
    await sendBox.getByPlaceholder('Message as you…').fill('are you there?');
    await sendBox.getByPlaceholder('Message as you…').press('Enter');
    await expect
      .poll(() => page.locator('[data-testid="notice"]').textContent())
      .toMatch(/quitter is not running, so nobody will wake it until it runs/);
  });

  it("an agent on Claude Code's folder-trust question: its tile says it waits for you, and what for", async () => {
    const s = setup();
    const running = await host(s, { agents: 0 });
    // Claude Code 2.1.332's question as recorded, shown by a program that then waits.
    const screen = readFileSync(
      join(process.cwd(), 'test/fixtures/screens/claude-2.1.332/trust.txt'),
      'utf8',
    ).replace(/\n/g, '\r\n');
    const asker = join(s.root, 'asker.js');
    writeFileSync(asker, `process.stdout.write(${JSON.stringify(screen)}); setInterval(() => {}, 1000);\n`);
    withParts(running.studio).agents.add({
      name: 'newbie',
      cwd: s.project,
      profile: { kind: 'command', command: process.execPath, args: [asker] },
    });
    withParts(running.studio).sessions.start('newbie', { cols: 120, rows: 36 });
    const page = await open(running.uiUrl);
    const alert = page.locator('[data-testid="waiting-newbie"]');
    await expect
      .poll(() => alert.textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `^newbie is waiting for you: trust this folder\\? Claude Code asks whether you trust ${s.project}`,
        ),
      );
    expect(await page.locator('[data-testid="state-newbie"]').textContent()).toBe('trust this folder?');
    await screenshot(page, 'trust-question');
  });

  it('a tab left open across a restart of the studio reconnects by itself and its feed keeps the history', async () => {
    const s = setup();
    let running = await host(s, { agents: 1 });
    const port = running.http.port;
    const page = await open(running.uiUrl);
    await page.locator('[data-testid="tile-agent-1"]').waitFor();
    await running.studio.service.sendMessage({ to: 'agent-1', body: 'before the restart' });
    const task = await running.studio.service.createTask({ title: 'Survive a restart' });
    await expect
      .poll(() => page.locator('[data-testid="feed"]').textContent())
      .toContain('before the restart');

    // A message half typed when the studio goes away is still there when the tab is back.
    const box = page.locator('[data-testid="send-box"]');
    await box.locator('select').selectOption('agent-1');
    await box.getByLabel('Message').fill('half typed when the studio went');

    await running.stop();
    hosts.splice(hosts.indexOf(running), 1);
    await page.locator('[data-testid="reconnecting"]').waitFor();
    running = await host(s, { agents: 1, port });
    // The same page, never reloaded by hand: back with its tiles and the feed from the database.
    await page.locator('[data-testid="reconnecting"]').waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid="tile-agent-1"]').waitFor();
    const feed = page.locator('[data-testid="feed"]');
    await expect.poll(() => feed.textContent()).toContain('before the restart');
    await expect.poll(() => feed.textContent()).toContain(`created #${task.id} "Survive a restart"`);
    expect(await page.locator('.banner.error').count()).toBe(0);
    expect(await box.getByLabel('Message').inputValue()).toBe('half typed when the studio went');
    expect(await box.locator('select').inputValue()).toBe('agent-1');
    await waitFor('the fake Claude Code in the tile', async () =>
      (await tileText(page, 'agent-1'))?.includes('Fake Claude Code'),
    );
  });
});
