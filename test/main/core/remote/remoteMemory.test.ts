// Memory read on another machine: the script run by this machine's real `sh` and `ps` in a
// throwaway HOME (what sshd would run it in), a real process standing for an agent's Claude Code.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryScript, parseMemory } from '../../../../main/core/remote/remoteMemory.js';
import { remoteAgentDir } from '../../../../main/core/remote/remoteSetup.js';

describe('memory read on another machine', () => {
  let home: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'ccs-remote-home-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  /** An agent's folder there, and a process that runs its files (as its Claude Code does), pid written. */
  const agentThere = async (name: string, pid?: number): Promise<string> => {
    const dir = remoteAgentDir('studio1', name);
    mkdirSync(join(home, dir), { recursive: true });
    if (pid === undefined) {
      // A shell with a child, as Claude Code runs its tools: both count.
      const child = spawn(
        'sh',
        ['-c', 'sleep 30 & wait', 'claude', '--mcp-config', join(home, dir, 'mcp.json')],
        {
          stdio: 'ignore',
        },
      );
      children.push(child);
      pid = child.pid!;
      await new Promise((r) => setTimeout(r, 300));
    }
    writeFileSync(join(home, dir, 'claude.pid'), `${pid}\n`);
    return dir;
  };

  const run = (dirs: string[]) =>
    parseMemory(
      execFileSync('sh', ['-s'], {
        input: memoryScript(dirs),
        env: { ...process.env, HOME: home },
      }).toString(),
    );

  it("sums each agent's process tree there, found from its launcher's pid file", async () => {
    const ann = await agentThere('ann');
    const bob = await agentThere('bob');
    const sizes = run([ann, bob]);
    expect([...sizes.keys()]).toEqual([0, 1]);
    for (const bytes of sizes.values()) expect(bytes).toBeGreaterThan(0);
  });

  it('leaves out an agent whose pid names another process (reused), is gone, or has no pid file', async () => {
    const live = await agentThere('live');
    // This test's own process: running, but not that agent's files.
    const reused = await agentThere('reused', process.pid);
    const gone = await agentThere('gone', 2 ** 22 - 7);
    const none = remoteAgentDir('studio1', 'none');
    const sizes = run([reused, gone, none, live]);
    expect([...sizes.keys()]).toEqual([3]);
  });

  it('reads nothing from a reply without its table (a login script that printed something else)', () => {
    expect(parseMemory('ccstudio:pid0=12\nwelcome!\n').size).toBe(0);
    expect(parseMemory('ccstudio:pid0=12\nccstudio:table\n   12     1   100\n').get(0)).toBe(100 * 1024);
  });
});
