// The real Claude Code CLI (2.1.330, pinned in test/tools) as studio agents in real PTYs, driven
// by the scripted model stub. These decide what "works" means for agent sessions and wakes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeMissingReason, startClaudeCrew, waitFor, type ClaudeCrew } from '../support/claudeHarness.js';
import { crewScript } from '../support/crewScript.js';
import { skipTitle } from '../support/skipReason.js';
import { claudeTranscriptPath } from '../../main/core/claude/claudeLaunch.js';

const TIMEOUT = 180_000;
let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/** Counts what the studio types into terminals from now on. */
function watchTyping(c: ClaudeCrew): string[] {
  const typed: string[] = [];
  const type = c.studio.sessions.type.bind(c.studio.sessions);
  c.studio.sessions.type = (id, text) => (typed.push(text), type(id, text));
  return typed;
}

/** The model requests a wake started: a turn's first, with the studio's notice in it. */
const wakeRequests = (c: ClaudeCrew, name: string) =>
  c.requestsFrom(name).filter((r) => r.notices.length > 0 && r.toolResults.length === 0);

const SUITE = skipTitle('Claude Code agents in the studio', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it(
    'A writes to idle B; B is woken, reads and replies; A is woken in turn; each wake once, by its waiter, nothing typed',
    async () => {
      crew = await startClaudeCrew([{ name: 'alice' }, { name: 'bob' }], crewScript);
      const c = crew;
      const typed = watchTyping(c);
      c.studio.bus.send(c.studio.agents.person, 'alice', 'ping bob');
      await waitFor('alice to get pong', () =>
        c.requestsFrom('alice').find((r) => r.toolResults.some((t) => t.text.includes('"text":"pong"'))),
      );
      await waitFor('alice to be idle again', () => c.agent('alice').state === 'idle');
      // alice: woken by the person, then by bob's pong; bob: woken once by alice's ping.
      expect(wakeRequests(c, 'alice').map((r) => r.notices)).toEqual([
        ['[studio] You have 1 new message from user. Call check_inbox now and act on it.'],
        ['[studio] You have 1 new message from bob. Call check_inbox now and act on it.'],
      ]);
      expect(wakeRequests(c, 'bob').map((r) => r.notices)).toEqual([
        ['[studio] You have 1 new message from alice. Call check_inbox now and act on it.'],
      ]);
      expect(c.studio.wake.recentWakes().map((w) => [w.via, w.submitted])).toEqual([
        ['rewake', true],
        ['rewake', true],
        ['rewake', true],
      ]);
      expect(typed).toEqual([]);
      // The sender of each message is the agent whose token made the call.
      const history = c.studio.bus.history(null).map((m) => [m.from, m.to.join(), m.body]);
      expect(history).toEqual([
        ['bob', 'alice', 'pong'],
        ['alice', 'bob', 'ping'],
        ['user', 'alice', 'ping bob'],
      ]);
      expect(c.studio.bus.unreadCount(c.agent('alice').id)).toBe(0);
      expect(c.studio.bus.unreadCount(c.agent('bob').id)).toBe(0);
      // Its terminal shows the waiter's one line, once, and no prompt typed.
      const bobScreen = c.studio.sessions.screen('bob');
      expect(bobScreen.split('studio: mail arrived').length - 1).toBe(1);
      expect(bobScreen).not.toContain('[studio] You have');
    },
    TIMEOUT,
  );

  it(
    'mail that arrives while the agent is busy is handed over at the end of its turn, with nothing typed',
    async () => {
      crew = await startClaudeCrew([{ name: 'bob' }], crewScript);
      const c = crew;
      const person = c.studio.agents.person;
      const bob = c.agent('bob');
      c.studio.bus.send(person, 'bob', 'slow');
      await waitFor(
        'bob to be busy with the slow turn',
        () =>
          c.requestsFrom('bob').some((r) => r.toolResults.some((t) => t.text.includes('"text":"slow"'))) &&
          c.agent('bob').state === 'busy',
      );
      // From here on, count what the studio types into bob's terminal.
      const typed = watchTyping(c);
      c.studio.bus.send(person, 'bob', 'first while busy');
      c.studio.bus.send(person, 'bob', 'second while busy');
      const notice = '[studio] You have 2 new messages from user. Call check_inbox now and act on them.';
      const handed = await waitFor('the notice at the end of the turn', () =>
        c.requestsFrom('bob').find((r) => r.notices.includes(notice)),
      );
      // It came as the Stop hook's feedback, not as a typed prompt.
      expect(handed.prompt.startsWith('[studio]')).toBe(false);
      await waitFor('bob to read both', () => c.studio.bus.unreadCount(bob.id) === 0);
      await waitFor('bob idle again', () => c.agent('bob').state === 'idle');
      expect(typed).toEqual([]);
      expect(c.studio.sessions.screen('bob')).not.toMatch(/Queued/);
      // Two requests carried a notice: the waiter's wake that began the turn, and the turn-end block.
      expect(wakeRequests(c, 'bob')).toHaveLength(2);
      expect(c.studio.wake.recentWakes().map((w) => w.via)).toEqual(['rewake', 'turn_end']);
      // Each delivery says how it went, and when it was read.
      const deliveries = c.studio.bus.recentDeliveries(3).filter((d) => d.to === 'bob');
      expect(deliveries.slice(0, 2).map((d) => [d.via, d.state])).toEqual([
        ['turn_end', 'read'],
        ['turn_end', 'read'],
      ]);
      for (const d of deliveries) expect(d.readAt).toBeGreaterThanOrEqual(d.wokenAt!);
      // Nothing is announced twice: the notice reached the model once.
      expect(c.requestsFrom('bob').filter((r) => r.notices.includes(notice))).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'a permission prompt reads as waiting_permission, and the person can answer it',
    async () => {
      crew = await startClaudeCrew([{ name: 'carol', args: ['--permission-mode', 'default'] }], crewScript);
      const c = crew;
      c.studio.bus.send(c.studio.agents.person, 'carol', 'run');
      await waitFor('carol on the permission prompt', () => c.agent('carol').state === 'waiting_permission');
      const { reading } = c.studio.sessions.reading('carol');
      expect(reading.options[0]).toMatchObject({ number: 1, label: 'Yes' });
      // No wake is typed into a dialog.
      c.studio.bus.send(c.studio.agents.person, 'carol', 'hello while waiting');
      await new Promise((r) => setTimeout(r, 1000));
      expect(c.agent('carol').state).toBe('waiting_permission');
      await c.studio.service.sendKeys('carol', ['1']);
      await waitFor('the command to run', () => existsSync(join(c.work, 'ran-by-agent.txt')));
      await waitFor(
        'carol to read the mail that waited',
        () => c.studio.bus.unreadCount(c.agent('carol').id) === 0,
      );
    },
    TIMEOUT,
  );

  it(
    '/clear brings the role prompt back through the SessionStart hook',
    async () => {
      const role = 'ROLE-MARKER-7f3a: you review database migrations.';
      crew = await startClaudeCrew([{ name: 'dana', rolePrompt: role }], crewScript);
      const c = crew;
      const dana = c.agent('dana');
      const cleared = await c.studio.sessions.type(dana.id, '/clear');
      expect(cleared.submitted).toBe(true);
      await waitFor('dana idle after /clear', () => c.agent('dana').state === 'idle');
      c.studio.bus.send(c.studio.agents.person, 'dana', 'anything new?');
      const wake = await waitFor('the wake after /clear', () => wakeRequests(c, 'dana')[0]);
      // The role prompt is in the conversation itself (the hook's context), not only the system prompt.
      expect(JSON.stringify(wake.messages)).toContain('ROLE-MARKER-7f3a');
    },
    TIMEOUT,
  );

  it(
    "killing an agent's process shows exited and loses no mail; a restart resumes its session and reads it",
    async () => {
      crew = await startClaudeCrew([{ name: 'erin' }], crewScript);
      const c = crew;
      const erin = c.agent('erin');
      const person = c.studio.agents.person;
      c.studio.bus.send(person, 'erin', 'first: ping user');
      await waitFor(
        'erin to read the first message',
        () => c.studio.bus.unreadCount(erin.id) === 0 && c.agent('erin').state === 'idle',
      );
      const transcript = claudeTranscriptPath(c.home, c.work, c.studio.agents.sessionIdOf(erin.id)!);
      // Under load Claude Code can still be writing its transcript when the turn shows as ended; a
      // kill then loses the turn from the CLI's own record, which no studio can resume. Kill once it is there.
      await waitFor(
        'the turn in the transcript',
        () => existsSync(transcript) && readFileSync(transcript, 'utf8').includes('Read: first: ping user'),
      );
      const pid = c.studio.sessions.get(erin.id)!.pty.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor('erin exited', () => c.agent('erin').state === 'exited');
      c.studio.bus.send(person, 'erin', 'ping user');
      expect(c.studio.bus.unreadSummary(erin.id)).toMatchObject({ total: 1, queued: 1 });
      // Its Claude Code session is on disk, so the restart resumes it (--resume) rather than starting afresh.
      const sessionId = c.studio.agents.sessionIdOf(erin.id)!;
      expect(existsSync(claudeTranscriptPath(c.home, c.work, sessionId))).toBe(true);
      const before = c.requestsFrom('erin').length;
      await c.studio.sessions.restart('erin');
      await waitFor('erin to answer after the restart', () =>
        c.studio.bus.history(null).find((m) => m.from === 'erin' && m.body === 'ping'),
      );
      expect(c.studio.bus.unreadCount(erin.id)).toBe(0);
      // The resumed conversation still holds the turn from before the kill.
      const resumed = c.requestsFrom('erin')[before]!;
      expect(JSON.stringify(resumed.messages)).toContain('first: ping user');
    },
    TIMEOUT,
  );
});
