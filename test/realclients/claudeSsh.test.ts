// The real Claude Code CLI on "another machine": a throwaway sshd on loopback logging in its own
// account (test/support/sshd.ts), Claude Code run there by the studio over SSH, driven by the
// model stub; beside it, a local agent. The studio listens on 127.0.0.1 only: the remote agent
// reaches its MCP server, hooks and waiter through the SSH connection.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_BIN,
  claudeMissingReason,
  startClaudeCrew,
  waitFor,
  type ClaudeCrew,
  type CrewRemote,
} from '../support/claudeHarness.js';
import { seedClaudeHome, STUB_API_KEY } from '../support/claudeEnv.js';
import { crewScript } from '../support/crewScript.js';
import { GIT_TEST_ENV, makeRepo } from '../support/gitRepo.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';
import { defaultWorktreeParent } from '../../main/core/workspaces/workspaceNames.js';
import { REMOTE_ALIAS, REMOTE_USER, sshdMissingReason, startSshd, type Sshd } from '../support/sshd.js';

const reason = claudeMissingReason ?? sshdMissingReason;
const SUITE = skipTitle('Claude Code on another machine over SSH', reason);
const TIMEOUT = 180_000;

describe.skipIf(reason)(SUITE, () => {
  let crew: ClaudeCrew | undefined;
  let sshd: Sshd | undefined;
  afterEach(async () => {
    await crew?.close();
    crew = undefined;
    await sshd?.close();
    sshd = undefined;
  });

  /**
   * The remote: sshd whose sessions reach the stub (over the remote's own network, as the model's
   * API is reached from any machine), Claude Code on their PATH, a trusted folder.
   */
  const remoteFor = async (stubUrl: string, worktreeAgents: string[] = []): Promise<CrewRemote> => {
    sshd = await startSshd(async (remote) => ({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ANTHROPIC_BASE_URL: await remote.reach(stubUrl),
      ANTHROPIC_API_KEY: STUB_API_KEY,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      // Claude Code's settings and sessions there, apart from any other test's.
      CLAUDE_CONFIG_DIR: join(remote.dir, 'claude-config'),
      // Its agents commit there: git needs an identity on a machine that has none set.
      ...GIT_TEST_ENV,
    }));
    return setUpRemote(sshd, worktreeAgents);
  };

  it(
    'a local agent and an agent on another machine exchange mail, each wake delivered once',
    async () => {
      crew = await startClaudeCrew([{ name: 'alice' }, { name: 'bob', ssh: true }], crewScript, {
        remote: remoteFor,
      });
      const c = crew;
      const typed = typedInto(c, 'bob');
      const bob = c.agent('bob');
      expect(bob.ssh?.dest).toBe(REMOTE_ALIAS);
      expect(bob.cliVersion).toBe('2.1.330');
      c.studio.bus.send(c.studio.agents.person, 'alice', 'ping bob');
      await waitFor('alice to get pong', () =>
        c.requestsFrom('alice').find((r) => r.toolResults.some((t) => t.text.includes('"text":"pong"'))),
      );
      await waitFor('alice to be idle again', () => c.agent('alice').state === 'idle');
      expect(wakes(c, 'bob')).toEqual([
        '[studio] You have 1 new message from alice. Call check_inbox now and act on it.',
      ]);
      expect(wakes(c, 'alice')).toHaveLength(2);
      expect(c.studio.bus.history(null).map((m) => [m.from, m.to.join(), m.body])).toEqual([
        ['bob', 'alice', 'pong'],
        ['alice', 'bob', 'ping'],
        ['user', 'alice', 'ping bob'],
      ]);
      // bob's Claude Code ran over there, as the remote account, and its hooks came back through the link.
      const processes = sshd!.asRemote(['ps', '-u', REMOTE_USER, '-o', 'args=']);
      expect(processes).toMatch(/claude/);
      expect(processes).not.toMatch(/ccs_|ccsh_/);
      await waitFor('bob idle after its turn (its Stop hook)', () => c.agent('bob').state === 'idle');
      // Its token use, read from its transcript over there after the turn.
      const usage = await waitFor(
        'bob usage',
        () => (c.agent('bob').usage?.tokens ?? 0) > 0 && c.agent('bob').usage,
      );
      expect(usage).toMatchObject({ turns: 1 });
      // bob was woken there by its waiter (curl held on the studio through the link): nothing typed.
      expect(typed).toEqual([]);
      const toBob = c.studio.bus.recentDeliveries(10).find((d) => d.to === 'bob');
      expect(toBob).toMatchObject({ via: 'rewake' });
      expect(c.studio.sessions.screen('bob')).not.toContain('[studio] You have');
    },
    TIMEOUT,
  );

  it(
    'the SSH connection dies mid-turn: the mail sent meanwhile waits, the agent comes back resumed and gets it once',
    async () => {
      crew = await startClaudeCrew([{ name: 'bob', ssh: true }], crewScript, { remote: remoteFor });
      const c = crew;
      const person = c.studio.agents.person;
      const bobId = c.agent('bob').id;
      c.studio.bus.send(person, 'bob', 'slow');
      await waitFor('bob busy with the slow turn', () =>
        c.requestsFrom('bob').some((r) => r.toolResults.some((t) => t.text.includes('"text":"slow"'))),
      );
      // What the session has on disk over there: resumed after the drop.
      const transcript = await waitFor('the turn in the remote transcript', () => transcriptWith(c, 'slow'));
      sshd!.dropConnections();
      await waitFor('bob reconnecting', () => c.agent('bob').state === 'reconnecting');
      c.studio.bus.send(person, 'bob', 'ping user');
      expect(c.studio.bus.unreadSummary(bobId)).toMatchObject({ queued: 1 });
      const before = c.requestsFrom('bob').length;
      await waitFor('bob to answer the mail that waited', () =>
        c.studio.bus.history(null).find((m) => m.from === 'bob' && m.body === 'ping'),
      );
      expect(c.studio.bus.unreadCount(bobId)).toBe(0);
      // Announced once after it came back, in a conversation that still holds the turn before the drop.
      const after = c.requestsFrom('bob').slice(before);
      expect(after.filter((r) => r.prompt.startsWith('[studio]') || r.notices.length)).toHaveLength(1);
      // (the inbox's answer is JSON inside the tool result, so its quotes come escaped)
      expect(JSON.stringify(after[0]!.messages)).toContain('\\"text\\":\\"slow\\"');
      expect(transcript).toMatch(/\.jsonl$/);
      expect(c.agent('bob').lastExit).toBeNull();
    },
    TIMEOUT,
  );

  it(
    'a worktree agent there takes a task on its own branch, commits with its Bash tool, and the person merges it there',
    async () => {
      crew = await startClaudeCrew(
        [
          {
            name: 'rita',
            ssh: true,
            worktree: true,
            args: ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash'],
          },
        ],
        commitScript(),
        { remote: (url) => remoteFor(url, ['rita']) },
      );
      const c = crew;
      const ws = c.agent('rita').workspace!;
      const repo = join(sshd!.remoteDir, 'work');
      expect(ws).toMatchObject({ repo, path: join(sshd!.remoteDir, 'work-worktrees', 'rita'), base: 'main' });
      const task = await c.studio.service.createTask({ title: 'Say hello', assignee: 'rita' });
      await waitFor('the task in review', () => c.studio.board.get(task.id).status === 'review', 120_000);
      const mail = c
        .requestsFrom('rita')
        .flatMap((r) => r.toolResults)
        .find((t) => t.text.startsWith('{"messages"'));
      expect(mail?.text).toContain(
        `on the branch ccstudio/rita/task-${task.id}-say-hello, made for this task from main`,
      );
      const gitThere = (...args: string[]) => sshd!.asRemote(['git', '-C', ws.path, ...args]).trim();
      expect(gitThere('log', '-1', '--format=%s %D')).toBe(
        `rita commits HEAD -> ccstudio/rita/task-${task.id}-say-hello`,
      );
      // Read over the link at its turn's end (its Stop hook came back through the forward).
      await waitFor('rita idle', () => c.agent('rita').state === 'idle');
      expect(await c.studio.service.agentChanges('rita')).toMatchObject({
        ahead: 1,
        committed: { files: 1, added: 1 },
        uncommitted: { files: 0 },
      });
      const merged = await c.studio.service.merge({ taskId: task.id });
      expect(merged.files).toEqual(['hello.txt']);
      expect(sshd!.asRemote(['cat', join(repo, 'hello.txt')])).toBe('hello from rita\n');
      expect(c.studio.board.get(task.id).status).toBe('done');
    },
    TIMEOUT,
  );

  it(
    'an agent there is read for memory on its machine, put to sleep (freeing that machine) and resumed by mail with its conversation',
    async () => {
      crew = await startClaudeCrew([{ name: 'bob', ssh: true }], crewScript, { remote: remoteFor });
      const c = crew;
      const person = c.studio.agents.person;
      const bob = c.agent('bob');
      const typed = typedInto(c, 'bob');
      const there = () => sshd!.asRemote(['ps', '-u', REMOTE_USER, '-o', 'args=']);
      const claudeThere = () => /claude/.test(there());
      c.studio.bus.send(person, 'bob', 'ping user');
      await waitFor('bob to answer', () => c.studio.bus.history(null).some((m) => m.from === 'bob'));
      await waitFor('bob idle', () => c.agent('bob').state === 'idle');
      await waitFor('its waiter there (curl, held on the studio)', () => there().includes('/hooks/wait'));
      // Its memory, read over there: Claude Code's process tree on that machine, not the ssh client here.
      await c.studio.resources.sample();
      const memory = c.studio.resources.memoryOf(bob.id);
      expect(memory).toBeGreaterThan(50 * 2 ** 20);
      expect(c.studio.status().agents.find((a) => a.name === 'bob')?.memoryBytes).toBe(memory);
      const sessionBefore = c.studio.agents.sessionIdOf(bob.id);

      await c.studio.service.sleepAgent('bob');
      expect(c.agent('bob')).toMatchObject({ state: 'asleep', sleep: { asleepSince: expect.any(Number) } });
      await waitFor('its Claude Code gone from that machine', () => !claudeThere());
      // Its waiter there (curl) ended with it: the studio answered it when the CLI went.
      await waitFor('no waiter left there', () => !there().includes('/hooks/wait'));
      await c.studio.resources.sample();
      expect(c.studio.resources.costs()).toEqual([
        expect.objectContaining({ name: 'bob', asleep: true, memoryBytes: 0 }),
      ]);

      const before = c.requestsFrom('bob').length;
      const sent = await c.studio.service.sendMessage({ to: 'bob', body: 'ping user' });
      await waitFor('bob to read it after waking there', () => c.studio.bus.unreadCount(bob.id) === 0);
      expect(claudeThere()).toBe(true);
      expect(c.agent('bob').sleep.asleepSince).toBeNull();
      expect(c.studio.agents.sessionIdOf(bob.id)).toBe(sessionBefore);
      // Resumed there: the model's first request after the wake carries the turn from before the sleep.
      const resumed = JSON.stringify(c.requestsFrom('bob').slice(before)[0]!.messages);
      expect(resumed).toContain('Sent message #');
      // Delivered by the waiter its resumed start left there: nothing typed.
      expect(c.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: sent.id, via: 'resume' });
      expect(typed).toEqual([]);
    },
    TIMEOUT,
  );

  /** The remote transcript that holds `text`, if it is written yet. */
  function transcriptWith(c: ClaudeCrew, text: string): string | undefined {
    const sessionId = c.studio.agents.sessionIdOf(c.agent('bob').id);
    try {
      const found = execFileSync('find', [sshd!.remoteDir, '-name', `${sessionId}.jsonl`], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean)[0];
      return found && readFileSync(found, 'utf8').includes(text) ? found : undefined;
    } catch {
      return undefined;
    }
  }
});

