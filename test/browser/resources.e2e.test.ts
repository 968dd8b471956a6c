// The resources view over real Claude Code agents (the model stub answering, Debian's Chromium):
// three agents at work, two put to sleep in turn, the view read every second and charted every two (the
// studio's own timing shortened: minutes of a crew, not hours). Its table, its charts and its
// legend come from what the agents really held and spent; the shot is the README's picture.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserPrerequisites, launchChromium, SCREENSHOT_DIR } from '../support/browserHarness.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { crewScript } from '../support/crewScript.js';
import { skipTitle } from '../support/skipReason.js';
import { sleep } from '../support/waitFor.js';

const TIMING = { sampleEveryMs: 1000, historyEveryMs: 2000 };

let crew: ClaudeCrew | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await crew?.close();
});

const SUITE = skipTitle('The resources view over real Claude Code agents', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it("charts the crew's memory, agents awake and asleep, and each agent's tokens, biggest spender first", async () => {
    browserPrerequisites();
    crew = await startClaudeCrew([{ name: 'ann' }, { name: 'bob' }, { name: 'cy' }], crewScript, {
      studio: { resourceTiming: TIMING },
    });
    const c = crew;
    const person = c.studio.agents.person;
    const pongs = () => c.studio.bus.history(null).filter((m) => m.body === 'pong').length;
    /** One exchange: the person asks `to` to ping someone, who answers pong; then a pause. */
    const round = async (to: string, body: string) => {
      const before = pongs();
      c.studio.bus.send(person, to, body);
      await c.waitFor(`the pong for ${to}`, () => pongs() > before);
      await c.waitFor('the crew at rest', () =>
        ['ann', 'bob', 'cy'].every((n) => ['idle', 'asleep'].includes(c.agent(n).state)),
      );
      await sleep(2 * TIMING.historyEveryMs);
    };
    // ann pings bob most, cy pings ann once: ann spends most. bob sleeps, is woken by mail, then cy sleeps.
    await round('ann', 'ping bob');
    await round('cy', 'ping ann');
    await round('ann', 'ping bob');
    await c.studio.service.sleepAgent('bob');
    await sleep(3 * TIMING.historyEveryMs);
    await round('ann', 'ping bob');
    await c.waitFor('each turn counted', () =>
      ['ann', 'bob', 'cy'].every((n) => (c.agent(n).usage?.tokens ?? 0) > 0),
    );
    await c.studio.service.sleepAgent('cy');
    await sleep(3 * TIMING.historyEveryMs);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(c.uiUrl);
    await page.locator('[data-testid="resources-button"]').click();
    await page.locator('[data-testid="memory-chart"]').waitFor();
    // The table: each agent's memory now (cy's 0, asleep) and tokens in the last hour.
    const report = c.studio.resources.report();
    expect(report.history.length).toBeGreaterThan(15);
    const cost = (n: string) => report.now.find((x) => x.name === n)!;
    expect(cost('cy')).toMatchObject({ asleep: true, memoryBytes: 0 });
    for (const n of ['ann', 'bob']) expect(cost(n).memoryBytes).toBeGreaterThan(50 * 2 ** 20);
    expect(await page.locator('[data-testid="cost-cy"]').textContent()).toContain('asleep');
    // The chart's points: all three awake, bob asleep, all awake again (mail woke bob), cy asleep.
    const asleep = report.history.map((p) =>
      p.agents
        .filter((a) => a.asleep)
        .map((a) => a.name)
        .join(),
    );
    const changes = asleep.filter((x, i) => i === 0 || x !== asleep[i - 1]);
    expect(changes).toEqual(['', 'bob', '', 'cy']);
    // Three lines of tokens, the biggest spender first in the legend.
    expect(await page.locator('[data-testid="tokens-chart"] path').count()).toBe(3);
    const legend = (await page.locator('[data-testid="tokens-legend"]').textContent()) ?? '';
    expect(legend.indexOf('ann')).toBeLessThan(legend.indexOf('cy'));
    expect(cost('ann').tokens).toBeGreaterThan(cost('cy').tokens);
    await page.mouse.move(0, 0);
    await page.locator('[role="dialog"]').screenshot({ path: join(SCREENSHOT_DIR, 'resources.png') });
  }, 240_000);
});
