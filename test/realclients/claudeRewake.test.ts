// Waking an idle Claude Code with nothing typed, with the real CLI (each version of the matrix and
// the two either side of the first that has it) and the model stub: the waiter hook the studio
// leaves at each start and turn end (asyncRewake) wakes the model with the notice of its mail. The
// person's draft in the input box stays as it was; one waiter per agent lives, and none outlives
// its agent. Versions without it are typed into, as before, once the person's draft is gone.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_TESTED, compareVersions, supportsAsyncRewake } from '../../main/core/claude/claudeVersion.js';
import { isTerminalReport } from '../../main/core/sessions/terminalReports.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { runCli } from '../support/cliProcess.js';
import { INSTALL_TIMEOUT, installClaude } from '../support/claudeVersions.js';
import { crewScript } from '../support/crewScript.js';
import { skipTitle } from '../support/skipReason.js';

const TIMEOUT = 180_000;
/** The matrix, and the last version without asyncRewake and the first with it (found by bisecting the registry). */
const VERSIONS = [...new Set([...CLAUDE_TESTED, '2.1.63', '2.1.64'])].sort(compareVersions);
const NOTICE = '[studio] You have 1 new message from user. Call check_inbox now and act on it.';
const DRAFT = 'half a sentence the person is';

let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

const bins = new Map<string, string>();

/**
 * The waiter processes of one crew's agent still alive (its hook.json path names the agent): the
 * reporters themselves, not the shell Claude Code runs each in.
 */
function waitersOf(c: ClaudeCrew, name: string): number {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((l) => !l.startsWith('/bin/sh') && l.includes(`${c.dataDir}/agents/${name}/hook.json`))
    .filter((l) => / wait\s*$/.test(l)).length;
}

/** Everything written to an agent's terminal from now on, less the emulator's own replies. */
function watchWrites(c: ClaudeCrew, agentId: number): string[] {
  const pty = c.studio.sessions.get(agentId)!.pty;
  const writes: string[] = [];
  const write = pty.write.bind(pty);
  pty.write = (data: string) => {
    if (!isTerminalReport(data)) writes.push(data);
    return write(data);
  };
  return writes;
}

const SUITE = skipTitle('Claude Code: woken with nothing typed', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  beforeAll(async () => {
    for (const v of VERSIONS) bins.set(v, await installClaude(v));
  }, INSTALL_TIMEOUT * 3);

  for (const version of VERSIONS) {
    const rewakes = supportsAsyncRewake(version);
    it(
      rewakes
        ? `${version}: mail wakes an idle agent through its waiter, nothing typed, the person's draft untouched; one waiter lives, none outlives the agent`
        : `${version}: no waiter; mail waits for the person's draft to go, then is typed`,
      async () => {
        crew = await startClaudeCrew([{ name: 'bob' }], crewScript, { claudeCommand: bins.get(version)! });
        const c = crew;
        const bob = c.agent('bob');
        await c.waitFor(
          'bob idle with the tools',
          () => c.agent('bob').state === 'idle' && c.studio.sessions.get(bob.id)?.toolsListed,
        );
        if (rewakes) await c.waitFor("bob's waiter", () => c.studio.waiters.isArmed(bob.id));
        const writes = watchWrites(c, bob.id);
        c.studio.sessions.input('bob', DRAFT);
        await c.waitFor('the draft in the input box', () =>
          c.studio.sessions.reading('bob').reading.input.includes(DRAFT),
        );
        writes.length = 0;
        const sent = await c.studio.service.sendMessage({ to: 'bob', body: 'hello' });

        if (!rewakes) {
          // Held while the draft is there, then typed once the person has cleared it.
          await new Promise((r) => setTimeout(r, 3000));
          expect(c.studio.bus.queuedFor(bob.id)).toHaveLength(1);
          expect(writes).toEqual([]);
          c.studio.sessions.input('bob', '\x7f'.repeat(DRAFT.length));
          await c.waitFor('bob to read hello', () => c.studio.bus.unreadCount(bob.id) === 0);
          expect(c.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: sent.id, via: 'typed' });
          return;
        }

        const woken = await c.waitFor('the notice to reach the model', () =>
          c.requestsFrom('bob').find((r) => r.notices.includes(NOTICE)),
        );
        expect(woken.prompt).not.toContain(DRAFT);
        await c.waitFor('bob to read hello', () => c.studio.bus.unreadCount(bob.id) === 0);
        await c.waitFor('bob idle again', () => c.agent('bob').state === 'idle');
        // Nothing typed: no byte reached its terminal, the draft is where the person left it, and
        // no model request carried it.
        expect(writes).toEqual([]);
        expect(c.studio.sessions.reading('bob').reading.input).toContain(DRAFT);
        expect(c.requestsFrom('bob').some((r) => JSON.stringify(r.messages).includes(DRAFT))).toBe(false);
        // The delivery says how, in `status --json` and in words.
        const status = await runCli(['--data', c.dataDir, 'status', '--json']);
        const deliveries = (
          JSON.parse(status.stdout) as { deliveries: Array<{ messageId: number; via: string }> }
        ).deliveries;
        expect(deliveries.find((d) => d.messageId === sent.id)).toMatchObject({
          via: 'rewake',
          state: 'read',
        });
        const words = await runCli(['--data', c.dataDir, 'status']);
        expect(words.stdout).toMatch(/woken by its hook, nothing typed, read .* after delivery/);

        // The turn's end left one more waiter: it wakes bob again, and the older ones are gone.
        await c.waitFor("bob's next waiter", () => c.studio.waiters.isArmed(bob.id));
        await c.studio.service.sendMessage({ to: 'bob', body: 'again' });
        await c.waitFor('bob to read again', () => c.studio.bus.unreadCount(bob.id) === 0);
        await c.waitFor(
          'bob idle and waiting once more',
          () => c.agent('bob').state === 'idle' && c.studio.waiters.isArmed(bob.id),
        );
        expect(c.studio.wake.recentWakes().map((w) => w.via)).toEqual(['rewake', 'rewake']);
        expect(writes).toEqual([]);
        await c.waitFor('one waiter process for bob', () => waitersOf(c, 'bob') === 1);
        // Stopped, it leaves none behind (2.1.200 would leave its background hooks running).
        await c.studio.sessions.stop('bob');
        await c.waitFor('no waiter process left', () => waitersOf(c, 'bob') === 0, 15_000);
      },
      TIMEOUT,
    );
  }
});
