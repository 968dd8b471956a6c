// `ccstudio agent add --ssh` with real processes: `ccstudio serve` (its ssh named by CCSTUDIO_SSH,
// as a person might), a real sshd on loopback standing in for the other machine, and the fake
// Claude Code there.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startServe, trackProcesses } from '../../support/cliProcess.js';
import { FAKE_AGENT, writeFakeClaude } from '../../support/fakeAgentStudio.js';
import { skipTitle } from '../../support/skipReason.js';
import {
  installFakeClaude,
  REMOTE_ALIAS,
  sshdMissingReason,
  startSshd,
  type Sshd,
} from '../../support/sshd.js';
import { tempDir } from '../../support/studioHarness.js';

const { procs, dirs } = trackProcesses(afterEach);

describe.skipIf(sshdMissingReason)(skipTitle('ccstudio agent add --ssh', sshdMissingReason), () => {
  let sshd: Sshd;
  let remoteClaude: string;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
    sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin' });
    remoteClaude = installFakeClaude(sshd, FAKE_AGENT);
  });
  afterAll(async () => {
    await sshd?.close();
  });

  it('adds and starts an agent on another machine; list and status name its host', async () => {
    const root = tempDir('ccstudio-cli-ssh-');
    dirs.push(root);
    const data = join(root, 'data');
    const home = join(root, 'home');
    mkdirSync(home);
    const env = {
      ...process.env,
      HOME: home,
      INIT_CWD: '/',
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
      CCSTUDIO_SSH: sshd.sshCommand,
    };
    const serve = await startServe(
      ['--data', data, '--port', '0', '--no-start', '--claude', writeFakeClaude(join(root, 'bin'))],
      { env },
    );
    procs.push(serve.proc);
    const cli = (...args: string[]) => runCli([...args, '--data', data], env);

    const misuse = await cli('agent', 'add', 'x', '--ssh', REMOTE_ALIAS, '--sandbox');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--sandbox is for an agent on this machine; it does not go with --ssh.');
    // A destination ssh would read as one of its options never reaches ssh.
    const option = await cli('agent', 'add', 'x', '--ssh=-oProxyCommand=touch /tmp/x');
    expect(option.code).not.toBe(0);
    expect(option.stderr).toMatch(/starts with "-", so ssh would take it as an option/);
    expect((await cli('agent', 'list')).stdout).not.toMatch(/^x /m);

    const add = await cli(
      'agent',
      'add',
      'builder',
      '--ssh',
      REMOTE_ALIAS,
      '--cwd',
      sshd.remoteDir,
      '--command',
      remoteClaude,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^Added agent builder on studio-remote\. It is running in the studio/);
    const list = await cli('agent', 'list');
    expect(list.stdout).toMatch(/builder +agent on studio-remote +(idle|starting|busy)/);
    const status = await cli('status');
    expect(status.stdout).toMatch(/builder +\S+, on studio-remote/);

    const missing = await cli('agent', 'add', 'ghost', '--ssh', REMOTE_ALIAS, '--command', '/nope/claude');
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(
      /It is not running: Claude Code \(`\/nope\/claude`\) was not found on studio-remote/,
    );
  });
});
