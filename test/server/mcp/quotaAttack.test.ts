// The attacks from the issue, made with nothing but an agent's own tools over MCP on a real port,
// against a studio on disk: 1,539 publishes of 60 KB to a topic nobody follows, and 1,780
// dispatches of 60 KB tasks to the backlog. Each grows the database file by at most the hour's
// budget; every call past it is refused with when room frees, and the person hears of it once.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/contract/events.js';
import { MAX_SENT_BYTES_PER_HOUR, MAX_TASK_BYTES_PER_HOUR } from '../../../main/contract/limits.js';
import { DATABASE_FILE } from '../../../main/core/store/dataDir.js';
import { callText, startTestStudio, ToolError, type TestStudio } from '../../support/studioHarness.js';

/** Pages, indexes and row headers on top of the bodies themselves. */
const OVERHEAD = 1.1;
const SLACK_BYTES = 512 * 1024;
const BODY = 'z'.repeat(60 * 1024);

let t: TestStudio;
let mallory: Client;
let events: StudioEvent[];
beforeEach(async () => {
  t = await startTestStudio();
  mallory = await t.connect(t.addAgent('mallory'));
  events = [];
  t.studio.events.on((e) => events.push(e));
});
afterEach(() => t.close());

/** The database's size on disk with its WAL copied in. */
function databaseBytes(): number {
  t.studio.db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(join(t.dataDir, DATABASE_FILE)).size;
}

async function attack(times: number, tool: string, args: (i: number) => Record<string, unknown>) {
  let stored = 0;
  const refusals: string[] = [];
  for (let i = 0; i < times; i++) {
    try {
      await callText(mallory, tool, args(i));
      stored++;
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      refusals.push(err.message);
    }
  }
  return { stored, refusals };
}

const notices = () => events.filter((e) => e.type === 'attention' && e.attention.kind === 'quota');

describe('an agent flooding the database with its own tools', () => {
  it('1,539 publishes of 60 KB to a topic nobody follows grow it by at most the hourly budget', async () => {
    const before = databaseBytes();
    const { stored, refusals } = await attack(1539, 'publish', (i) => ({
      topic: `void-${i % 7}`,
      text: BODY,
    }));
    const grown = databaseBytes() - before;
    expect(grown, `grew by ${grown} bytes`).toBeLessThanOrEqual(
      MAX_SENT_BYTES_PER_HOUR * OVERHEAD + SLACK_BYTES,
    );
    expect(stored).toBe(Math.floor(MAX_SENT_BYTES_PER_HOUR / BODY.length));
    expect(refusals).toHaveLength(1539 - stored);
    expect(refusals[0]).toMatch(
      /^You have sent \d+ messages \(8 MB\) in the last hour;.*Nothing was sent\. There is room again in/,
    );
    expect(notices()).toHaveLength(1);
  });

  it('1,780 dispatches of 60 KB tasks to the backlog grow it by at most the hourly budget', async () => {
    const before = databaseBytes();
    const { stored, refusals } = await attack(1780, 'dispatch_task', (i) => ({
      title: `chore ${i}`,
      body: BODY,
    }));
    const grown = databaseBytes() - before;
    expect(grown, `grew by ${grown} bytes`).toBeLessThanOrEqual(
      MAX_TASK_BYTES_PER_HOUR * OVERHEAD + SLACK_BYTES,
    );
    expect(stored).toBeLessThanOrEqual(Math.floor(MAX_TASK_BYTES_PER_HOUR / BODY.length));
    expect(refusals).toHaveLength(1780 - stored);
    expect(refusals[0]).toMatch(
      /^You have made \d+ task changes \(8 MB\) in the last hour;.*Nothing was changed\./,
    );
    expect(notices()).toHaveLength(1);
  });
});
