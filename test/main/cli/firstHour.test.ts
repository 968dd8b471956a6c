// The first hour at the command line, with real `ccstudio` processes: where the team works,
// what a start really came to, mail nobody will be woken by, and a current link at any time.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { CLI, runCli, startServe, trackProcesses, waitExit } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function folder(prefix: string): string {
  const d = realpathSync(tempDir(prefix));
  dirs.push(d);
  return d;
}

/** The command line a note or message quotes (in backticks) that has these words. */
function hintIn(text: string, words: string): string {
  const hint = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).find((c) => c.includes(` ${words}`));
  if (!hint) throw new Error(`no \`... ${words}\` in: ${text}`);
  return hint;
}

/** Runs a command line as the person's shell would. */
function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      'sh',
      ['-c', command],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** Runs as from a folder outside the checkout, with no desktop to open a browser on. */
const env = { INIT_CWD: '/', DISPLAY: '', WAYLAND_DISPLAY: '' };
const cli = (args: string[], data: string) => runCli([...args, '--data', data], env);

describe('the first hour, at the command line', () => {
  it('serve says where the team works: --cwd for a first team, and the page asks when there is none', async () => {
    const data = folder('ccstudio-fh-');
    const project = folder('ccstudio-project-');
    const serve = await startServe(
      ['--data', data, '--port', '0', '--no-start', '--first-team', '1', '--cwd', project],
      {
        env: { ...process.env, ...env },
      },
    );
    procs.push(serve.proc);
    expect(serve.output()).toContain(`The team works in: ${project}`);
    const list = await cli(['agent', 'list', '--json'], data);
    const team = (JSON.parse(list.stdout) as Array<{ name: string; cwd: string }>).filter(
      (a) => a.name !== 'user',
    );
    expect(team).toEqual([
      expect.objectContaining({ name: 'commander', cwd: project }),
      expect.objectContaining({ name: 'agent-1', cwd: project }),
    ]);
    // agent add with no --cwd: the team's folder (it once went to the home folder). With --remote,
    // none: that agent runs wherever its own Claude Code runs.
    expect((await cli(['agent', 'add', 'extra', '--command', 'bash'], data)).code).toBe(0);
    expect((await cli(['agent', 'add', 'far', '--remote'], data)).code).toBe(0);
    const added = JSON.parse((await cli(['agent', 'list', '--json'], data)).stdout) as Array<{
      name: string;
      cwd: string;
    }>;
    expect(added.filter((a) => a.name === 'extra' || a.name === 'far')).toEqual([
      expect.objectContaining({ name: 'extra', cwd: project }),
      expect.objectContaining({ name: 'far', cwd: '' }),
    ]);

    const empty = folder('ccstudio-fh-');
    const bare = await startServe(['--data', empty, '--port', '0', '--no-start', '--cwd', project], {
      env: { ...process.env, ...env },
    });
    procs.push(bare.proc);
    expect(bare.output()).toContain(
      `No team yet: the studio's page asks where it works (suggesting ${project}`,
    );
    const missing = await runCli(['serve', '--data', empty, '--cwd', join(project, 'nope')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`ccstudio: --cwd: ${join(project, 'nope')} is not a folder.\n`);
  });

  it('agent start reports what happened: a program that exits at once is an error with its code, last lines and what to try', async () => {
    const data = folder('ccstudio-fh-');
    const project = folder('ccstudio-project-');
    const quitter = join(project, 'quitter.js');
    writeFileSync(quitter, 'console.log("Invalid API key · Please run /login"); process.exit(3);\n');
    const serve = await startServe(['--data', data, '--port', '0', '--no-start'], {
      env: { ...process.env, ...env },
    });
    procs.push(serve.proc);
    const added = await cli(
      ['agent', 'add', 'quitter', '--cwd', project, '--command', `${process.execPath} ${quitter}`],
      data,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^Added agent quitter\. It is not running: quitter exited with code 3 after \d+\.\d s\./,
    );
    expect(added.stdout).toContain('Invalid API key · Please run /login');
    // The studio restarts it a second after each quick exit; a start that lands on a restart finds
    // it running. Stopped first (no restart comes), the start below is the person's alone.
    await cli(['agent', 'stop', 'quitter'], data);
    const start = await cli(['agent', 'start', 'quitter'], data);
    expect(start.code).toBe(2);
    expect(start.stdout).toBe('');
    expect(start.stderr).toMatch(/^ccstudio: quitter exited with code 3 after/);
    expect(start.stderr).toMatch(/not logged in.*run `claude` once in a terminal/);
    // agent list says why it is not running. The studio tries again a second after each quick
    // exit until it gives up, so a list may meet one of those tries starting: it is read until it
    // meets the agent exited, which it is between tries and for good after the last.
    const list = await waitFor(
      'agent list to say quitter exited',
      async () => {
        const l = await cli(['agent', 'list'], data);
        return /quitter +agent +exited/.test(l.stdout) && l;
      },
      { timeoutMs: 20_000, everyMs: 100 },
    );
    expect(list.stdout).toMatch(/ {4}exited with code 3 after .*not logged in/);
    expect(list.stdout).toContain('    | Invalid API key · Please run /login');

    // A command that keeps running: started, and said so.
    const sleeper = join(project, 'sleeper.js');
    writeFileSync(sleeper, 'process.stdout.write("$ "); setInterval(() => {}, 1000);\n');
    await cli(
      ['agent', 'add', 'sleeper', '--cwd', project, '--command', `${process.execPath} ${sleeper}`],
      data,
    );
    await cli(['agent', 'stop', 'sleeper'], data);
    const ok = await cli(['agent', 'start', 'sleeper'], data);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Started sleeper: (ready at its prompt|running \(\w+\))\.\n$/);
  }, 40_000);

  it('mail and tasks for an agent nobody will wake are sent, with a note saying so; a plain command gets no typed wakes unless asked', async () => {
    const data = folder('ccstudio-fh-');
    const serve = await startServe(['--data', data, '--port', '0', '--no-start'], {
      env: { ...process.env, ...env },
    });
    procs.push(serve.proc);
    await cli(['agent', 'add', 'far', '--remote'], data);
    await cli(['agent', 'add', 'idle', '--command', 'true'], data);
    await cli(['agent', 'stop', 'idle'], data);
    const sent = await cli(['send', 'idle', 'hello'], data);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^Sent message #\d+ to idle\.\n$/);
    expect(sent.stderr).toMatch(/^Note: idle is not running, so nobody will wake it until it runs/);
    const task = await cli(['task', 'add', 'Far work', '--to', 'far'], data);
    expect(task.stdout).toMatch(/^Created task #\d+ \(assigned, far\)\.\n$/);
    expect(task.stderr).toMatch(/^Note: far runs elsewhere, so the studio cannot wake it/);

    const shell = await cli(['agent', 'add', 'sh1', '--command', 'sh'], data);
    expect(shell.code).toBe(0);
    const toShell = await cli(['send', 'sh1', 'hi'], data);
    expect(toShell.stderr).toMatch(
      /sh1 runs a plain command, so the studio does not type wake prompts into it/,
    );
    const codex = await cli(['agent', 'add', 'cdx', '--command', 'sh', '--takes-prompts', '--json'], data);
    expect(codex.code).toBe(0);
    const agents = JSON.parse((await cli(['agent', 'list', '--json'], data)).stdout) as Array<{
      name: string;
      profile: { takesPrompts?: boolean };
    }>;
    expect(agents.find((a) => a.name === 'cdx')!.profile.takesPrompts).toBe(true);
    expect(agents.find((a) => a.name === 'sh1')!.profile.takesPrompts).toBeUndefined();
    const wrong = await cli(['agent', 'add', 'x', '--takes-prompts'], data);
    expect(wrong.stderr).toMatch(/--takes-prompts goes with --command/);
  }, 40_000);

  it('every hint works in the state it is given in: with the studio stopped, send, status and agent list say so and how to start it', async () => {
    const data = folder('ccstudio-fh-');
    const project = folder('ccstudio-project-');
    const sleeper = join(project, 'sleeper.js');
    writeFileSync(sleeper, 'process.stdout.write("$ "); setInterval(() => {}, 1000);\n');
    const add = (name: string) =>
      cli(['agent', 'add', name, '--cwd', project, '--command', `${process.execPath} ${sleeper}`], data);
    const serve = await startServe(['--data', data, '--port', '0'], { env: { ...process.env, ...env } });
    procs.push(serve.proc);
    expect((await add('worker')).stdout).toMatch(/It is running in the studio/);
    await add('resting');
    await cli(['agent', 'stop', 'resting'], data);

    // A studio runs and the agent does not: the note names the start that works, and it does.
    const toResting = await cli(['send', 'resting', 'hi'], data);
    expect(toResting.stderr).toMatch(
      /^Note: resting is not running, so nobody will wake it until it runs\. /,
    );
    const start = hintIn(toResting.stderr, 'agent start');
    expect(start).toBe(`node ${CLI} agent start resting --data ${data}`);
    const started = await sh(start);
    expect(started.stdout).toMatch(/^Started resting: /);
    await cli(['agent', 'stop', 'resting'], data);

    serve.proc.kill('SIGTERM');
    await waitExit(serve.proc);
    // No studio: nothing suggests a command that needs one; each says to start the studio first.
    const toWorker = await cli(['send', 'worker', 'hello'], data);
    expect(toWorker.code).toBe(0);
    expect(toWorker.stderr).toBe(
      `Note: No studio is running, so worker is not running either: it is told once it runs in a studio again. Start the studio with \`node ${CLI} serve --data ${data}\`; worker starts with it.\n`,
    );
    const toStopped = await cli(['send', 'resting', 'hello'], data);
    expect(toStopped.stderr).toMatch(
      /Start the studio with `node \S+ serve --data \S+`; then start resting with `node \S+ agent start resting --data \S+`\.\n$/,
    );
    const status = await cli(['status'], data);
    expect(status.stdout.split('\n')[0]).toBe(
      `No studio is running on this data folder, so none of its agents runs now: start it with \`node ${CLI} serve --data ${data}\` (the agents that were running when it stopped start with it).`,
    );
    const list = await cli(['agent', 'list'], data);
    expect(list.stdout.split('\n')[0]).toMatch(/^No studio is running on this data folder/);
    const refused = await cli(['agent', 'start', 'resting'], data);
    expect(refused.stderr).toBe(
      `ccstudio: No studio is running on this data folder: start one with \`node ${CLI} serve --data ${data}\`.\n`,
    );

    // And the serve it names starts the studio with worker running, as the note said.
    const again = await startServe(hintIn(toWorker.stderr, 'serve').split(' ').slice(3), {
      env: { ...process.env, ...env },
    });
    procs.push(again.proc);
    const agents = JSON.parse((await cli(['agent', 'list', '--json'], data)).stdout) as Array<{
      name: string;
      state: string;
    }>;
    expect(agents.find((a) => a.name === 'worker')!.state).not.toMatch(/exited|unknown/);
    expect(agents.find((a) => a.name === 'resting')!.state).toMatch(/exited|unknown/);
  }, 60_000);

  it('open prints a current link that opens the UI, the same after a restart; with no studio it says how to start one', async () => {
    const data = folder('ccstudio-fh-');
    const none = await cli(['open'], data);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^ccstudio: No studio is running on .*: start one with `node \S+ccstudio\.js serve --data \S+`\.\n$/,
    );
    let serve = await startServe(['--data', data, '--port', '0', '--no-start'], {
      env: { ...process.env, ...env },
    });
    procs.push(serve.proc);
    const first = await cli(['open'], data);
    expect(first.code).toBe(0);
    const link = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=ccsu_\S+)$/m.exec(first.stdout)?.[1];
    expect(link).toBeDefined();
    expect(first.stdout).toContain('treat it like a password');
    expect(serve.output()).toContain(link!);
    expect((await fetch(link!)).status).toBe(200);
    serve.proc.kill('SIGTERM');
    await new Promise((r) => serve.proc.once('exit', r));
    serve = await startServe(['--data', data, '--port', '0', '--no-start'], {
      env: { ...process.env, ...env },
    });
    procs.push(serve.proc);
    const again = await cli(['open', '--print'], data);
    const token = (u: string) => new URL(u).searchParams.get('token');
    const link2 = /^(http\S+)$/m.exec(again.stdout)![1]!;
    expect(token(link2)).toBe(token(link!));
  }, 40_000);
});
