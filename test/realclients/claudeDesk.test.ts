// The person's queue with the real Claude Code, every version the studio supports, driven by the
// model stub: a shell command the agent asks to run shows in `ccstudio queue --json` with that
// command while the CLI's own dialog stays drawn (the permission hook is held beside it);
// `ccstudio answer` allows it once (the command runs once) or denies it with a note the model
// reads; a question is answered by choosing an option; a prompt answered in the tile's terminal
// leaves the queue within a second.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeskItem } from '../../main/contract/desk.js';
import { CLAUDE_TESTED } from '../../main/core/claude/claudeVersion.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { INSTALL_TIMEOUT, installClaude } from '../support/claudeVersions.js';
import { runCli } from '../support/cliProcess.js';
import { skipTitle } from '../support/skipReason.js';
import { deskScript, QUESTION } from '../support/crewScript.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';

const TIMEOUT = 240_000;
/** Claude Code 2.1.330 and later ignore keys for a moment after a dialog opens (no accidental approval). */
const DIALOG_SETTLE_MS = 1500;
/** deskScript, and "wipe DIR" asks to remove DIR with Bash. */
function wipeScript(req: StubRequest): StubReply {
  const last = req.toolResults[req.toolResults.length - 1];
  const dir = last && /"text":"wipe ([^"]+)"/.exec(last.text)?.[1];
  if (dir)
    return { toolUse: { name: 'Bash', input: { command: `rm -rf ${dir}`, description: 'Remove it' } } };
  return deskScript(req);
}
/** The versions that start in auto mode when no permission mode is given. */
const AUTO_MODE_VERSIONS = CLAUDE_TESTED.filter((v) => v >= '2.1.330');

let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

const bins = new Map<string, string>();

