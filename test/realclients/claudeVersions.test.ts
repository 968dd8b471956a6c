// Every Claude Code version the studio claims (CLAUDE_TESTED) and the newest on the registry, each
// installed on demand into test/tools/versions/<version> and run as studio agents against the
// model stub: idle is seen, a wake goes once (by the waiter hook, typed where the CLI has none), a
// permission prompt is seen and answered, and mail for a busy agent is handed over at the end of its
// turn. The table in docs/team.md comes from here.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_TESTED, compareVersions, supportsAsyncRewake } from '../../main/core/claude/claudeVersion.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { crewScript } from '../support/crewScript.js';
import { INSTALL_TIMEOUT, installClaude } from '../support/claudeVersions.js';
import { skipTitle } from '../support/skipReason.js';

const run = promisify(execFile);
const TIMEOUT = 240_000;
/**
 * The studio answers the agents' MCP requests this late after they start, as it may on a loaded
 * machine: each version draws its prompt first (2 to 4 s here), so a wake typed at the prompt
 * would reach a Claude Code without the studio's tools.
 */
const MCP_LATE_MS = 8000;

/** The newest version on the registry, or why it cannot be asked. */
async function newestOnRegistry(): Promise<{ version?: string; why?: string }> {
  try {
    const { stdout } = await run('npm', ['view', '@anthropic-ai/claude-code', 'version'], {
      timeout: 60_000,
    });
    return { version: stdout.trim() };
  } catch (err) {
    return { why: `the npm registry did not answer (${(err as Error).message.split('\n')[0]})` };
  }
}

let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

const newest: { version?: string; why?: string } = {};
const bins = new Map<string, string>();

const SUITE = skipTitle('Claude Code versions the studio supports', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  beforeAll(async () => {
    Object.assign(newest, await newestOnRegistry());
    const all = [...new Set([...CLAUDE_TESTED, ...(newest.version ? [newest.version] : [])])];
    for (const v of all) bins.set(v, await installClaude(v));
  }, INSTALL_TIMEOUT * 2);

  for (const version of [...CLAUDE_TESTED, 'newest']) {
    it(
      `${version}: idle seen, woken once (its waiter, or typed), a permission prompt answered, busy mail handed over at turn end`,
      async () => {
        const v = version === 'newest' ? newest.version : version;
        if (!v) throw new Error(`no newest version: ${newest.why}`);
        // A release newer than the table runs here all the same; the table is then behind.
        if (compareVersions(v, CLAUDE_TESTED[CLAUDE_TESTED.length - 1]!) > 0)
          process.stderr.write(
            `Claude Code ${v} is newer than CLAUDE_TESTED: add it there and to the table in docs/team.md.\n`,
          );
        const claude = bins.get(v)!;
        crew = await startClaudeCrew(
          [{ name: 'bob' }, { name: 'carol', args: ['--permission-mode', 'default'] }],
          crewScript,
          // MCP answered late, as on a loaded machine: the first wake must wait for the tools.
          { claudeCommand: claude, mcpLateMs: MCP_LATE_MS },
        );
        const c = crew;
        const waitFor = c.waitFor;
        expect(c.agent('bob').cliVersion).toBe(v);
        const person = c.studio.agents.person;
        // An idle agent woken once: by its waiter hook where the version has one, else typed.
        const via = supportsAsyncRewake(v) ? 'rewake' : 'typed';
        c.studio.bus.send(person, 'bob', 'hello');
        await waitFor('bob to read hello', () => c.studio.bus.unreadCount(c.agent('bob').id) === 0);
        await waitFor('the wake to be verified', () => c.studio.wake.recentWakes()[0]);
        const wakeTurns = c
          .requestsFrom('bob')
          .filter((r) => r.notices.length > 0 && r.toolResults.length === 0);
        expect(wakeTurns).toHaveLength(1);
        expect(c.studio.wake.recentWakes()[0]).toMatchObject({ via, submitted: true });
        await waitFor('bob idle', () => c.agent('bob').state === 'idle');
        // Mail during a busy turn: handed over by the Stop hook when the turn ends.
        c.studio.bus.send(person, 'bob', 'slow');
        await waitFor('bob busy', () => c.agent('bob').state === 'busy');
        await waitFor('bob thinking about slow', () =>
          c.requestsFrom('bob').some((r) => r.toolResults.some((t) => t.text.includes('"text":"slow"'))),
        );
        c.studio.bus.send(person, 'bob', 'while busy');
        await waitFor('bob to read the busy mail', () => c.studio.bus.unreadCount(c.agent('bob').id) === 0);
        const bobWakes = c.studio.wake.recentWakes().filter((w) => w.agentId === c.agent('bob').id);
        expect(bobWakes.map((w) => w.via)).toEqual([via, via, 'turn_end']);
        // A permission prompt is seen, and the person's answer goes through.
        c.studio.bus.send(person, 'carol', 'run');
        await waitFor(
          'carol on the permission prompt',
          () => c.agent('carol').state === 'waiting_permission',
        );
        // 2.1.330 and later ignore keys for a moment after a dialog opens (no accidental approval).
        await new Promise((r) => setTimeout(r, 1000));
        await c.studio.service.sendKeys('carol', ['1']);
        await waitFor('the command to run', () => existsSync(join(c.work, 'ran-by-agent.txt')));
        await waitFor('carol idle', () => c.agent('carol').state === 'idle');
      },
      TIMEOUT,
    );
  }
});
