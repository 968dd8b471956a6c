// The sleep figures of `npm run bench`: a crew of 40 named agents with at most 8 awake, mail sent
// to agents chosen at random. `BENCH_ONLY=sleep npm run bench`.
//
// A real studio (SQLite on disk, its MCP server on port 0) runs the fake Claude Code (the same
// fake the tests use: a Node process drawing Claude Code's screens) in real PTYs; the cap on
// agents awake is 8. Measured in one run:
//   memory   the crew's memory (every agent's process tree, one `ps`) with all 40 awake, then with
//            32 asleep; and this process's own (the studio's) memory with 40 agents on record
//            against a studio of 8, so the cost of a sleeping agent to the studio is seen too.
//   wakes    each message to a sleeping agent, from the send to its delivery (the wake typed into
//            its resumed terminal: the fake runs no hooks, so it poses as 2.1.63, which has no
//            waiter; the real CLI's wake from sleep is idleBench.ts's): p50, p95; and every message
//            delivered once (one wake record naming it, none twice).
import { performance } from 'node:perf_hooks';
import { readProcessTable, treeMemory } from '../../main/core/resources/processMemory.js';
import { startFakeAgentStudio, type FakeAgentStudio } from '../support/fakeAgentStudio.js';
import { waitFor } from '../support/waitFor.js';
import { percentile } from './stats.js';

export const SLEEP_AGENTS = 40;
export const SLEEP_CAP = 8;
/** What 32 sleeping agents may add to the memory of a crew of 8 awake. */
export const TARGET_ASLEEP_OVERHEAD_MB = 50;
/** A wake from sleep to delivery, p50 (the issue's target, for the real CLI; the fake starts faster). */
export const TARGET_WAKE_P50_MS = 3000;
const MB = 2 ** 20;

