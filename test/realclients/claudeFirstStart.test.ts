// The first start of the real Claude Code in the studio, as a newcomer meets it: a service it
// cannot reach, an account it is not logged in to, and the folder-trust question in worktrees the
// studio made. Run on every version in CLAUDE_TESTED where its behaviour differs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentStateLabel, exitLines } from '../../main/cli/kit/format.js';
import { claudeConfigFile } from '../../main/core/claude/claudeTrust.js';
import { defaultWorktreeParent } from '../../main/core/workspaces/workspaceNames.js';
import { claudeMissingReason, startClaudeCrew, waitFor, type ClaudeCrew } from '../support/claudeHarness.js';
import { INSTALL_TIMEOUT, installClaude } from '../support/claudeVersions.js';
import { crewScript } from '../support/crewScript.js';
import { freePort } from '../support/ports.js';
import { skipTitle } from '../support/skipReason.js';
import { waitFor as pollFor } from '../support/waitFor.js';

const TIMEOUT = 120_000;
let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/**
 * The person answers "Yes" to the folder-trust question in an agent's terminal, as they would:
 * moving to it one key at a time, watching the focus move (and pressing again when a key went
 * unseen: the dialog takes no keys for a moment after it is drawn), then Enter.
 */
async function answerYes(c: ClaudeCrew, name: string): Promise<void> {
  const focus = () => {
    const { state, reading } = c.studio.sessions.reading(name);
    if (state !== 'waiting_trust') throw new Error(`${name} is ${state}, not on the trust question`);
    const at = reading.options.findIndex((o) => o.focused);
    const yes = reading.options.findIndex((o) => o.label.startsWith('Yes'));
    return { at, yes };
  };
  for (let f = focus(), tries = 0; f.at !== f.yes; tries++) {
    if (tries > 20) throw new Error(`${name}'s trust question takes no keys`);
    c.studio.sessions.keys(name, [f.yes > f.at ? 'down' : 'up']);
    await new Promise((r) => setTimeout(r, 500));
    f = focus();
  }
  c.studio.sessions.keys(name, ['enter']);
}

/** The projects Claude Code's config records as trusted. */
function trusted(c: ClaudeCrew): string[] {
  const config = JSON.parse(readFileSync(claudeConfigFile({ HOME: c.home }), 'utf8')) as {
    projects?: Record<string, { hasTrustDialogAccepted?: boolean }>;
  };
  return Object.entries(config.projects ?? {})
    .filter(([, p]) => p.hasTrustDialogAccepted)
    .map(([k]) => k)
    .sort();
}

const SUITE = skipTitle('the first start of the real Claude Code in the studio', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it(
    'a Claude Code that cannot reach its service: the studio says so first, with the host and the error',
    async () => {
      // A HOME it never ran in (so it checks its service first), through a proxy that refuses:
      // the check fails the same way with or without a network here.
      const proxy = `http://127.0.0.1:${await freePort()}`;
      crew = await startClaudeCrew([{ name: 'offline' }], crewScript, {
        freshHome: true,
        env: { HTTPS_PROXY: proxy, https_proxy: proxy },
        noWait: true,
      });
      const c = crew;
      const first = await waitFor('its exit', () => c.agent('offline').lastExit ?? undefined);
      expect(first.advice).toMatch(
        /^Claude Code cannot reach its service \(api\.anthropic\.com: ECONNREFUSED\)\. Check this machine's network, and HTTPS_PROXY/,
      );
      expect(first.tail[0]).toBe('Unable to connect to Anthropic services');
      expect(first.tail.join('\n')).not.toMatch(/[\u2580-\u259F]/u);
      await c.studio.sessions.stop('offline');
      // The person's start says it too, the cause before the lines.
      await expect(c.studio.sessions.startSettled('offline')).rejects.toThrow(
        /^offline exited with code 1 after \d+\.\d s\. Claude Code cannot reach its service \(api\.anthropic\.com: ECONNREFUSED\)/,
      );
      const listed = exitLines(c.agent('offline'), '');
      expect(listed[0]).toMatch(/Claude Code cannot reach its service/);
      expect(listed).toContain('| Failed to connect to api.anthropic.com: ECONNREFUSED');
      await c.studio.sessions.stop('offline');
    },
    TIMEOUT,
  );

  it(
    'a Claude Code that is not logged in waits for the person, named so, and mail says it',
    async () => {
      crew = await startClaudeCrew([{ name: 'nologin' }], crewScript, {
        env: { ANTHROPIC_API_KEY: undefined },
        noWait: true,
      });
      const c = crew;
      await waitFor('nologin to wait for a login', () => c.agent('nologin').state === 'waiting_login');
      expect(agentStateLabel(c.agent('nologin'))).toBe('waiting for you: not logged in');
      const sent = await c.studio.service.sendMessage({ to: 'nologin', body: 'hello' });
      expect(sent.warning).toMatch(/nologin's Claude Code is not logged in/);
      // Nothing was typed into it: the wake waits for the login.
      expect(c.studio.wake.recentWakes()).toEqual([]);
    },
    TIMEOUT,
  );
});

const versions = ['2.0.50', '2.1.200', '2.1.330', '2.1.332'] as const;
const bins = new Map<string, string>();

const TRUST = skipTitle('the folder-trust question in worktrees, on each version', claudeMissingReason);
describe.skipIf(claudeMissingReason)(TRUST, () => {
  beforeAll(async () => {
    for (const v of versions) bins.set(v, await installClaude(v));
  }, INSTALL_TIMEOUT * 2);

  for (const version of versions) {
    it(
      `${version}: a worktree of a repository the person trusted starts to idle, never asking`,
      async () => {
        crew = await startClaudeCrew([{ name: 'trusty', worktree: true }], crewScript, {
          claudeCommand: bins.get(version)!,
          trust: 'repository',
        });
        const c = crew;
        expect(c.agent('trusty').state).toBe('idle');
        const worktree = join(defaultWorktreeParent(c.work), 'trusty');
        // 2.1.200 and newer read a worktree's trust from its repository: the studio writes nothing.
        // Older ones ask in each worktree: the studio recorded the repository's trust for it.
        expect(trusted(c)).toEqual(version === '2.0.50' ? [c.work, worktree].sort() : [c.work]);
      },
      TIMEOUT,
    );
  }

  for (const version of ['2.0.50', '2.1.332'] as const) {
    it(
      `${version}: in a repository not trusted yet each agent says "trust this folder?"; one yes starts the others`,
      async () => {
        crew = await startClaudeCrew(
          [
            { name: 'lead', commander: true },
            { name: 'eng-1', worktree: true },
            { name: 'eng-2', worktree: true },
          ],
          crewScript,
          { claudeCommand: bins.get(version)!, trust: 'none', noWait: true },
        );
        const c = crew;
        for (const name of ['lead', 'eng-1', 'eng-2'])
          await waitFor(`${name} on the trust question`, () => c.agent(name).state === 'waiting_trust');
        expect(agentStateLabel(c.agent('eng-1'))).toBe('waiting for you: trust this folder?');
        expect(existsSync(join(defaultWorktreeParent(c.work), 'eng-1'))).toBe(true);
        // The person says yes in the repository's own folder (the commander's terminal).
        await answerYes(c, 'lead');
        for (const name of ['lead', 'eng-1', 'eng-2'])
          await pollFor(`${name} idle`, () => c.agent(name).state === 'idle', {
            timeoutMs: 60_000,
            describe: () => `${name} is ${c.agent(name).state}:\n${c.studio.sessions.screen(name)}`,
          });
        expect(trusted(c)).toContain(c.work);
      },
      TIMEOUT,
    );
  }
});
