// The sandboxed profile with the real Claude Code CLI (pinned in test/tools) and the scripted
// model: the agent's Bash tool tries to take the studio's tokens (studio.json, another agent's
// launch files, every process's environment and command line) and gets none; the same probe
// from an unsandboxed agent shows what the sandbox is holding back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxUnavailable } from '../../main/core/sessions/sandboxCheck.js';
import { claudeMissingReason, startClaudeCrew, waitFor, type ClaudeCrew } from '../support/claudeHarness.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';

/** The pinned CLI is missing, or Claude Code's sandbox cannot run here (and which part is missing). */
const skipReason = claudeMissingReason ?? sandboxUnavailable(process.env);

const TIMEOUT = 180_000;
let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/** The data folder the crew runs in: a name with spaces, like the default one on every platform. */
let dataDir = '';

/** On "probe" in the inbox, run the probe script with the Bash tool, then read studio.json with the Read tool. */
function probeScript(req: StubRequest): StubReply {
  const last = req.toolResults[req.toolResults.length - 1];
  if (last?.text.startsWith('{"messages"')) {
    return { toolUse: { name: 'Bash', input: { command: 'sh ./probe.sh', description: 'Run the probe' } } };
  }
  if (last?.text.includes('== end')) {
    return { toolUse: { name: 'Read', input: { file_path: join(dataDir, 'studio.json') } } };
  }
  if (last) return { text: 'Probe done.' };
  if (req.notices.length) return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
  return { text: 'Ready.' };
}

/** Every token the studio handed out, with what it is. */
function secrets(c: ClaudeCrew): Array<[string, string]> {
  const read = (file: string) => JSON.parse(readFileSync(join(c.dataDir, file), 'utf8'));
  const out: Array<[string, string]> = [['admin token', c.adminToken]];
  out.push(['UI token', read('studio.json').uiToken as string]);
  for (const name of ['alice', 'bob']) {
    const mcp = read(`agents/${name}/mcp.json`);
    out.push([`${name}'s MCP token`, mcp.mcpServers.studio.headers.Authorization.replace('Bearer ', '')]);
    out.push([`${name}'s hook token`, read(`agents/${name}/hook.json`).token as string]);
  }
  return out;
}

const SUITE = skipTitle('the sandboxed profile with the real CLI', skipReason);
describe.skipIf(skipReason)(SUITE, () => {
  it(
    "a sandboxed agent's Bash reads no token; the same probe unsandboxed reads studio.json",
    async () => {
      crew = await startClaudeCrew(
        [
          // The agent under test: sandboxed. acceptEdits keeps the scripted run free of auto mode's
          // server-side check, which the stub does not answer; the sandbox allows the command.
          { name: 'alice', sandbox: true, args: ['--permission-mode', 'acceptEdits'] },
          // The control: the same probe with no sandbox, Bash allowed outright.
          { name: 'bob', args: ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash'] },
        ],
        probeScript,
        { dataDirPrefix: 'ccstudio claude data ' },
      );
      const c = crew;
      const data = c.dataDir;
      dataDir = data;
      expect(data).toContain(' ');
      writeFileSync(
        join(c.work, 'probe.sh'),
        [
          `echo "== studio.json"; cat '${data}/studio.json' 2>&1`,
          `echo "== alice's launch files"; cat '${data}/agents/alice/mcp.json' '${data}/agents/alice/hook.json' 2>&1`,
          `echo "== bob's launch files"; cat '${data}/agents/bob/mcp.json' '${data}/agents/bob/hook.json' 2>&1`,
          `echo "== database"; grep -ac ccs_ '${data}/studio.db' 2>&1`,
          'echo "== environments"; for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>&1 | grep -a "ccs"',
          'echo "== command lines"; for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done 2>&1 | grep -a "ccs"',
          'echo "== processes seen: $(ls -d /proc/[0-9]* | wc -l)"',
          'echo "== end"',
        ].join('\n') + '\n',
      );
      const tokens = secrets(c);

      /** What the agent's tools answered, in order, once each (requests repeat earlier results). */
      const results = (name: string) => {
        const seen = new Map<string, { text: string; isError: boolean }>();
        for (const r of c.requestsFrom(name)) for (const t of r.toolResults) seen.set(t.toolUseId, t);
        return [...seen.values()];
      };
      /** Dialogs the person was asked to answer on each agent's screen (first line each). */
      const asked = new Set<string>();
      /** The probe's output, then what the Read tool said of studio.json. */
      const run = async (name: string) => {
        c.studio.bus.send(c.studio.agents.person, name, 'probe');
        return waitFor(
          `${name}'s probe and read results`,
          async () => {
            // Claude Code may ask before reading /proc; the person says yes: the sandbox must hold anyway.
            const live = c.studio.sessions.get(c.agent(name).id);
            if (live?.tracker.state === 'waiting_permission') {
              const screen = c.studio.sessions.screen(name);
              if (screen.includes('Network request outside of sandbox')) asked.add(`${name}: network`);
              await c.studio.service.sendKeys(name, ['1']);
            }
            const all = results(name);
            const at = all.findIndex((t) => t.text.includes('== end'));
            return at >= 0 && all[at + 1] && { shell: all[at]!.text, read: all[at + 1]! };
          },
          120_000,
          250,
        );
      };

      // Hooks (run outside the sandbox) that reached the studio and were accepted.
      let hooksAccepted = 0;
      c.http.server.on('request', (req, res) => {
        if (req.url === '/hooks') res.on('finish', () => res.statusCode === 200 && hooksAccepted++);
      });
      const boxed = await run('alice');
      const hooksDuringAlicesTurn = hooksAccepted;
      for (const [what, value] of tokens) {
        expect(boxed.shell, `alice's shell saw ${what}`).not.toContain(value);
        expect(boxed.read.text, `alice's Read tool saw ${what}`).not.toContain(value);
      }
      expect(boxed.shell).toMatch(/== studio\.json\n.*(No such file|Permission denied)/);
      expect(boxed.shell).toMatch(/== bob's launch files\n.*(No such file|Permission denied)/);
      expect(boxed.read.isError).toBe(true);
      expect(boxed.read.text).toMatch(/denied by your permission settings/);
      const seen = (shell: string) => Number(/== processes seen: (\d+)/.exec(shell)![1]);

      // The control shows the probe works: outside the sandbox the same user reads the admin token.
      const open = await run('bob');
      expect(open.shell).toContain(c.adminToken);
      expect(open.read.text).toContain(c.adminToken);
      // The sandbox hid the machine's other processes (the studio, bob, this test) from alice.
      expect(seen(boxed.shell)).toBeLessThan(seen(open.shell));
      // Yet no environment or command line on the machine carries a token of this crew.
      const processes = open.shell.slice(
        open.shell.indexOf('== environments'),
        open.shell.indexOf('== processes seen'),
      );
      for (const [what, value] of tokens) expect(processes, `a process showed ${what}`).not.toContain(value);
      // The hooks still reach the studio from a launch folder whose path has spaces.
      // Its hooks reached the studio without asking the person: Claude Code holds its own http hooks
      // to the sandbox's network rules (a dialog about the studio's address, every hook), so a
      // sandboxed agent's hooks are the reporter's commands.
      expect(hooksDuringAlicesTurn).toBeGreaterThanOrEqual(3);
      expect([...asked]).toEqual([]);
      await waitFor('alice idle again', () => c.agent('alice').state === 'idle');
    },
    TIMEOUT,
  );
});
