// The scripts git and the file reads send to another machine, run here under the system's `sh`
// as sshd would run them there: hostile file names stay words of their own, a FIFO or a link is
// never opened, and git gets no variable a parent git set.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  answerOf,
  parseUntracked,
  programScript,
  untrackedScript,
} from '../../../../main/core/remote/remoteGit.js';
import { tempDir } from '../../../support/studioHarness.js';

/** Runs a script on stdin under sh, as `ssh HOST sh -s` does. */
function sh(script: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', env, timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the scripts sent over SSH', () => {
  it('runs a program with its arguments as words, in its folder, without a parent git’s variables', () => {
    const dir = tempDir('ccstudio-remote-script-');
    const args = ['-n', "it's", '$(touch pwned)', 'a\nb', '; rm -rf /'];
    const r = sh(programScript('printf', dir, ['%s|', ...args], { LC_ALL: 'C', GIT_COMMON_DIR: undefined }), {
      ...process.env,
      GIT_DIR: '/elsewhere',
      GIT_WORK_TREE: '/elsewhere',
    });
    expect(r.code).toBe(0);
    expect(answerOf(r.stdout)).toBe(args.map((a) => `${a}|`).join(''));
    const env = sh(programScript('env', dir, [], { LC_ALL: 'C' }), { ...process.env, GIT_DIR: '/elsewhere' });
    expect(answerOf(env.stdout)).toMatch(/^LC_ALL=C$/m);
    expect(env.stdout).not.toMatch(/^GIT_DIR=/m);
    expect(execFileSync('ls', [dir], { encoding: 'utf8' })).toBe('');
    expect(() => programScript('git', dir, [], { 'A;B': 'x' })).toThrow(/not an environment variable/);
  });

  it('says a missing folder or program, apart from the program’s own failures', () => {
    const dir = tempDir('ccstudio-remote-script-');
    expect(sh(programScript('true', join(dir, 'gone'), [], {}))).toMatchObject({
      code: 3,
      stderr: 'ccstudio:nofolder\n',
    });
    expect(sh(programScript('no-such-program-here', dir, [], {}))).toMatchObject({
      code: 127,
      stderr: 'ccstudio:noprogram\n',
    });
    expect(sh(programScript('false', dir, [], {})).code).toBe(1);
  });

  it('reads untracked files’ text, never a FIFO or through a link, and keeps odd names apart', () => {
    const dir = tempDir('ccstudio-remote-untracked-');
    writeFileSync(join(dir, 'secret'), 'the key\n');
    const work = join(dir, 'work');
    mkdirSync(work);
    const names = ['plain.txt', "it's $(x).txt", '-n', 'line\nbreak', 'bin.dat', 'link', 'pipe', 'missing'];
    writeFileSync(join(work, names[0]!), 'a\nb\n');
    writeFileSync(join(work, names[1]!), 'quoted\n');
    writeFileSync(join(work, names[2]!), 'dash\n');
    writeFileSync(join(work, names[3]!), 'newline\n');
    writeFileSync(join(work, names[4]!), Buffer.from([1, 0, 2]));
    symlinkSync(join(dir, 'secret'), join(work, 'link'));
    execFileSync('mkfifo', [join(work, 'pipe')]);
    const r = sh(untrackedScript(work, names));
    expect(r.code).toBe(0);
    expect(parseUntracked(names, r.stdout)).toEqual([
      { path: 'plain.txt', text: 'a\nb\n', binary: false },
      { path: "it's $(x).txt", text: 'quoted\n', binary: false },
      { path: '-n', text: 'dash\n', binary: false },
      { path: 'line\nbreak', text: 'newline\n', binary: false },
      { path: 'bin.dat', text: null, binary: true },
      { path: 'link', text: null, binary: false },
      { path: 'pipe', text: null, binary: false },
      { path: 'missing', text: null, binary: false },
    ]);
  });

  it('reads no more than its byte budget; the files past it are marked, not read', () => {
    const work = tempDir('ccstudio-remote-budget-');
    const names = ['a', 'b', 'c'];
    for (const n of names) writeFileSync(join(work, n), `${n.repeat(9)}\n`);
    const r = sh(untrackedScript(work, names, 25));
    expect(parseUntracked(names, r.stdout)).toEqual([
      { path: 'a', text: 'aaaaaaaaa\n', binary: false },
      { path: 'b', text: 'bbbbbbbbb\n', binary: false },
      { path: 'c', text: null, binary: false, overBudget: true },
    ]);
  });

  it('finds its answer after whatever the account’s shell printed first, and none when it never ran', () => {
    expect(answerOf('Welcome to the box!\nccstudio:ready\nyes\n')).toBe('yes\n');
    expect(answerOf('')).toBeUndefined();
  });

  it('takes nothing from an answer but its own lines: an index out of range or junk is ignored', () => {
    expect(parseUntracked(['a'], '7 aGk=\nnot a line\n0 aGk=\n')).toEqual([
      { path: 'a', text: 'hi', binary: false },
    ]);
  });
});
