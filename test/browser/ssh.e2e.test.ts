// The studio and SSH in the browser: the UI reached from "another machine" through `ssh -L` (the
// page on the forward's own address), and an agent on another machine added from the Add agent
// dialog, its tile showing the host. A real sshd on loopback (test/support/sshd.ts), the fake
// Claude Code on the remote side, Debian's Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startBrowserStudio, type BrowserStudio } from '../support/browserHarness.js';
import { FAKE_AGENT } from '../support/fakeAgentStudio.js';
import { accepts, freePort } from '../support/ports.js';
import { skipTitle } from '../support/skipReason.js';
import { installFakeClaude, REMOTE_ALIAS, sshdMissingReason, startSshd, type Sshd } from '../support/sshd.js';
import { waitFor } from '../support/waitFor.js';

const SUITE = skipTitle('browser mode over SSH', sshdMissingReason);

describe.skipIf(sshdMissingReason)(SUITE, () => {
  let sshd: Sshd;
  let studio: BrowserStudio;
  let browser: Browser;
  let tunnel: ChildProcess | undefined;
  let remoteClaude: string;

  beforeAll(async () => {
    // Shared loopback: here the studio stands for the one on the workstation (the sshd's side),
    // which the laptop (this test) reaches through `ssh -L`.
    sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin' }, { network: 'shared' });
    remoteClaude = installFakeClaude(sshd, FAKE_AGENT);
    studio = await startBrowserStudio(0, { CCSTUDIO_SSH: sshd.sshCommand });
    browser = await launchChromium();
  });
  afterAll(async () => {
    tunnel?.kill();
    await browser?.close();
    await studio?.close();
    await sshd?.close();
  });

  it('opens the UI through `ssh -L` from another machine, and it works there', async () => {
    const studioPort = new URL(studio.running.uiUrl).port;
    let local = 0;
    // The laptop's forward to the workstation's loopback, as the README says to run it.
    for (let attempt = 0; attempt < 5 && !local; attempt++) {
      const port = await freePort();
      tunnel = spawn(
        sshd.sshCommand,
        ['-N', '-o', 'ExitOnForwardFailure=yes', '-L', `${port}:127.0.0.1:${studioPort}`, REMOTE_ALIAS],
        { stdio: 'ignore' },
      );
      const up = await waitFor('the forward', async () =>
        tunnel!.exitCode !== null ? 'exited' : (await accepts(port)) ? 'up' : undefined,
      );
      if (up === 'up') local = port;
    }
    expect(local).toBeGreaterThan(0);
    const url = studio.running.uiUrl.replace(`127.0.0.1:${studioPort}`, `localhost:${local}`);
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('[data-testid="new-task"]').click();
    await page.getByLabel('Title').fill('Made through the tunnel');
    await page.getByRole('button', { name: 'Create' }).click();
    await waitFor('the task stored', () =>
      studio.core.board.list({}).some((t) => t.title === 'Made through the tunnel'),
    );
    // Another local page cannot use the forward: its Origin is not the forward's own.
    const foreign = await fetch(`http://localhost:${local}/api/ui-code`, {
      method: 'POST',
      headers: { origin: 'http://localhost:3000' },
    });
    expect(foreign.status).toBe(403);
    await page.close();
  });

  it('adds an agent on another machine from the dialog; its tile shows the host and it runs there', async () => {
    const page = await browser.newPage();
    await page.goto(studio.running.uiUrl);
    await page.locator('[data-testid="add-agent"]').click();
    const form = page.locator('[data-testid="add-agent-form"]');
    await form.getByLabel('Name').fill('builder');
    await page.locator('[data-testid="add-agent-where"]').selectOption('ssh');
    await page.locator('[data-testid="add-agent-ssh"]').fill(REMOTE_ALIAS);
    await page.locator('[data-testid="add-agent-remote-cwd"]').fill(sshd.remoteDir);
    await page.locator('[data-testid="add-agent-remote-claude"]').fill(remoteClaude);
    await form.getByRole('button', { name: 'Add and start' }).click();
    await page.locator('[data-testid="tile-builder"]').waitFor();
    expect(await page.locator('[data-testid="host-builder"]').textContent()).toBe('on studio-remote');
    await waitFor('builder idle on the remote', async () =>
      /idle/.test((await page.locator('[data-testid="state-builder"]').textContent()) ?? ''),
    );
    const agent = studio.core.agents.require('builder');
    expect(agent.ssh).toEqual({ dest: REMOTE_ALIAS, command: remoteClaude });
    expect(agent.cwd).toBe(sshd.remoteDir);
    await page.close();
  });

  it('adds a worktree agent on a repository there; its tile shows its branch and changes, and the review opens', async () => {
    const repo = `${sshd.remoteDir}/webapp`;
    const git = (cwd: string, ...args: string[]) =>
      sshd.asRemote(['git', '-C', cwd, '-c', 'user.name=R', '-c', 'user.email=r@remote.test', ...args]);
    sshd.asRemote(['mkdir', repo]);
    git(repo, 'init', '--quiet', '--initial-branch=main');
    sshd.asRemote(['sh', '-c', `printf 'one\\n' > '${repo}/app.txt'`]);
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'first');

    const page = await browser.newPage();
    await page.goto(studio.running.uiUrl);
    await page.locator('[data-testid="add-agent"]').click();
    const form = page.locator('[data-testid="add-agent-form"]');
    await form.getByLabel('Name').fill('webdev');
    await page.locator('[data-testid="add-agent-where"]').selectOption('ssh');
    await page.locator('[data-testid="add-agent-ssh"]').fill(REMOTE_ALIAS);
    await page.locator('[data-testid="add-agent-remote-cwd"]').fill(repo);
    await page.locator('[data-testid="add-agent-remote-claude"]').fill(remoteClaude);
    await page.locator('[data-testid="add-agent-remote-worktree"]').check();
    await page.locator('[data-testid="add-agent-remote-base"]').fill('main');
    await form.getByRole('button', { name: 'Add and start' }).click();
    await page.locator('[data-testid="tile-webdev"]').waitFor();
    const ws = studio.core.agents.require('webdev').workspace!;
    expect(ws).toMatchObject({
      repo,
      path: `${sshd.remoteDir}/webapp-worktrees/webdev`,
      branch: 'ccstudio/webdev/work',
    });
    await waitFor('webdev idle in its worktree there', async () =>
      /idle/.test((await page.locator('[data-testid="state-webdev"]').textContent()) ?? ''),
    );
    // The agent's edit there; the badge reads it at the next refresh (a turn's end, or a review).
    sshd.asRemote(['sh', '-c', `printf 'one\\ntwo\\n' > '${ws.path}/app.txt'`]);
    await page.locator('[data-testid="changes-webdev"]').click();
    await waitFor('the review of the change there', async () =>
      /app\.txt/.test((await page.locator('[data-testid="review"]').textContent()) ?? ''),
    );
    let lastBadge = '';
    await waitFor(
      'the badge counts it',
      async () =>
        /ccstudio\/webdev\/work · 1 file \+1 −0/.test(
          (lastBadge = (await page.locator('[data-testid="changes-webdev"]').textContent()) ?? ''),
        ),
      { describe: () => `badge: ${lastBadge}` },
    );
    await page.close();
  });
});
