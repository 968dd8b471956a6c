// A sandboxed worktree agent attacks the person's repository with the real Claude Code CLI inside
// its sandbox (bubblewrap) and the studio's git guard around it, as the issue "trust round two"
// found it done: its shell plants a config and hooks under .git with a commondir pointing at
// them, writes the person's branches (loose over packed ones too), index and other worktrees'
// files; its Write tool tries the commondir; then it dispatches a task to itself, so the studio
// runs git in the person's checkout. Nothing it tried lands, no planted program runs as the person
// (the studio's git, a later `agent add --worktree`, the person's own `git status`), and its honest
// work (a commit on its own branch) still goes through. Every version in the matrix: those too old
// to run their sandbox under the guard are refused with the reason.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_TESTED, compareVersions } from '../../main/core/claude/claudeVersion.js';
import { sandboxUnavailable } from '../../main/core/sessions/sandboxCheck.js';
import { GIT_GUARD_FROM } from '../../main/core/sessions/sandboxPolicy.js';
import {
  CLAUDE_BIN,
  claudeMissingReason,
  startClaudeCrew,
  waitFor,
  type ClaudeCrew,
} from '../support/claudeHarness.js';
import { INSTALL_TIMEOUT, installClaude } from '../support/claudeVersions.js';
import { attackResult, gitAttack } from '../support/gitAttack.js';
import { gitIn } from '../support/gitRepo.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';

const skipReason =
  claudeMissingReason ??
  (process.platform !== 'linux' ? 'the git guard is bubblewrap, on Linux' : sandboxUnavailable(process.env));
const TIMEOUT = 240_000;

let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/** The attack's script, written where the agent's shell reads it; its commit comes last. */
const PROBE = '/var/tmp/ccstudio-git-attack.sh';

/**
 * On "attack" in the inbox: the shell attack, then the Write tool on .git/commondir, then
 * dispatch_task to itself, then done: each step once the previous one's result is in.
 */
function attackScript(gitDir: string): (req: StubRequest) => StubReply {
  const steps: StubReply[] = [
    { toolUse: { name: 'Bash', input: { command: `sh ${PROBE} 2>&1`, description: 'Attack' } } },
    { toolUse: { name: 'Write', input: { file_path: join(gitDir, 'commondir'), content: 'x\n' } } },
    { toolUse: { name: 'mcp__studio__dispatch_task', input: { title: 'x', to: 'wendy' } } },
    { text: 'Done.' },
  ];
  let next = -1;
  let answered = '';
  return (req) => {
    const last = req.toolResults.at(-1);
    if (!last) {
      if (req.notices.length) return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
      return { text: 'Ready.' };
    }
    // A request the CLI repeats (a retry) gets the same step again.
    if (last.toolUseId !== answered) {
      answered = last.toolUseId;
      next = last.text.startsWith('{"messages"') ? 0 : Math.min(next + 1, steps.length - 1);
    }
    return steps[next]!;
  };
}

/** The attack, the Write tool's answer and the dispatch's answer, once each, in order. */
function results(c: ClaudeCrew): Array<{ text: string; isError: boolean }> {
  const seen = new Map<string, { text: string; isError: boolean }>();
  for (const r of c.requestsFrom('wendy')) for (const t of r.toolResults) seen.set(t.toolUseId, t);
  const all = [...seen.values()];
  const at = all.findIndex((t) => t.text.includes('END'));
  return at < 0 ? [] : all.slice(at, at + 3);
}

const bins = new Map<string, string>();
const versions = [...CLAUDE_TESTED];

