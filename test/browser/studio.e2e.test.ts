// The studio in a browser, end to end: real studio, real PTYs, Debian's Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcpClient } from '../support/studioHarness.js';
import {
  dragOnto,
  launchChromium,
  screenshot,
  startBrowserStudio,
  tileText,
  type BrowserStudio,
} from '../support/browserHarness.js';
import { waitFor } from '../support/waitFor.js';
import { codeLink, writeOpenPage } from '../../main/cli/kit/openLink.js';

let studio: BrowserStudio;
let browser: Browser;
let page: Page;

let promptLog: string;
/** Prompts submitted in the fake Claude Code terminals (one JSON string a line). */
const promptsOf = (): string[] =>
  existsSync(promptLog)
    ? readFileSync(promptLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string)
    : [];

beforeAll(async () => {
  promptLog = join(tmpdir(), `ccstudio-prompts-${process.pid}-${Date.now()}.log`);
  studio = await startBrowserStudio(1, { FAKE_PROMPT_LOG: promptLog, FAKE_PERMISSION: '1' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(studio.running.uiUrl);
  await page.locator('[data-testid="tile-agent-1"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

const screenOf = (name: string) => studio.core.sessions.screen(name);

describe('browser mode', () => {
  it('takes the token out of the address bar and shows one tile per agent, commander first', async () => {
    expect(page.url()).not.toContain('token=');
    const tiles = await page
      .locator('[data-testid^="tile-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(tiles).toEqual(['tile-commander', 'tile-agent-1']);
    await expect.poll(() => page.locator('[data-testid="tile-commander"] .commander').count()).toBe(1);
  });

  it("a tile shows its agent's terminal and sends typed keys back to its PTY", async () => {
    await waitFor('the fake Claude Code in the tile', async () =>
      (await tileText(page, 'agent-1'))?.includes('Fake Claude Code'),
    );
    await expect.poll(() => page.locator('[data-testid="state-agent-1"]').textContent()).toBe('idle');
    await page.locator('[data-testid="terminal-agent-1"]').click();
    await page.keyboard.type('hello from the browser');
    await waitFor('the keys in the PTY', () => screenOf('agent-1').includes('hello from the browser'));
    // ...and the echo comes back into the tile.
    await waitFor('the echo in the tile', async () =>
      (await tileText(page, 'agent-1'))?.includes('hello from the browser'),
    );
    // Clear the input box again so the agent is idle with an empty prompt for the wake.
    for (let i = 0; i < 'hello from the browser'.length; i++) await page.keyboard.press('Backspace');
    await waitFor('an empty box', () => !screenOf('agent-1').includes('hello from the browser'));
    await screenshot(page, 'tile-typing');
  });

  it('a new task dragged onto a tile is dispatched: the card moves to assigned and the agent is woken', async () => {
    const output: string[] = [];
    const agentId = studio.core.agents.require('agent-1').id;
    const sub = studio.core.sessions.onDidOutput((e) => e.agentId === agentId && output.push(e.data));
    try {
      await page.getByRole('button', { name: 'New task' }).first().click();
      const form = page.locator('[data-testid="task-form"]');
      await form.locator('input[name="title"]').fill('Write the release notes');
      await form.locator('textarea[name="body"]').fill('Cover the board and the tiles.');
      await form.locator('select[name="priority"]').selectOption('high');
      await form.getByRole('button', { name: 'Create' }).click();
      const card = page.locator('[data-testid="column-backlog"] [data-testid^="card-"]');
      await card.waitFor();
      const id = Number((await card.getAttribute('data-testid'))!.slice(5));

      await dragOnto(page, card, page.locator('[data-testid="tile-agent-1"]'), () =>
        screenshot(page, 'dragging-onto-tile'),
      );

      await page.locator(`[data-testid="column-assigned"] [data-testid="card-${id}"]`).waitFor();
      const task = studio.core.board.detail(id);
      expect(task).toMatchObject({ status: 'assigned', assignee: 'agent-1' });
      // The wake prompt is typed into agent-1's terminal, once, and submitted.
      const prompts = await waitFor(
        'the wake prompt submitted in agent-1',
        () => {
          const p = promptsOf();
          return p.length > 0 && p;
        },
        {
          timeoutMs: 15_000,
          describe: () =>
            `state ${studio.core.agents.require('agent-1').state}; screen:\n${screenOf('agent-1')}`,
        },
      );
      expect(prompts).toEqual([
        expect.stringContaining(`You have a new task (#${id}) from user. Call check_inbox now`),
      ]);
      expect(output.join('')).toContain('[studio] You have a new task');
      await waitFor('the feed line', async () =>
        (await page.locator('[data-testid="feed"]').textContent())?.includes(`#${id}`),
      );
      await screenshot(page, 'dispatched');
    } finally {
      sub.dispose();
    }
  });

  it("an agent's update_task moves its card live", async () => {
    const [task] = studio.core.board.list({ assignee: 'agent-1' });
    expect(task).toBeDefined();
    // Act as agent-1 over MCP (a fresh token: the fake Claude Code does not use its own).
    const token = studio.core.agents.rotateToken('agent-1');
    const mcp = await connectMcpClient(studio.running.http.url, token);
    try {
      await mcp.callTool({ name: 'update_task', arguments: { task_id: task!.id, status: 'in_progress' } });
      await page.locator(`[data-testid="column-in_progress"] [data-testid="card-${task!.id}"]`).waitFor();
      await mcp.callTool({
        name: 'update_task',
        arguments: { task_id: task!.id, status: 'done', result: 'Release notes written.' },
      });
      await page.locator(`[data-testid="column-done"] [data-testid="card-${task!.id}"]`).waitFor();
    } finally {
      await mcp.close();
    }
    // The detail shows the history and the result.
    await page.locator(`[data-testid="card-${task!.id}"]`).click();
    const detail = page.locator('[data-testid="task-detail"]');
    await detail.waitFor();
    await expect
      .poll(() => detail.locator('[data-testid="task-result"]').textContent())
      .toBe('Release notes written.');
    expect(await detail.locator('.history li').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'task-detail');
    await page.keyboard.press('Escape');
  });

  it('refuses a bad drop with a clear notice and changes nothing', async () => {
    await page.getByRole('button', { name: 'New task' }).first().click({ timeout: 5000 });
    const form = page.locator('[data-testid="task-form"]');
    await form.locator('input[name="title"]').fill('Unassigned work');
    await form.getByRole('button', { name: 'Create' }).click();
    const card = page.locator('[data-testid="column-backlog"] [data-testid^="card-"]').first();
    await card.waitFor();
    const id = Number((await card.getAttribute('data-testid'))!.slice(5));
    await dragOnto(page, card, page.locator('[data-testid="column-review"]'));
    await expect
      .poll(() => page.locator('[data-testid="notice"]').textContent(), { timeout: 5000 })
      .toContain('nobody on it');
    expect(studio.core.board.detail(id).status).toBe('backlog');
  });

  it('sends a message as the person and shows it in the feed', async () => {
    const said: string[] = [];
    const onConsole = (m: { text(): string }) => void said.push(m.text());
    page.on('console', onConsole);
    // A reconnect mounts the window anew: said, if one happens while the message is sent.
    const sockets: string[] = [];
    const onSocket = (ws: { on(event: 'close', f: () => void): unknown }) => {
      sockets.push('opened');
      ws.on('close', () => sockets.push('closed'));
    };
    page.on('websocket', onSocket);
    const box = page.locator('[data-testid="send-box"]');
    await box.locator('select').selectOption('agent-1');
    await box.getByLabel('Message').fill('Please also update the changelog <script>alert(1)</script>');
    // What the form held as Send was pressed, for a failure to explain itself.
    const before = await box.evaluate((form) =>
      Array.from(form.querySelectorAll('select, input'))
        .map((e) => `${e.getAttribute('aria-label')}=${JSON.stringify((e as HTMLInputElement).value)}`)
        .join(' '),
    );
    await box.getByRole('button', { name: 'Send' }).click();
    let seen = '';
    await waitFor(
      'the message in the feed',
      async () => {
        // What the page shows besides the feed: the box, a notice, the reconnecting banner.
        seen = await page.evaluate(() =>
          [
            `box: ${JSON.stringify((document.querySelector('[data-testid="send-box"] input') as HTMLInputElement | null)?.value)}`,
            `notice: ${document.querySelector('[data-testid="notice"]')?.textContent ?? ''}`,
            `banner: ${document.querySelector('[data-testid="reconnecting"]')?.textContent ?? ''}`,
          ].join('; '),
        );
        return (await page.locator('[data-testid="feed"]').textContent())?.includes(
          'update the changelog <script>',
        );
      },
      {
        // Whether it reached the studio at all, and what the page said: a failure explains itself.
        describe: () =>
          `stored: ${studio.core.bus
            .history(null, { with: 'agent-1', limit: 5 })
            .some((m) =>
              m.body.startsWith('Please also update'),
            )}; at Send: ${before}; the last messages anywhere: ${JSON.stringify(
            studio.core.bus.recentActivity(3),
          )}; ${seen}; the page's sockets meanwhile: ${sockets.join(', ') || 'none'}; the page's console: ${said.join(' | ')}`,
      },
    );
    // Text, never markup.
    expect(await page.locator('[data-testid="feed"] script').count()).toBe(0);
    const inbox = studio.core.bus.history(null, { with: 'agent-1', limit: 5 });
    expect(inbox.some((m) => m.body.startsWith('Please also update the changelog'))).toBe(true);
    page.off('console', onConsole);
    page.off('websocket', onSocket);
  });

  it("the PTY follows the tile's size, and a reload brings back the screen and scrollback", async () => {
    const pty = () => studio.core.sessions.get(studio.core.agents.require('agent-1').id)!.pty;
    const tileSize = () =>
      page.evaluate(() => {
        const rows = document.querySelector('[data-testid="terminal-agent-1"] .xterm-rows');
        return rows ? rows.children.length : 0;
      });
    await waitFor('the PTY at the tile size', async () => pty().size.rows === (await tileSize()));
    expect(pty().size).not.toEqual({ cols: 120, rows: 36 });
    await page.reload();
    await waitFor('the old screen back after a reload', async () =>
      (await tileText(page, 'agent-1'))?.includes('You have a new task'),
    );
  });

  it('switches to the compact list and back, and maximizes one tile', async () => {
    await page.locator('[data-testid="toggle-layout"]').click();
    await page.locator('[data-testid="row-agent-1"]').click();
    await page.locator('[data-testid="tile-agent-1"]').waitFor();
    expect(await page.locator('[data-testid^="tile-"]').count()).toBe(1);
    await screenshot(page, 'list-layout');
    await page.locator('[data-testid="toggle-layout"]').click();
    await page.locator('[data-testid="tile-commander"]').waitFor();
    await page.locator('[data-testid="tile-agent-1"] button[title="Maximize"]').click();
    await page.locator('[data-testid="tile-commander"]').waitFor({ state: 'hidden' });
    await page.locator('[data-testid="tile-agent-1"] button[title="Back to the grid"]').click();
    await page.locator('[data-testid="tile-commander"]').waitFor({ state: 'visible' });
  });

  it('a permission prompt marks the tile as waiting for you, and is answered from the tile', async () => {
    await page.locator('[data-testid="terminal-agent-1"]').click();
    await page.keyboard.type('perm: create a file');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="waiting-agent-1"]').waitFor();
    expect(await page.locator('[data-testid="state-agent-1"]').textContent()).toBe('asks permission');
    expect(await page.locator('[data-testid="tile-agent-1"]').getAttribute('class')).toContain('waiting');
    await screenshot(page, 'waiting-for-you');
    await page.locator('[data-testid="terminal-agent-1"]').click();
    await page.keyboard.press('1');
    await page.locator('[data-testid="waiting-agent-1"]').waitFor({ state: 'detached' });
    await waitFor('agent-1 idle again', () => studio.core.agents.require('agent-1').state === 'idle');
  });

  it('adds an agent from the dialog and its tile comes up running', async () => {
    await page.locator('[data-testid="add-agent"]').click();
    const form = page.locator('[data-testid="add-agent-form"]');
    await form.locator('input').first().fill('bad name!');
    await form.getByRole('button', { name: 'Add and start' }).click();
    await expect.poll(() => form.locator('.form-error').textContent()).toBeTruthy();
    expect(studio.core.agents.get('bad name!')).toBeUndefined();
    await form.locator('input').first().fill('agent-2');
    await form.getByRole('button', { name: 'Add and start' }).click();
    await page.locator('[data-testid="tile-agent-2"]').waitFor();
    // Where the team works (the test's own project), never the checkout these tests run in.
    expect(studio.core.agents.require('agent-2').cwd).toBe(realpathSync(studio.project));
    await waitFor('agent-2 on screen', async () =>
      (await tileText(page, 'agent-2'))?.includes('Fake Claude Code'),
    );
    await screenshot(page, 'studio');
  });

  it('a hidden tab is sent no terminal output; shown again, its tile catches up', async () => {
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    // The studio sees the tab go: from now on the agent's output is not sent to it.
    await new Promise((r) => setTimeout(r, 300));
    studio.core.sessions.input('agent-1', 'typed while the tab was hidden');
    await waitFor('the echo in the PTY', () =>
      screenOf('agent-1').includes('typed while the tab was hidden'),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await tileText(page, 'agent-1')).not.toContain('typed while the tab was hidden');
    await setVisibility('visible');
    await waitFor('the tile to catch up', async () =>
      (await tileText(page, 'agent-1'))?.includes('typed while the tab was hidden'),
    );
    // And it is live again.
    studio.core.sessions.input('agent-1', ' and after');
    await waitFor('live output', async () => (await tileText(page, 'agent-1'))?.includes('and after'));
    studio.core.sessions.input('agent-1', '\u007f'.repeat('typed while the tab was hidden and after'.length));
    await waitFor('an empty box', () => !screenOf('agent-1').includes('typed while'));
  });

  it('a one-time link opens the studio through a private page; the tab lists its session, signs another out, and a replay signs it out', async () => {
    const base = studio.running.http.urls.base;
    const code = studio.running.http.issueUiCode();
    const viewport = { viewport: { width: 1200, height: 800 } };
    const first = await browser.newPage(viewport);
    const other = await browser.newPage(viewport);
    const again = await browser.newPage(viewport);
    try {
      const tabs = () => studio.running.studio.service.listTabs();
      /** The tab a page was let in as: the one session that was not there before it opened. */
      const letIn = async (go: () => Promise<unknown>, page: Page) => {
        const before = new Set((await tabs()).map((t) => t.id));
        await go();
        await page.locator('[data-testid="tile-agent-1"]').waitFor();
        return (await tabs()).find((t) => !before.has(t.id))!;
      };
      // Another tab, let in by the printed link.
      const theirs = await letIn(() => other.goto(studio.running.uiUrl), other);
      // What `ccstudio open` hands the browser: a private page's file:// address.
      const mine = await letIn(() => first.goto(writeOpenPage(studio.dataDir, codeLink(base, code))), first);
      expect(first.url()).toBe(`${base}/`);
      expect(mine.via).toBe('code');
      expect(theirs.via).toBe('token');

      await first.locator('[data-testid="tabs-button"]').click();
      const list = first.locator('[data-testid="tabs"]');
      await list.locator(`[data-testid="tab-${mine.id}"] [data-testid="this-tab"]`).waitFor();
      expect(await list.locator('[data-testid="this-tab"]').count()).toBe(1);
      expect(await list.locator(`[data-testid="tab-${mine.id}"]`).textContent()).toMatch(
        /Headless Chrome \d+ on Linux.*by a one-time link.*connected now/,
      );
      await screenshot(first, 'tabs');
      // Signing the other tab out disconnects it at once, and it cannot come back by itself.
      await list.locator(`[data-testid="end-tab-${theirs.id}"]`).click();
      await expect
        .poll(() => other.locator('.banner.error').textContent(), { timeout: 15_000 })
        .toMatch(/signed out from the studio/);
      await list.locator(`[data-testid="tab-${theirs.id}"]`).waitFor({ state: 'detached' });

      // The code presented again: refused, and the tab it let in first is signed out too.
      await again.goto(`${base}/#code=${code}`);
      await expect.poll(() => again.locator('.banner.error').textContent()).toMatch(/used already/);
      await expect
        .poll(() => first.locator('.banner.error').textContent(), { timeout: 15_000 })
        .toMatch(/used twice/);
    } finally {
      await first.close();
      await other.close();
      await again.close();
    }
  });
});
