// The CLI's side of delivery and attention: urgent mail, budgets and releases, the webhook, and how
// `status` tells deliveries, token use and holds.
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReceiver } from '../../support/jsonReceiver.js';
import { describeDelivery, duration } from '../../../main/contract/delivery.js';
import type { StudioStatus } from '../../../main/contract/model.js';
import { formatBudget, formatStatus } from '../../../main/cli/kit/format.js';
import { runCli, trackProcesses } from '../../support/cliProcess.js';
import { makeAgent } from '../../support/modelFixtures.js';
import { tempDir } from '../../support/studioHarness.js';

const { dirs } = trackProcesses(afterEach);
function dataDir(): string {
  const d = tempDir('ccstudio-cli-attention-');
  dirs.push(d);
  return d;
}

describe('ccstudio: urgent mail, budgets, holds and the webhook', () => {
  it('sends urgent mail, sets and clears a budget, and refuses bad numbers', async () => {
    const data = dataDir();
    const cli = (...args: string[]) => runCli([...args, '--data', data]);
    expect((await cli('agent', 'add', 'bob', '--remote')).code).toBe(0);
    const sent = await cli('send', 'bob', 'look now', '--urgent');
    expect(sent.stdout).toMatch(/Sent urgent message #1 to bob\./);
    const history = JSON.parse((await cli('status', '--json')).stdout) as StudioStatus;
    expect(history.deliveries).toEqual([]);
    expect((await cli('agent', 'budget', 'bob', '--turns', '20', '--tokens', '500000')).stdout.trim()).toBe(
      'bob: 500k tokens or 20 turns an hour',
    );
    expect((await cli('agent', 'budget', 'bob')).stdout.trim()).toBe('bob: 500k tokens or 20 turns an hour');
    const zero = await cli('agent', 'budget', 'bob', '--turns', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--turns must be a whole number above 0/);
    expect((await cli('agent', 'budget', 'bob', '--off')).stdout.trim()).toBe('bob: no budget');
    expect((await cli('agent', 'release', 'bob')).stdout.trim()).toBe('bob was not held.');
    const nobody = await cli('agent', 'release', 'nobody');
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toMatch(/nobody/);
  });

  it('sets the webhook, sends a test notice a real receiver takes, and removes it', async () => {
    const receiver = await jsonReceiver('/');
    const bodies = receiver.bodies;
    try {
      const data = dataDir();
      const cli = (...args: string[]) => runCli([...args, '--data', data]);
      const url = receiver.url;
      expect((await cli('notify')).stdout).toMatch(/No webhook/);
      const set = await cli('notify', '--webhook', url, '--topic', 'studio', '--test');
      expect(set.code).toBe(0);
      expect(set.stdout).toMatch(/Webhook: http:\/\/127\.0\.0\.1:\d+\/ \(topic studio\)/);
      expect(set.stdout).toMatch(/A test notice was sent and accepted\./);
      expect(bodies).toEqual([
        expect.objectContaining({ topic: 'studio', title: 'Claude Code Studio: test notice' }),
      ]);
      const bad = await cli('notify', '--webhook', 'ftp://example.com');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/http\(s\)/);
      expect(JSON.parse((await cli('notify', '--json')).stdout)).toMatchObject({ webhookUrl: url });
      expect((await cli('notify', '--off')).stdout).toMatch(/No webhook/);
    } finally {
      await receiver.close();
    }
  });

  it('status says how mail reached each agent, how soon it was read, token use and holds', () => {
    const bob = makeAgent({
      id: 2,
      name: 'bob',
      usage: {
        tokens: 12_345,
        inputTokens: 10_000,
        outputTokens: 2345,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        turns: 3,
        tokensLastHour: 12_345,
        turnsLastHour: 3,
        at: 1,
      },
      hold: {
        reason: 'budget',
        since: 1,
        detail: 'it spent its budget: 3 turns in the last hour (budget 3)',
      },
      budget: { turnsPerHour: 3 },
    });
    const status: StudioStatus = {
      agents: [{ ...bob, unread: 1, openTasks: 0, memoryBytes: 230 * 2 ** 20 }],
      taskCounts: { backlog: 0, assigned: 0, in_progress: 0, blocked: 0, review: 0, done: 0 },
      openTasks: [],
      activity: [],
      deliveries: [
        { messageId: 4, from: 'amy', to: 'bob', state: 'read', via: 'turn_end', wokenAt: 1000, readAt: 4200 },
        {
          messageId: 3,
          from: 'user',
          to: 'bob',
          state: 'woken',
          via: 'mid_turn',
          wokenAt: 900,
          readAt: null,
        },
      ],
    };
    const text = formatStatus(status);
    expect(text).toMatch(/bob .*unread 1 {2}tasks 0 {2}230 MB {2}12k tokens \(12k last hour\), 3 turns/);
    expect(text).toMatch(
      /held: it spent its budget: 3 turns in the last hour \(budget 3\) \(`ccstudio agent release bob`\)/,
    );
    expect(text).toMatch(/#4 +amy -> bob: at the end of its turn, read 3 s after delivery/);
    expect(text).toMatch(/#3 +user -> bob: mid-turn, not read yet/);
    expect(formatBudget(bob)).toBe(
      'bob: 3 turns an hour; spent 12k tokens and 3 turns in the last hour. Held: it spent its budget: 3 turns in the last hour (budget 3)',
    );
    expect(describeDelivery({ state: 'woken', via: 'typed', wokenAt: 0, readAt: 800 })).toBe(
      'typed at its prompt, read 800 ms after delivery',
    );
    expect(describeDelivery({ state: 'queued', via: null, wokenAt: null, readAt: null })).toBe('queued');
    expect(duration(150_000)).toBe('3 min');
  });
});
