// Delivery through Claude Code's hooks with the real CLI (pinned in test/tools) and the model stub:
// urgent mail reaching a busy agent between tool calls, the ping-pong guard holding two agents
// that wake each other in a loop, and a budget holding an agent's wakes. (Mail handed over at the
// end of a busy turn is in claudeCode.test.ts; every supported version in claudeVersions.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReceiver } from '../support/jsonReceiver.js';
import { crewScript } from '../support/crewScript.js';
import { claudeMissingReason, startClaudeCrew, waitFor, type ClaudeCrew } from '../support/claudeHarness.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';

const TIMEOUT = 180_000;
let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

const checkInbox: StubReply = { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };

function inboxOf(req: StubRequest): Array<{ id: number; from: string; text: string }> | undefined {
  const last = req.toolResults.at(-1);
  if (!last?.text.startsWith('{"messages"')) return undefined;
  return (JSON.parse(last.text) as { messages: Array<{ id: number; from: string; text: string }> }).messages;
}

/** Counts what the studio types into terminals from now on. */
function watchTyping(c: ClaudeCrew): string[] {
  const typed: string[] = [];
  const type = c.studio.sessions.type.bind(c.studio.sessions);
  c.studio.sessions.type = (id, text) => (typed.push(text), type(id, text));
  return typed;
}