const SUITE = skipTitle("a sandboxed worktree agent's attack on .git with the real CLI", skipReason);
describe.skipIf(skipReason)(SUITE, () => {
  beforeAll(async () => {
    // Installed before any test's clock starts (each is a few hundred MB from the registry).
    for (const v of versions) bins.set(v, v === '2.1.330' ? CLAUDE_BIN : await installClaude(v));
  }, INSTALL_TIMEOUT * versions.length);

  for (const version of versions) {
    const guarded = compareVersions(version, GIT_GUARD_FROM) >= 0;
    it(
      guarded
        ? `${version}: nothing the agent tries lands in .git, no planted program runs as the person, its own commits do`
        : `${version}: a sandboxed worktree agent is refused, saying the guard needs ${GIT_GUARD_FROM}`,
      async () => {
        // Set once the repository is known; until then the agents only start.
        let script: (req: StubRequest) => StubReply = () => ({ text: 'Ready.' });
        crew = await startClaudeCrew(
          [
            { name: 'otto', worktree: true, args: ['--permission-mode', 'acceptEdits'] },
            ...(guarded
              ? [{ name: 'wendy', worktree: true, sandbox: true, args: ['--permission-mode', 'acceptEdits'] }]
              : []),
          ],
          (req) => script(req),
          { claudeCommand: bins.get(version)! },
        );
        const c = crew;
        const G = join(c.work, '.git');
        script = attackScript(G);
        if (!guarded) {
          const { agent } = await c.studio.service.addAgent({
            name: 'wendy',
            cwd: c.work,
            worktree: {},
            profile: { kind: 'claude', sandbox: true },
          });
          await expect(c.studio.service.startAgent(agent.name)).rejects.toThrow(
            new RegExp(
              `needs Claude Code ${GIT_GUARD_FROM.replace(/\./g, '\\.')} or newer \\(this is ${version.replace(/\./g, '\\.')}\\)`,
            ),
          );
          return;
        }
        const marker = join(c.work, '..', `planted-ran-${process.pid}`);
        writeFileSync(PROBE, gitAttack(G, 'wendy', 'otto', marker) + '\n' + COMMIT);
        const before = readdirSync(G).sort();
        const main = gitIn(c.work, 'rev-parse', 'refs/heads/main');
        c.studio.bus.send(c.studio.agents.person, 'wendy', 'attack');
        const [shell, write, dispatch] = await waitFor(
          "wendy's attack, its Write and its dispatch",
          async () => {
            // Claude Code asks before its Write tool goes outside the worktree: the person says
            // yes, and the guard must hold all the same.
            if (c.agent('wendy').state === 'waiting_permission')
              await c.studio.service.sendKeys('wendy', ['1']);
            const r = results(c);
            return r.length === 3 && r;
          },
          120_000,
          250,
        ).catch((err: Error) => {
          const seen = c.requestsFrom('wendy').flatMap((r) => r.toolResults.map((t) => t.text.slice(0, 300)));
          throw new Error(
            `${err.message}\nwendy's screen:\n${c.studio.sessions.screen('wendy').slice(-3000)}\nits tool results:\n${[...new Set(seen)].join('\n---\n')}`,
          );
        });
        const attack = attackResult(gitAttack(G, 'wendy', 'otto', marker), shell!.text);
        expect(attack.wrote).toEqual([]);
        expect(attack.refused).toBe(attack.tried);
        expect(shell!.text).toContain('COMMITTED');
        expect(write!.isError).toBe(true);
        // The dispatch ran git in the person's checkout (a branch for the task): no hook of the agent's.
        expect(dispatch!.text).toMatch(/ccstudio\/wendy\/task-\d+-x/);
        await c.studio.service.addAgent({ name: 'late', cwd: c.work, worktree: {} });
        gitIn(c.work, 'status', '--porcelain');
        expect(existsSync(marker)).toBe(false);
        expect(readdirSync(G).sort()).toEqual(before);
        expect(gitIn(c.work, 'rev-parse', 'refs/heads/main')).toBe(main);
        expect(gitIn(c.work, 'log', '-1', '--format=%s', 'ccstudio/wendy/work')).toBe('wendy commits');
        await waitFor('wendy idle again', () => c.agent('wendy').state === 'idle');
      },
      TIMEOUT,
    );
  }
});

/** The honest part of the probe: a commit on the agent's own branch. */
const COMMIT =
  "printf 'mine\\n' > mine.txt && git add mine.txt && git commit -qm 'wendy commits' && echo COMMITTED";