/** What the studio types into an agent's terminal from now on. */
function typedInto(c: ClaudeCrew, name: string): string[] {
  const typed: string[] = [];
  const type = c.studio.sessions.type.bind(c.studio.sessions);
  const id = c.agent(name).id;
  c.studio.sessions.type = (agentId, text) => {
    if (agentId === id) typed.push(text);
    return type(agentId, text);
  };
  return typed;
}

/** The wake notices an agent's model saw, each turn's first (typed, or from its waiter hook). */
function wakes(c: ClaudeCrew, name: string): string[] {
  return c
    .requestsFrom(name)
    .filter((r) => r.notices.length && !r.toolResults.length)
    .flatMap((r) => r.notices);
}

/** On a wake: read the inbox, commit with Bash, move the task to review, say done. */
function commitScript(): (req: StubRequest) => StubReply {
  let taskId = 0;
  return (req) => {
    const last = req.toolResults.at(-1);
    if (last?.text.startsWith('{"messages"')) {
      taskId = Number(/Task #(\d+)/.exec(last.text)?.[1] ?? 0);
      const command =
        "printf 'hello from rita\\n' > hello.txt && git add hello.txt && git commit -qm 'rita commits' && echo COMMITTED";
      return { toolUse: { name: 'Bash', input: { command, description: 'Commit the work' } } };
    }
    if (last?.text.includes('COMMITTED'))
      return { toolUse: { name: 'mcp__studio__update_task', input: { task_id: taskId, status: 'review' } } };
    if (last) return { text: 'Done: committed on my task branch.' };
    if (req.notices.length) return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
    return { text: 'Ready.' };
  };
}

/**
 * Claude Code for the remote account: the pinned binary on its PATH (linked where that account can
 * run it), settings seeded in its own config folder, and a folder to work in; with worktree agents,
 * that folder is a repository of the remote account's, and their worktrees beside it are trusted.
 */
function setUpRemote(sshd: Sshd, worktreeAgents: string[]): CrewRemote {
  const bin = join(sshd.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(realpathSync(CLAUDE_BIN), join(bin, 'claude'));
  const work = join(sshd.remoteDir, 'work');
  if (worktreeAgents.length) makeRepo(work, { 'README.md': "The crew's project there.\n" });
  else mkdirSync(work);
  const trees = worktreeAgents.map((n) => join(defaultWorktreeParent(work), n));
  seedClaudeHome(join(sshd.remoteDir, 'claude-config'), [work, ...trees]);
  execFileSync('chown', ['-R', `${REMOTE_USER}:${REMOTE_USER}`, sshd.remoteDir]);
  return { sshCommand: sshd.sshCommand, dest: REMOTE_ALIAS, cwd: work, command: join(bin, 'claude') };
}