export interface SleepBenchResult {
  rows: Array<{ what: string; value: string }>;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

/** The crew's memory: each running agent's process tree, summed (bytes). */
async function crewMemory(f: FakeAgentStudio): Promise<number> {
  const pids = f.studio.agents.list().flatMap((a) => {
    const live = f.studio.sessions.get(a.id);
    return live?.pty.running && live.pty.pid ? [live.pty.pid] : [];
  });
  const table = (await readProcessTable()) ?? [];
  return [...treeMemory(table, pids).values()].reduce((a, b) => a + b, 0);
}

/** This process's resident memory after a full collection (run with --expose-gc). */
function ownMemory(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/** A studio of `n` fake Claude Code agents, all started and idle. */
async function crewOf(n: number): Promise<{ f: FakeAgentStudio; names: string[] }> {
  const f = await startFakeAgentStudio();
  const names = Array.from({ length: n }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
  const agents = names.map((name) => f.addFakeAgent(name, { profile: 'claude' }));
  // Started a few at a time: 40 Node processes at once on 2 cores is a start-up storm, not the crew.
  for (let i = 0; i < agents.length; i += 8) await Promise.all(agents.slice(i, i + 8).map((a) => a.start()));
  return { f, names };
}

/**
 * Mail to agents chosen at random (a fixed seed), one at a time: each waited for until its wake is
 * recorded, then read as an agent would, so nothing stays queued and the agent may sleep again.
 * The ids sent, and each send to a sleeping agent's time to its delivery.
 */
async function sendAtRandom(
  f: FakeAgentStudio,
  names: string[],
  messages: number,
): Promise<{ wakes: number[]; sent: number[] }> {
  const wakes: number[] = [];
  const sent: number[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < messages; i++) {
    const name = names[Math.floor(random() * names.length)]!;
    const agent = () => f.studio.agents.require(name);
    const asleep = !!agent().sleep.asleepSince;
    const t0 = performance.now();
    const m = await f.studio.service.sendMessage({ to: name, body: `note ${i}` });
    sent.push(m.id);
    await waitFor(
      `${name} told of note ${i}`,
      () => f.studio.wake.recentWakes().some((w) => w.messageIds.includes(m.id)),
      { timeoutMs: 30_000, everyMs: 5 },
    );
    if (asleep) wakes.push(performance.now() - t0);
    f.studio.bus.inbox(agent(), { limit: 50 });
    await waitFor(`${name} idle`, () => agent().state === 'idle', { timeoutMs: 30_000 });
    if (f.studio.bus.unreadCount(agent().id)) throw new Error(`${name} still has unread mail`);
  }
  return { wakes, sent };
}

export async function runSleepBench(
  messages: number,
  log: (line: string) => void,
): Promise<SleepBenchResult> {
  log(`a studio of ${SLEEP_CAP} agents, for its own memory ...`);
  const small = await crewOf(SLEEP_CAP);
  const ownSmall = ownMemory();
  const crewSmall = await crewMemory(small.f);
  await small.f.close();

  log(`${SLEEP_AGENTS} agents, all awake ...`);
  const { f, names } = await crewOf(SLEEP_AGENTS);
  try {
    const crewAll = await crewMemory(f);
    await f.studio.service.setSleepSettings({ awakeCap: SLEEP_CAP });
    for (const name of names.slice(SLEEP_CAP)) await f.studio.service.sleepAgent(name);
    const crewCapped = await crewMemory(f);
    const ownCapped = ownMemory();

    log(`${messages} messages to agents chosen at random ...`);
    const { wakes, sent } = await sendAtRandom(f, names, messages);
    const awakeNow = names.filter(
      (n) => f.studio.sessions.get(f.studio.agents.require(n).id)?.pty.running,
    ).length;
    const told = f.studio.wake.recentWakes().flatMap((w) => w.messageIds);
    const once = sent.every((id) => told.filter((t) => t === id).length === 1);
    wakes.sort((a, b) => a - b);
    const p50 = percentile(wakes, 0.5);
    const overhead = (crewCapped + ownCapped - (crewSmall + ownSmall)) / MB;
    return {
      rows: [
        { what: `crew memory, ${SLEEP_AGENTS} agents all awake`, value: `${(crewAll / MB).toFixed(0)} MB` },
        {
          what: `crew memory, ${SLEEP_AGENTS} agents, ${SLEEP_CAP} awake`,
          value: `${(crewCapped / MB).toFixed(0)} MB`,
        },
        { what: `crew memory, a studio of ${SLEEP_CAP} agents`, value: `${(crewSmall / MB).toFixed(0)} MB` },
        {
          what: `the studio's own memory, ${SLEEP_AGENTS} agents on record / ${SLEEP_CAP}`,
          value: `${(ownCapped / MB).toFixed(0)} / ${(ownSmall / MB).toFixed(0)} MB`,
        },
        { what: `messages sent (to sleeping agents: ${wakes.length})`, value: String(messages) },
        {
          what: 'wake from sleep to delivery, p50 / p95',
          value: `${p50.toFixed(0)} / ${percentile(wakes, 0.95).toFixed(0)} ms`,
        },
        { what: 'agents awake at the end (cap)', value: `${awakeNow} (${SLEEP_CAP})` },
      ],
      checks: [
        { ok: once, text: `every message delivered once (${sent.length} sent, ${told.length} announced)` },
        {
          ok: overhead < TARGET_ASLEEP_OVERHEAD_MB,
          text: `${SLEEP_AGENTS} agents in the memory of ${SLEEP_CAP} awake plus ${overhead.toFixed(0)} MB (< ${TARGET_ASLEEP_OVERHEAD_MB} MB)`,
        },
        {
          ok: p50 < TARGET_WAKE_P50_MS,
          text: `wake from sleep to delivery p50 ${p50.toFixed(0)} ms < ${TARGET_WAKE_P50_MS} ms`,
        },
        { ok: awakeNow <= SLEEP_CAP, text: `at most ${SLEEP_CAP} awake (${awakeNow} at the end)` },
      ],
      notes: [
        '## Sleep at scale',
        '',
        `${SLEEP_AGENTS} fake Claude Code agents in real PTYs, at most ${SLEEP_CAP} awake; mail to agents chosen at random.`,
      ],
    };
  } finally {
    await f.close();
  }
}

export function sleepTable(result: SleepBenchResult): string {
  const head = '| sleep at scale | |\n|---|---:|';
  return `${head}\n${result.rows.map((r) => `| ${r.what} | ${r.value} |`).join('\n')}`;
}