const SUITE = skipTitle("The person's queue with the real Claude Code", claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  beforeAll(async () => {
    for (const v of CLAUDE_TESTED) bins.set(v, await installClaude(v));
  }, INSTALL_TIMEOUT * 2);

  for (const version of CLAUDE_TESTED) {
    it(
      `${version}: a command allowed once and one denied with a note from \`ccstudio answer\`, a question chosen, a prompt answered in the terminal`,
      async () => {
        crew = await startClaudeCrew(
          [{ name: 'carol', args: ['--permission-mode', 'default'] }],
          deskScript,
          {
            claudeCommand: bins.get(version)!,
          },
        );
        const c = crew;
        const cli = (...args: string[]) => runCli(['--data', c.dataDir, ...args]);
        const queue = async (): Promise<DeskItem[]> => {
          const r = await cli('queue', '--json');
          expect(r.stderr).toBe('');
          return JSON.parse(r.stdout) as DeskItem[];
        };
        const runs = () =>
          existsSync(join(c.work, 'runs.txt')) ? readFileSync(join(c.work, 'runs.txt'), 'utf8') : '';
        const person = c.studio.agents.person;
        // Held on the permission hook, in every version (a screen-read item may come first, and
        // keeps its id when the hook arrives).
        const asked = (detail: string) =>
          c.waitFor(`the hook held for ${detail}`, () =>
            c.studio.desk.items().find((i) => i.structured && i.detail === detail),
          );

        // Allowed once: the command shows in the queue with the dialog drawn beside the held hook.
        c.studio.bus.send(person, 'carol', 'run 1');
        await asked('echo 1 >> runs.txt');
        await c.waitFor(
          'the dialog drawn in the terminal',
          () => c.agent('carol').state === 'waiting_permission',
        );
        const [item] = await queue();
        expect(item).toMatchObject({
          kind: 'permission',
          agent: 'carol',
          tool: 'Bash',
          detail: 'echo 1 >> runs.txt',
          // The dialog drawn beside the hold offers its own choices too.
          answers: ['allow', 'deny', 'choose'],
          structured: true,
        });
        expect(typeof item!.since).toBe('number');
        const allowed = await cli('answer', item!.id, 'allow');
        expect(allowed).toMatchObject({ code: 0, stderr: '' });
        await c.waitFor('the command to run', () => runs() === '1\n');
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');
        expect(runs()).toBe('1\n');
        expect(await queue()).toEqual([]);
        // The same item again: refused, and nothing runs.
        const again = await cli('answer', item!.id, 'allow');
        expect(again.code).not.toBe(0);
        expect(again.stderr).toContain('that prompt has gone');

        // Denied with a note: the model reads it, and the command never runs.
        c.studio.bus.send(person, 'carol', 'run 2');
        const second = await asked('echo 2 >> runs.txt');
        const denied = await cli('answer', second.id, 'deny', '--note', 'Not now: NOTE-7f3.');
        expect(denied).toMatchObject({ code: 0, stderr: '' });
        await c.waitFor('the note to reach the model', () =>
          c.requestsFrom('carol').find((r) => r.toolResults.some((t) => t.text.includes('NOTE-7f3'))),
        );
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');
        expect(runs()).toBe('1\n');

        // A question answered by choosing an option.
        c.studio.bus.send(person, 'carol', 'ask');
        const question = await asked(QUESTION);
        expect(question).toMatchObject({
          kind: 'question',
          options: [
            { number: 1, label: 'SQLite' },
            { number: 2, label: 'Postgres' },
          ],
        });
        const chosen = await cli('answer', question.id, '--choose', '2');
        expect(chosen).toMatchObject({ code: 0, stderr: '' });
        await c.waitFor('the answer to reach the model', () =>
          c.requestsFrom('carol').find((r) => r.toolResults.some((t) => t.text.includes('Postgres'))),
        );
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');

        // Answered in the tile's own terminal: the item leaves within a second of the command running.
        c.studio.bus.send(person, 'carol', 'run 3');
        await asked('echo 3 >> runs.txt');
        await c.waitFor('the dialog drawn', () => c.agent('carol').state === 'waiting_permission');
        await new Promise((r) => setTimeout(r, DIALOG_SETTLE_MS));
        await c.studio.service.sendKeys('carol', ['1']);
        await c.waitFor('the command to run', () => runs() === '1\n3\n');
        await c.waitFor('the item to leave', () => c.studio.desk.items().length === 0 || undefined, 1000);
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');
        expect(runs()).toBe('1\n3\n');

        // The dialog's own "don't ask again" (2.1: "always allow access to" the folder), offered
        // beside allow and deny and pressed on that dialog: the command runs. 2.0 keeps that rule in
        // the project's local settings (option 1 would keep none); 2.1 writes no project file for it.
        const rules = join(c.work, '.claude', 'settings.local.json');
        expect(existsSync(rules)).toBe(false);
        c.studio.bus.send(person, 'carol', 'run 4');
        const fourth = await c.waitFor("the dialog's choices offered", () =>
          c.studio.desk
            .items()
            .find((i) => i.detail === 'echo 4 >> runs.txt' && i.answers.includes('choose')),
        );
        const always = fourth.options!.find((o) => /don't ask again|always allow/i.test(o.label));
        expect(always, JSON.stringify(fourth.options)).toBeDefined();
        await new Promise((r) => setTimeout(r, DIALOG_SETTLE_MS));
        const chose = await cli('answer', fourth.id, '--choose', String(always!.number));
        expect(chose).toMatchObject({ code: 0, stderr: '' });
        await c.waitFor('the command to run', () => runs() === '1\n3\n4\n');
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');
        if (version.startsWith('2.0.')) expect(readFileSync(rules, 'utf8')).toContain('"permissions"');
        expect(await queue()).toEqual([]);
      },
      TIMEOUT,
    );
  }

  // Started with no permission mode, these versions are in auto mode, whose safety check cannot
  // pass the stub (a gateway to them): first a notice answered by a key, then a Yes/No dialog.
  for (const version of AUTO_MODE_VERSIONS) {
    it(
      `${version}: in auto mode, its "can't check actions" notice and the permission after it answered from \`ccstudio answer\``,
      async () => {
        crew = await startClaudeCrew([{ name: 'carol' }], wipeScript, { claudeCommand: bins.get(version)! });
        const c = crew;
        const cli = (...args: string[]) => runCli(['--data', c.dataDir, ...args]);
        // Removing a folder outside its own is what auto mode sends to its (unreachable) check.
        const scratch = join(c.home, 'scratch');
        mkdirSync(scratch);
        c.studio.bus.send(c.studio.agents.person, 'carol', `wipe ${scratch}`);
        const notice = await c.waitFor('the notice in the queue', () =>
          c.studio.desk.items().find((i) => i.kind === 'dialog'),
        );
        expect(notice.detail.split('\n')[0]).toBe("Auto mode can't check actions in this session");
        expect(notice.options?.[0]).toEqual({ number: 1, label: 'stay in auto mode' });
        expect(c.agent('carol').state).toBe('waiting_select');
        await new Promise((r) => setTimeout(r, DIALOG_SETTLE_MS));
        expect(await cli('answer', notice.id, '--choose', '1')).toMatchObject({ code: 0, stderr: '' });
        const asked = await c.waitFor('the permission in the queue', () =>
          c.studio.desk
            .items()
            .find((i) => i.kind === 'permission' && i.detail.includes(`rm -rf ${scratch}`)),
        );
        await new Promise((r) => setTimeout(r, DIALOG_SETTLE_MS));
        expect(await cli('answer', asked.id, 'allow')).toMatchObject({ code: 0, stderr: '' });
        await c.waitFor('the command to run', () => !existsSync(scratch));
        await c.waitFor('carol idle', () => c.agent('carol').state === 'idle');
        expect(c.studio.desk.items()).toEqual([]);
      },
      TIMEOUT,
    );
  }
});
