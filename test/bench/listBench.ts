// The lists figure of `npm run bench`: studio_status and list_tasks, called as a model calls them
// (the SDK client over Streamable HTTP on loopback), on a studio on disk holding 100 and then
// 10,000 tasks and messages. `BENCH_ONLY=lists npm run bench` runs only this.
//
// Each studio is filled the way the person fills it (tasks created, mail sent and read: no
// shortcut through SQL, and nothing an agent's hourly budget would refuse), then each call is
// timed LIST_ROUNDS times after LIST_WARMUP rounds. The baseline is `heartbeat` on the same
// studio in the same rounds: a call that reads no list, so the ratio is what the list itself
// costs and the machine's load cancels out. A list read through its indexes costs the same at
// 10,000 rows as at 100; one that reads every row to sort it grows with the table.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { performance } from 'node:perf_hooks';
import { startTestStudio, type TestStudio } from '../support/studioHarness.js';
import { percentile } from './stats.js';

export const LIST_SIZES = [100, 10_000];
const LIST_WARMUP = 5;
const LIST_ROUNDS = numberFromEnv('BENCH_LIST_ROUNDS', 40);
/** A task body as agents write them: a few paragraphs. */
const TASK_BODY = 'Steps, context and the files involved. '.repeat(100);
const MESSAGE = 'Finished the schema migration for users; could you review src/db/migrate.ts?';
/** At 10,000 rows either call may cost this many times its cost at 100 rows, and no more. */
export const TARGET_GROWTH = 2;
const CALLS = ['heartbeat', 'studio_status', 'list_tasks'] as const;

function numberFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export interface ListRow {
  call: (typeof CALLS)[number];
  rows: number;
  p50: number;
  p95: number;
  /** p50 over heartbeat's p50 on the same studio. */
  overBaseline: number;
}

export interface ListBenchResult {
  rows: ListRow[];
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

/** A studio with `n` tasks (a fifth of them done) and `n` messages, filled as the person fills it. */
async function filled(n: number): Promise<{ t: TestStudio; client: Client }> {
  const t = await startTestStudio();
  const { studio } = t;
  const person = studio.agents.person;
  const token = t.addAgent('alice');
  studio.agents.add({ name: 'bob', remote: true });
  const bob = studio.agents.require('bob');
  for (let i = 0; i < n; i++) {
    const task = studio.board.create(person, {
      title: `task ${i}`,
      body: TASK_BODY,
      priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4],
      ...(i % 3 === 0 ? { assignee: i % 2 ? 'alice' : 'bob' } : {}),
    });
    if (i % 5 === 0) studio.board.update(person, { id: task.id, status: 'done' });
    studio.bus.send(person, i % 2 ? 'alice' : 'bob', MESSAGE);
    // Everyone reads its mail, as the unread quota expects.
    if (i % 100 === 99) {
      studio.bus.inbox(bob, { limit: 500 });
      studio.bus.inbox(studio.agents.require('alice'), { limit: 500 });
    }
  }
  return { t, client: await t.connect(token) };
}

async function time(client: Client, call: string, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const res = (await client.callTool({ name: call, arguments: {} })) as { isError?: boolean };
    samples.push(performance.now() - t0);
    if (res.isError) throw new Error(`${call} failed in the bench`);
  }
  return samples.sort((a, b) => a - b);
}

export async function runListBench(log: (line: string) => void): Promise<ListBenchResult> {
  const rows: ListRow[] = [];
  for (const n of LIST_SIZES) {
    const started = performance.now();
    const { t, client } = await filled(n);
    log(
      `${n.toLocaleString('en-US')} tasks and messages stored in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    try {
      for (const call of CALLS) await time(client, call, LIST_WARMUP);
      // Interleaved, so that a slow moment of the machine falls on every call alike.
      const samples = new Map<string, number[]>(CALLS.map((c) => [c, []]));
      for (let r = 0; r < LIST_ROUNDS; r++)
        for (const call of CALLS) samples.get(call)!.push(...(await time(client, call, 1)));
      const p50 = (call: string) =>
        percentile(
          samples.get(call)!.sort((a, b) => a - b),
          0.5,
        );
      for (const call of CALLS) {
        const sorted = samples.get(call)!;
        rows.push({
          call,
          rows: n,
          p50: p50(call),
          p95: percentile(sorted, 0.95),
          overBaseline: p50(call) / p50('heartbeat'),
        });
      }
    } finally {
      await t.close();
    }
  }
  const growth = (call: ListRow['call']) => {
    const at = (n: number) => rows.find((r) => r.call === call && r.rows === n)!.overBaseline;
    return at(LIST_SIZES.at(-1)!) / at(LIST_SIZES[0]!);
  };
  return {
    rows,
    checks: (['studio_status', 'list_tasks'] as const).map((call) => ({
      ok: growth(call) <= TARGET_GROWTH,
      text: `${call}: at ${LIST_SIZES.at(-1)!.toLocaleString('en-US')} rows ${growth(call).toFixed(2)}x its cost at ${LIST_SIZES[0]} (against heartbeat in the same run; target <= ${TARGET_GROWTH}x)`,
    })),
    notes: [
      `Lists: studio_status and list_tasks as a model calls them (SDK client, Streamable HTTP, loopback) on a studio ` +
        `on disk with 100, then 10,000 tasks (bodies of ${TASK_BODY.length} bytes, a fifth done) and as many messages. ` +
        `${LIST_ROUNDS} rounds after ${LIST_WARMUP} of warm-up, the calls interleaved; the baseline is heartbeat ` +
        `(no list) on the same studio in the same rounds.`,
    ],
  };
}

export function listTable(result: ListBenchResult): string {
  const head =
    '| lists | tasks and messages | p50 ms | p95 ms | p50 / heartbeat p50 |\n|---|---:|---:|---:|---:|';
  const body = result.rows
    .map(
      (r) =>
        `| ${r.call} | ${r.rows.toLocaleString('en-US')} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.overBaseline.toFixed(2)}x |`,
    )
    .join('\n');
  return `${head}\n${body}`;
}
