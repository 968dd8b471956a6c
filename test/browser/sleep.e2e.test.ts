// Sleep and the resources view in the browser, end to end: real studio, real PTYs (the fake Claude
// Code), Debian's Chromium. A tile's Sleep puts its agent to sleep (its process gone, its tile says
// so above its last screen); typing into the tile, or a click into it, wakes it; the resources view lists what each
// agent costs.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startBrowserStudio, type BrowserStudio } from '../support/browserHarness.js';
import { waitFor } from '../support/waitFor.js';

let studio: BrowserStudio;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  studio = await startBrowserStudio(2);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1600, height: 900 } })).newPage();
  await page.goto(studio.running.uiUrl);
  await page.locator('[data-testid="tile-agent-1"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

const core = () => studio.core;
const tile = (name: string) => page.locator(`[data-testid="tile-${name}"]`);

describe('browser mode: agents that sleep, and what they cost', () => {
  it('puts an agent to sleep from its tile, shows it asleep, and wakes it when the person types there or clicks in', async () => {
    await waitFor('agent-1 idle', () => core().agents.require('agent-1').state === 'idle', {
      timeoutMs: 20_000,
    });
    const pid = core().sessions.get(core().agents.require('agent-1').id)!.pty.pid!;
    await page.locator('[data-testid="sleep-agent-1"]').click();
    await page.locator('[data-testid="asleep-agent-1"]').waitFor();
    expect(await page.locator('[data-testid="state-agent-1"]').textContent()).toBe('asleep');
    expect(core().agents.require('agent-1').sleep.asleepSince).toEqual(expect.any(Number));
    expect(() => process.kill(pid, 0)).toThrow();
    // Typing into the tile wakes it: its keys go nowhere (nothing was there to take them).
    // (focused without a click, which would wake it by itself)
    await tile('agent-1').locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('x');
    await waitFor('agent-1 awake', () => core().agents.require('agent-1').state === 'idle', {
      timeoutMs: 20_000,
    });
    await page.locator('[data-testid="asleep-agent-1"]').waitFor({ state: 'detached' });
    expect(core().agents.require('agent-1').sleep.asleepSince).toBeNull();
    // Asleep again, a click into its terminal alone wakes it: nothing typed.
    await core().sleep.sleep('agent-1');
    await page.locator('[data-testid="asleep-agent-1"]').waitFor();
    await tile('agent-1').locator('.xterm').click();
    await waitFor('agent-1 awake after a click', () => core().agents.require('agent-1').state === 'idle', {
      timeoutMs: 20_000,
    });
    await page.locator('[data-testid="asleep-agent-1"]').waitFor({ state: 'detached' });
  });

  it('a pin keeps an agent awake: Sleep is refused with the reason', async () => {
    await page.locator('[data-testid="pin-agent-2"]').click();
    await waitFor('agent-2 pinned', () => core().agents.require('agent-2').sleep.pinned);
    await waitFor('agent-2 idle', () => core().agents.require('agent-2').state === 'idle', {
      timeoutMs: 20_000,
    });
    await page.locator('[data-testid="sleep-agent-2"]').click();
    await page.getByText('Not putting agent-2 to sleep: it is pinned awake.').waitFor();
    expect(core().agents.require('agent-2').state).toBe('idle');
  });

  it("lists each agent's memory and tokens in the last hour in the resources view, and the crew's", async () => {
    await core().resources.sample();
    await page.locator('[data-testid="resources-button"]').click();
    const row = page.locator('[data-testid="cost-agent-2"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/^agent-2\d+(\.\d)? MB0$/);
    expect(await page.locator('[data-testid="cost-total"]').textContent()).toMatch(/MB$/);
    await page.keyboard.press('Escape');
  });
});
