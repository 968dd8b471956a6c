// The command line per command (issue 24 §7): each command's --help is its own, an option another
// command takes is refused by this one, and the completion scripts offer what the tree holds,
// checked in a real bash.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, trackProcesses } from '../../support/cliProcess.js';
import { tempDir } from '../../support/studioHarness.js';

const { dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function dataDir(): string {
  const d = realpathSync(tempDir('ccstudio-cmd-'));
  dirs.push(d);
  return d;
}

const env = { INIT_CWD: process.cwd() };

describe('per-command help', () => {
  it("agent add --help prints agent add's usage, options and examples, and nothing of other commands", async () => {
    const r = await runCli(['agent', 'add', '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}npx ccstudio agent add NAME /);
    expect(r.stdout).toMatch(/^ {2}--worktree-dir <DIR> /m);
    expect(r.stdout).toMatch(/^Examples:\n {2}npx ccstudio agent add /m);
    for (const other of ['--port', '--priority', '--urgent', 'task add', 'agent list'])
      expect(r.stdout, other).not.toContain(other);
  });

  it('task merge -h and serve --help are their own too', async () => {
    const merge = await runCli(['task', 'merge', '-h'], env);
    expect(merge.stdout).toMatch(/^Usage:\n {2}npx ccstudio task merge ID /);
    expect(merge.stdout).toContain('--dry-run');
    expect(merge.stdout).not.toContain('--priority');
    const serve = await runCli(['serve', '--help'], env);
    expect(serve.stdout).toMatch(/^ {2}--first-team <N> /m);
    expect(serve.stdout).not.toContain('--remove-worktree');
  });
});

describe('options per command', () => {
  it('refuses an option that only another command takes, with exit code 2, changing nothing', async () => {
    const data = dataDir();
    const cases: Array<[string[], string]> = [
      [['status', '--urgent'], '--urgent'],
      [['agent', 'list', '--port', '0'], '--port'],
      [['task', 'add', 'x', '--remove-worktree'], '--remove-worktree'],
      [['serve', '--json'], '--json'],
      [['send', 'bob', 'hi', '--priority', 'high'], '--priority'],
    ];
    for (const [args, option] of cases) {
      const r = await runCli([...args, '--data', data], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(
        `ccstudio: Unknown option ${option}. \`npx ccstudio --help\` lists the options.\n`,
      );
    }
    expect(existsSync(join(data, 'studio.json'))).toBe(false);
    // The task was not made.
    expect((await runCli(['task', 'list', '--json', '--data', data], env)).stdout.trim()).toBe('[]');
  });
});

describe('shell completion', () => {
  /** What bash's completion offers for `words` (the last being the word under the cursor). */
  function complete(script: string, words: string[]): string[] {
    const file = join(dataDir(), 'ccstudio.bash');
    writeFileSync(file, script);
    const line = ['ccstudio', ...words].map((w) => `'${w}'`).join(' ');
    const out = execFileSync(
      'bash',
      [
        '-c',
        `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; _ccstudio; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        file,
      ],
      { encoding: 'utf8' },
    );
    return out.split('\n').filter(Boolean);
  }

  it('bash: offers the commands, a group’s subcommands, and each command’s own options', async () => {
    const r = await runCli(['completion', 'bash'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('complete -o default -F _ccstudio ccstudio');
    expect(complete(r.stdout, [''])).toEqual(
      expect.arrayContaining(['serve', 'agent', 'task', 'status', 'completion']),
    );
    expect(complete(r.stdout, ['ag'])).toEqual(['agent']);
    expect(complete(r.stdout, ['agent', 're'])).toEqual(['restart', 'remove', 'release']);
    const addOptions = complete(r.stdout, ['agent', 'add', 'bob', '--w']);
    expect(addOptions.sort()).toEqual(['--worktree', '--worktree-dir']);
    // An option's value is skipped: `--data DIR task` still walks into task.
    expect(complete(r.stdout, ['--data', '/tmp/x', 'task', 'a'])).toEqual(['add']);
    expect(complete(r.stdout, ['status', '--'])).toEqual(['--json', '--data', '--help']);
  });

  it('zsh: the same table behind compadd; an unknown shell is refused', async () => {
    const zsh = await runCli(['completion', 'zsh'], env);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef ccstudio\n/);
    expect(zsh.stdout).toContain("'agent add') echo '--role --summary");
    // zsh is not on every machine: its script's shared functions run in bash alike.
    const shared = zsh.stdout.split('\n_ccstudio() {')[0]!;
    const out = execFileSync(
      'bash',
      ['-c', `${shared}\n_ccstudio_walk agent merge bob --into main; echo "$cmdpath|$wantsvalue"`],
      { encoding: 'utf8' },
    );
    expect(out).toBe('agent merge|\n');
    const fish = await runCli(['completion', 'fish'], env);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toMatch(
      /^ccstudio: No completion for "fish": bash or zsh\.\nUsage:\n {2}npx ccstudio completion/,
    );
  });
});
