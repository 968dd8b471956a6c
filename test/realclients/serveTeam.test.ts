// `ccstudio serve --agents 2` as a person runs it: real processes, the real Claude Code CLI in the
// studio's terminals, the model stub standing in for the API. The loop works through the CLI,
// and kill -9 of the studio plus a restart brings the same team back, sessions resumed.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioStatus } from '../../main/contract/model.js';
import { CLAUDE_BIN, claudeMissingReason, waitFor } from '../support/claudeHarness.js';
import { claudeStubEnv, seedClaudeHome } from '../support/claudeEnv.js';
import { runCli, startServe, waitExit } from '../support/cliProcess.js';
import { crewScript } from '../support/crewScript.js';
import { startModelStub, type ModelStub } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';
import { tempDir } from '../support/studioHarness.js';

const TIMEOUT = 240_000;

const SUITE = skipTitle('ccstudio serve --agents 2 with Claude Code', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  let stub: ModelStub;
  let home: string, work: string, data: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess | undefined;

  beforeAll(async () => {
    stub = await startModelStub(crewScript);
    home = tempDir('ccstudio-team-home-');
    work = tempDir('ccstudio-team-work-');
    data = tempDir('ccstudio-team-data-');
    seedClaudeHome(home, [work]);
    env = { ...process.env, ...claudeStubEnv(home, stub.url) };
  });

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await waitExit(serve);
    }
    await stub.close();
    for (const d of [home, work, data]) rmSync(d, { recursive: true, force: true });
  });

  const status = async (): Promise<StudioStatus> =>
    JSON.parse((await runCli(['status', '--json', '--data', data], env)).stdout);
  const allIdle = async (names: string[]) => {
    const s = await status();
    return names.every((n) => s.agents.find((a) => a.name === n)?.state === 'idle') ? s : undefined;
  };
  const team = ['commander', 'agent-1', 'agent-2'];

  it(
    'brings up a commander and two agents, and the message loop runs through their terminals',
    async () => {
      const started = await startServe(
        ['--data', data, '--port', '0', '--agents', '2', '--claude', CLAUDE_BIN],
        {
          env,
          cwd: work,
          timeoutMs: 60_000,
        },
      );
      serve = started.proc;
      // serve waits a moment and says what each start came to.
      expect(started.output()).toMatch(/commander: (ready|started, still starting)\n/);
      await waitFor('the team to be idle', () => allIdle(team), 90_000, 500);
      const s = await status();
      expect(s.agents.find((a) => a.name === 'commander')).toMatchObject({
        commander: true,
        autostart: true,
      });

      expect((await runCli(['send', 'agent-1', 'ping agent-2', '--data', data], env)).code).toBe(0);
      const done = await waitFor(
        'agent-1 to receive and read the pong',
        async () => {
          const st = await status();
          const pong = st.activity.some((a) => a.actor === 'agent-2' && a.text.includes('pong'));
          return pong && st.agents.every((a) => a.unread === 0 || a.name === 'user') ? st : undefined;
        },
        90_000,
        500,
      );
      expect(done.activity.map((a) => `${a.actor} ${a.text}`)).toEqual(
        expect.arrayContaining([
          'user → agent-1: ping agent-2',
          'agent-1 → agent-2: ping',
          'agent-2 → agent-1: pong',
        ]),
      );
      // Woken by its waiter hook: the terminal shows its one line, and nothing was typed there.
      const screen = (await runCli(['agent', 'screen', 'agent-2', '--data', data], env)).stdout;
      expect(screen).toContain('studio: mail arrived');
      expect(screen).not.toContain('[studio] You have');
    },
    TIMEOUT,
  );

  it(
    'kill -9 of the studio and a restart bring the same team back with its sessions',
    async () => {
      serve!.kill('SIGKILL');
      await waitExit(serve!);
      const requestsBefore = stub.requests.length;
      const started = await startServe(['--data', data, '--port', '0', '--claude', CLAUDE_BIN], {
        env,
        cwd: work,
        timeoutMs: 60_000,
      });
      serve = started.proc;
      await waitFor('the team to be idle again', () => allIdle(team), 90_000, 500);
      expect((await runCli(['send', 'agent-2', 'ping user', '--data', data], env)).code).toBe(0);
      await waitFor(
        'agent-2 to answer',
        async () => (await status()).activity.some((a) => a.actor === 'agent-2' && a.text === '→ user: ping'),
        90_000,
        500,
      );
      // agent-2's first turn after the restart carries its conversation from before the kill.
      const resumed = stub.requests.slice(requestsBefore).find((r) => !r.side && r.notices.length > 0);
      expect(JSON.stringify(resumed?.messages)).toContain('You have 1 new message from agent-1');
    },
    TIMEOUT,
  );
});
