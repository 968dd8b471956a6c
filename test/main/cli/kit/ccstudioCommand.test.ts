// What the CLI prints for the person to type must run where they are: `ccstudio` only when the
// one on their PATH is this very script, `npx ccstudio` inside the package (or the project that
// installed it), else node with the script's path. The decision, then real processes printing it.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ccstudioCommand, ccstudioOnPath, shellWord } from '../../../../main/cli/kit/ccstudioCommand.js';
import { CLI, startServe, trackProcesses, type CliResult } from '../../../support/cliProcess.js';
import { tempDir } from '../../../support/studioHarness.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
  // Found on PATH only if executable: npm makes a package's bin so when it installs it, and a
  // fresh build may not be.
  if (!(statSync(CLI).mode & 0o111)) chmodSync(CLI, 0o755);
});

function dir(): string {
  const d = tempDir('ccstudio-cmd-');
  dirs.push(d);
  return realpathSync(d);
}

describe('ccstudioCommand', () => {
  const script = '/opt/studio/dist/main/cli/ccstudio.js';
  const packageRoot = '/opt/studio';

  it('is `ccstudio` only when the one on PATH is this script', () => {
    expect(ccstudioCommand({ script, onPath: script, userCwd: '/home/me', packageRoot })).toBe('ccstudio');
    // Another ccstudio (an older global install) is not this one: it would run other code.
    expect(
      ccstudioCommand({
        script,
        onPath: '/usr/lib/node_modules/x/ccstudio.js',
        userCwd: '/home/me',
        packageRoot,
      }),
    ).toBe(`node ${script}`);
  });

  it('is `npx ccstudio` inside the package, or inside the project that installed it', () => {
    for (const userCwd of ['/opt/studio', '/opt/studio/main/cli']) {
      expect(ccstudioCommand({ script, onPath: undefined, userCwd, packageRoot })).toBe('npx ccstudio');
    }
    const installed = '/home/me/proj/node_modules/claude-code-studio';
    expect(
      ccstudioCommand({
        script: `${installed}/dist/main/cli/ccstudio.js`,
        onPath: undefined,
        userCwd: '/home/me/proj/src',
        packageRoot: installed,
      }),
    ).toBe('npx ccstudio');
    // A sibling folder whose name starts the same is not inside.
    expect(ccstudioCommand({ script, onPath: undefined, userCwd: '/opt/studio-2', packageRoot })).toBe(
      `node ${script}`,
    );
  });

  it('is node with the script path elsewhere, quoted when the shell needs it', () => {
    expect(ccstudioCommand({ script, onPath: undefined, userCwd: '/home/me', packageRoot })).toBe(
      'node /opt/studio/dist/main/cli/ccstudio.js',
    );
    const spaced = "/home/me/my studio/it's/dist/main/cli/ccstudio.js";
    expect(
      ccstudioCommand({
        script: spaced,
        onPath: undefined,
        userCwd: '/tmp',
        packageRoot: "/home/me/my studio/it's",
      }),
    ).toBe(`node '/home/me/my studio/it'\\''s/dist/main/cli/ccstudio.js'`);
    expect(shellWord('/plain/path-1.2_x')).toBe('/plain/path-1.2_x');
  });

  it("finds ccstudio on PATH as the person's shell does, skipping the node_modules/.bin npm adds", () => {
    const d = dir();
    const bin = join(d, 'bin');
    const npmBin = join(d, 'proj', 'node_modules', '.bin');
    const notExecutable = join(d, 'noexec');
    for (const f of [bin, npmBin, notExecutable]) mkdirSync(f, { recursive: true });
    symlinkSync(CLI, join(bin, 'ccstudio'));
    symlinkSync(CLI, join(npmBin, 'ccstudio'));
    writeFileSync(join(notExecutable, 'ccstudio'), '');
    chmodSync(join(notExecutable, 'ccstudio'), 0o644);
    expect(ccstudioOnPath([npmBin, notExecutable, bin].join(':'))).toBe(realpathSync(CLI));
    expect(ccstudioOnPath([npmBin, notExecutable].join(':'))).toBeUndefined();
    expect(ccstudioOnPath(undefined)).toBeUndefined();
  });
});

/** The CLI run from `cwd` with exactly this environment. */
function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('the ccstudio commands the CLI prints', () => {
  /** PATH with node only (no ccstudio), and no INIT_CWD from an npm that runs these tests. */
  function plainEnv(path = dirname(process.execPath)): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
    delete env.INIT_CWD;
    return env;
  }
  const script = realpathSync(CLI);

  it("serve's banner, run outside the package with no ccstudio on PATH, names the script", async () => {
    const d = dir();
    const data = join(d, 'data');
    const serve = await startServe(['--data', data, '--port', '0', '--no-start'], {
      cwd: d,
      env: plainEnv(),
    });
    procs.push(serve.proc);
    expect(serve.output()).toContain(`Add an agent:  node ${script} agent add NAME --data ${data}`);
  });

  it('hints in errors say npx ccstudio inside the package, and ccstudio when it is on PATH', async () => {
    const d = dir();
    const data = join(d, 'data');
    const root = dirname(dirname(dirname(dirname(script))));
    // Inside the checkout, and in a folder of it (as npm's INIT_CWD says when npm runs us).
    const inside = await runIn(join(root, 'main'), ['agent', 'start', 'x', '--data', data], plainEnv());
    expect(inside.stderr).toContain(`start one with \`npx ccstudio serve --data ${data}\`.`);
    const viaNpm = await runIn(root, ['agent', 'start', 'x', '--data', data], { ...plainEnv(), INIT_CWD: d });
    expect(viaNpm.stderr).toContain(`start one with \`node ${script} serve --data ${data}\`.`);
    // This script on PATH (as a global install links it): plain ccstudio, in usage lines too.
    const bin = join(d, 'bin');
    mkdirSync(bin);
    symlinkSync(CLI, join(bin, 'ccstudio'));
    const env = plainEnv(`${bin}:${dirname(process.execPath)}`);
    const onPath = await runIn(d, ['agent', 'start', 'x', '--data', data], env);
    expect(onPath.stderr).toContain(`start one with \`ccstudio serve --data ${data}\`.`);
    const usage = await runIn(d, ['task', 'add', '--data', data], env);
    expect(usage.stderr).toMatch(/^ {2}ccstudio task add TITLE/m);
  });
});
