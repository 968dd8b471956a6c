// Agents that sleep, with the real CLI and the model stub: put to sleep, an agent's Claude Code ends
// and its session is kept; mail resumes that session and is delivered with nothing typed, and the
// model's next request carries the conversation from before. An agent at a permission prompt, or
// with the person's draft in its input box, is never put to sleep.
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../main/contract/model.js';
import { claudeMissingReason, startClaudeCrew, type ClaudeCrew } from '../support/claudeHarness.js';
import { runCli } from '../support/cliProcess.js';
import { crewScript } from '../support/crewScript.js';
import { skipTitle } from '../support/skipReason.js';

const TIMEOUT = 180_000;

let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/** Whether a Claude Code process of this crew's agent still runs (its --mcp-config names the agent). */
function claudeRunning(c: ClaudeCrew, name: string): boolean {
  const pid = c.studio.sessions.get(c.agent(name).id)?.pty.pid;
  if (!pid || !c.studio.sessions.get(c.agent(name).id)?.pty.running) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SUITE = skipTitle('Claude Code agents that sleep', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it(
    'put to sleep from the command line, an agent is resumed by mail with its conversation kept, nothing typed',
    async () => {
      crew = await startClaudeCrew([{ name: 'bob' }], crewScript);
      const c = crew;
      const cli = (...args: string[]) => runCli(['--data', c.dataDir, ...args]);
      const typed: string[] = [];
      const type = c.studio.sessions.type.bind(c.studio.sessions);
      c.studio.sessions.type = (id, text) => (typed.push(text), type(id, text));
      const bob = c.agent('bob');
      // A first conversation: the person's "ping user" is answered with a message.
      c.studio.bus.send(c.studio.agents.person, 'bob', 'ping user');
      await c.waitFor('bob to answer', () => c.studio.bus.history(null).some((m) => m.from === 'bob'));
      await c.waitFor('bob idle', () => c.agent('bob').state === 'idle');
      const sessionBefore = c.studio.agents.sessionIdOf(bob.id);

      const slept = await cli('agent', 'sleep', 'bob');
      expect(slept).toMatchObject({ code: 0, stderr: '' });
      expect(slept.stdout).toContain('bob is asleep');
      expect(c.agent('bob')).toMatchObject({ state: 'asleep', sleep: { asleepSince: expect.any(Number) } });
      expect(claudeRunning(c, 'bob')).toBe(false);
      const listed = JSON.parse((await cli('agent', 'list', '--json')).stdout) as Agent[];
      expect(listed.find((a) => a.name === 'bob')?.state).toBe('asleep');
      expect((await cli('status')).stdout).toMatch(/bob.*asleep/);
      // Asleep, mail is no cause for a warning: it wakes the agent.
      const requestsBefore = c.requestsFrom('bob').length;
      const sent = await c.studio.service.sendMessage({ to: 'bob', body: 'ping user' });
      expect(sent).not.toHaveProperty('warning');

      await c.waitFor('bob to read it after waking', () => c.studio.bus.unreadCount(bob.id) === 0);
      expect(c.agent('bob').sleep.asleepSince).toBeNull();
      expect(c.studio.agents.sessionIdOf(bob.id)).toBe(sessionBefore);
      // The model's first request after the resume carries the turns from before the sleep.
      const resumed = c.requestsFrom('bob').slice(requestsBefore)[0]!;
      const before = JSON.stringify(resumed.messages);
      expect(before).toContain('Sent message #');
      expect(before).toContain('mcp__studio__send_message');
      expect(typed).toEqual([]);
      expect(c.studio.bus.recentDeliveries(1)[0]).toMatchObject({ messageId: sent.id, via: 'resume' });
    },
    TIMEOUT,
  );

  it(
    'an agent at a permission prompt, or with a draft in its input box, is never put to sleep; `agent wake` wakes one',
    async () => {
      crew = await startClaudeCrew(
        [{ name: 'carol', args: ['--permission-mode', 'default'] }, { name: 'dan' }],
        crewScript,
      );
      const c = crew;
      const cli = (...args: string[]) => runCli(['--data', c.dataDir, ...args]);
      c.studio.bus.send(c.studio.agents.person, 'carol', 'run');
      await c.waitFor(
        'carol at its permission prompt',
        () => c.agent('carol').state === 'waiting_permission',
      );
      const refused = await cli('agent', 'sleep', 'carol');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('Not putting carol to sleep: it is waiting permission.');
      expect(claudeRunning(c, 'carol')).toBe(true);
      expect(c.agent('carol').state).toBe('waiting_permission');

      await c.waitFor('dan idle', () => c.agent('dan').state === 'idle');
      c.studio.sessions.input('dan', 'a draft');
      await c.waitFor('the draft on screen', () =>
        c.studio.sessions.reading('dan').reading.input.includes('a draft'),
      );
      await expect(c.studio.service.sleepAgent('dan')).rejects.toThrow('something is typed in its input box');
      c.studio.sessions.input('dan', '\x7f'.repeat('a draft'.length));
      await c.waitFor('the draft gone', () => !c.studio.sessions.reading('dan').reading.input);
      await c.studio.service.sleepAgent('dan');
      expect(c.agent('dan').state).toBe('asleep');
      const woke = await cli('agent', 'wake', 'dan');
      expect(woke).toMatchObject({ code: 0, stderr: '' });
      expect(woke.stdout).toContain('dan is awake');
      await c.waitFor('dan idle again', () => c.agent('dan').state === 'idle');
    },
    TIMEOUT,
  );
});