const SUITE = skipTitle('Claude Code: delivery through hooks', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it(
    'urgent mail reaches a busy agent at its next tool call, mid-turn, with nothing typed',
    async () => {
      const urgentNotice =
        '[studio] You have 1 urgent message from user. Call check_inbox now, before you go on.';
      crew = await startClaudeCrew([{ name: 'bob' }], (req) => {
        if (req.notices.includes(urgentNotice)) return checkInbox;
        const inbox = inboxOf(req);
        if (inbox?.[0]?.text === 'work')
          return {
            toolUse: {
              name: 'Bash',
              input: { command: 'sleep 3; echo worked', description: 'Work a while' },
            },
          };
        if (inbox) return { text: `Read: ${inbox.map((m) => m.text).join(' | ')}` };
        if (req.toolResults.length) return { text: 'Done.' };
        if (req.prompt.startsWith('[studio]') || req.notices.length) return checkInbox;
        return { text: 'Ready.' };
      });
      const c = crew;
      const bob = c.agent('bob');
      await c.studio.service.sendMessage({ to: 'bob', body: 'work' });
      // The model asked for the slow command: bob is inside a tool call now.
      await waitFor('bob to run its slow command', () =>
        c.requestsFrom('bob').some((r) => inboxOf(r)?.[0]?.text === 'work'),
      );
      await new Promise((r) => setTimeout(r, 500));
      const typed = watchTyping(c);
      const sent = await c.studio.service.sendMessage({ to: 'bob', body: 'stop and look', urgent: true });
      expect(sent.urgent).toBe(true);
      const midTurn = await waitFor('the urgent notice', () =>
        c.requestsFrom('bob').find((r) => r.notices.includes(urgentNotice)),
      );
      // It came with the slow command's result: the same turn, between two tool calls.
      expect(midTurn.toolResults.map((t) => t.text.trim())).toEqual(['worked']);
      await waitFor('bob to read it', () =>
        c.requestsFrom('bob').find((r) => inboxOf(r)?.[0]?.text === 'stop and look'),
      );
      await waitFor('bob idle again', () => c.agent('bob').state === 'idle');
      expect(typed).toEqual([]);
      expect(c.studio.bus.unreadCount(bob.id)).toBe(0);
      const [delivery] = c.studio.bus.recentDeliveries(1);
      expect(delivery).toMatchObject({ messageId: sent.id, to: 'bob', via: 'mid_turn', state: 'read' });
      expect(c.studio.wake.recentWakes().map((w) => w.via)).toEqual(['rewake', 'mid_turn']);
      // Its token use is read from its transcript after the turn: the stub counts 10 in, 5 out.
      const usage = await waitFor('token use', () => c.agent('bob').usage ?? undefined);
      expect(usage.tokens).toBeGreaterThanOrEqual(15);
      expect(usage.turns).toBeGreaterThanOrEqual(1);
      expect(usage.tokensLastHour).toBe(usage.tokens);
    },
    TIMEOUT,
  );

  it(
    'two agents pinging each other forever are held after N wakes, their mail kept; a release lets it through',
    async () => {
      // Each answers every "ping" with a "ping" back: a loop with nobody else in it.
      crew = await startClaudeCrew(
        [{ name: 'amy' }, { name: 'ben' }],
        (req) => {
          const inbox = inboxOf(req);
          const m = inbox?.[0];
          if (m) {
            const to = /^ping (\S+)$/.exec(m.text)?.[1] ?? m.from;
            return { toolUse: { name: 'mcp__studio__send_message', input: { to, text: 'ping' } } };
          }
          if (req.toolResults.length) return { text: 'Pinged.' };
          if (req.prompt.startsWith('[studio]') || req.notices.length) return checkInbox;
          return { text: 'Ready.' };
        },
        { studio: { pingPong: { wakes: 3, windowMs: 60_000 } } },
      );
      const c = crew;
      await c.studio.service.sendMessage({ to: 'amy', body: 'ping ben' });
      const held = await waitFor('one of them to be held', () =>
        c.studio.agents.list().find((a) => a.hold?.reason === 'ping_pong'),
      );
      expect(held.hold!.detail).toMatch(/woke it 4 times in 1 min with no word from you/);
      // Held: the other's ping waits in its inbox, announced to nobody.
      const other = held.name === 'amy' ? 'ben' : 'amy';
      await waitFor(`${other}'s ping to ${held.name} to arrive`, () =>
        c.studio.bus.queuedFor(held.id).length > 0 ? true : undefined,
      );
      await waitFor('both at their prompts', () => ['amy', 'ben'].every((n) => c.agent(n).state === 'idle'));
      // The loop stopped: no more pings, nothing announced to the held agent.
      const sentWhenHeld = c.studio.bus.history(null).length;
      await new Promise((r) => setTimeout(r, 4000));
      expect(c.studio.bus.history(null).length).toBe(sentWhenHeld);
      expect(c.studio.bus.unreadSummary(held.id)).toMatchObject({ total: 1, queued: 1 });
      const wakesWhenHeld = c.studio.wake.recentWakes().length;
      // One action releases it, and the mail that waited is delivered.
      const released = await c.studio.service.releaseAgent(held.name);
      expect(released.hold).toBeNull();
      await waitFor(`${held.name} to read the ping that waited`, () =>
        c.studio.wake.recentWakes().some((w, i) => i >= wakesWhenHeld && w.agentId === held.id),
      );
    },
    TIMEOUT,
  );

  it(
    'an agent over its budget is held with its mail kept; clearing the budget lets it through',
    async () => {
      crew = await startClaudeCrew([{ name: 'bob' }], (req) => {
        const inbox = inboxOf(req);
        if (inbox) return { text: `Read: ${inbox.map((m) => m.text).join(' | ')}` };
        if (req.prompt.startsWith('[studio]') || req.notices.length) return checkInbox;
        return { text: 'Ready.' };
      });
      const c = crew;
      const bob = c.agent('bob');
      await c.studio.service.setBudget('bob', { turnsPerHour: 1 });
      await c.studio.service.sendMessage({ to: 'bob', body: 'first' });
      const held = await waitFor('bob to be held', () => c.agent('bob').hold ?? undefined);
      expect(held).toMatchObject({ reason: 'budget' });
      expect(held.detail).toMatch(/1 turns in the last hour \(budget 1\)/);
      await waitFor('bob idle', () => c.agent('bob').state === 'idle');
      await c.studio.service.sendMessage({ to: 'bob', body: 'second' });
      await new Promise((r) => setTimeout(r, 3000));
      expect(c.studio.bus.queuedFor(bob.id)).toHaveLength(1);
      await expect(c.studio.service.kickAgent('bob')).rejects.toThrow(
        /its wakes are held: it spent its budget/,
      );
      await c.studio.service.setBudget('bob', null);
      await waitFor('bob to read the second', () => c.studio.bus.unreadCount(bob.id) === 0);
      expect(c.agent('bob').hold).toBeNull();
    },
    TIMEOUT,
  );

  it(
    "the person's webhook hears of a permission prompt in a real agent's terminal",
    async () => {
      const receiver = await jsonReceiver('/notify');
      try {
        crew = await startClaudeCrew([{ name: 'carol', args: ['--permission-mode', 'default'] }], crewScript);
        const c = crew;
        await c.studio.service.setNotify({ webhookUrl: receiver.url, webhookTopic: 'studio' });
        c.studio.bus.send(c.studio.agents.person, 'carol', 'run');
        const notice = await waitFor('the webhook to hear', () =>
          receiver.bodies.find((b) => b.kind === 'permission'),
        );
        // What it asks, in one line (the command), and a link to it in the studio's queue.
        expect(notice).toMatchObject({
          title: 'carol asks permission',
          topic: 'studio',
          agent: 'carol',
          link: `${new URL(c.uiUrl).origin}/#queue=@carol`,
          click: `${new URL(c.uiUrl).origin}/#queue=@carol`,
        });
        // Quoted inert, as agents' text in every notice is: a dot that could make a link is defanged.
        expect(notice.text).toMatch(/^carol asks permission: “.*touch ran-by-agent\[\.\]txt.*”$/);
      } finally {
        await receiver.close();
      }
    },
    TIMEOUT,
  );
});
