// The idle-agent figures of `npm run bench`: mail to an idle agent of the real Claude Code, from
// the send to the model request that carries the notice. `BENCH_ONLY=idle npm run bench`.
//
// The real Claude Code (pinned in test/tools) runs one agent against the model stub. T0 is just
// before the person's sendMessage; T1 the stub's receipt of the request whose context carries the
// studio's notice. Each way's first round is a warm-up, not counted. Three ways in the same run:
//   waiter   the agent idle, its waiter hook waiting (asyncRewake): what the studio does now.
//   typed    the same agent with its waiter ignored: the notice typed at its prompt (the way before,
//            and what older versions get), the baseline.
//   asleep   the agent put to sleep first: its session resumed by the mail, then woken by its waiter.
// Nothing may be typed in the waiter and asleep rounds; the bench counts what was.
import { performance } from 'node:perf_hooks';
import {
  agentOf,
  claudeMissingReason,
  startClaudeCrew,
  waitFor,
  type ClaudeCrew,
} from '../support/claudeHarness.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { percentile } from './stats.js';

/** Waking from sleep (a Claude Code started and resumed) to its model request, p50 (the target). */
export const TARGET_WAKE_FROM_SLEEP_P50_MS = 3000;

export interface IdleBenchResult {
  rows: Array<{ what: string; n: number; p50: number; p95: number; max: number; typed: number }>;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

function script(req: StubRequest): StubReply {
  const last = req.toolResults.at(-1);
  if (last?.text.startsWith('{"messages"')) return { text: 'Noted.' };
  if (last) return { text: 'Done.' };
  if (req.notices.length) return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
  return { text: 'Ready.' };
}

type Way = 'waiter' | 'typed' | 'asleep';

/** The crew: the idle and typed rounds go to the first; the rounds from sleep to each in turn. */
const AGENTS = ['bob', 'carol', 'dan'];
/** Rounds after a sleep whose first model request carried that agent's round before (its conversation kept). */
let kept = 0;

/** Who takes round i of a way: each agent in turn from sleep, one warm-up round each before 0. */
const agentFor = (way: Way, i: number) =>
  way === 'asleep' ? AGENTS[(i + AGENTS.length) % AGENTS.length]! : AGENTS[0]!;

/** One round: the agent made ready the given way, mail sent, the request with its notice awaited. */
async function round(crew: ClaudeCrew, way: Way, i: number): Promise<number> {
  const name = agentFor(way, i);
  const id = crew.agent(name).id;
  await waitFor(
    `${name} idle, its mail read`,
    () => crew.agent(name).state === 'idle' && !crew.studio.bus.unreadCount(id),
  );
  if (way !== 'typed') await waitFor(`${name}'s waiter`, () => crew.studio.waiters.isArmed(id));
  if (way === 'asleep') await crew.studio.service.sleepAgent(name);
  // The typing cooldown is the studio's own pacing, not delivery: rounds start out of it.
  if (way === 'typed') await new Promise((r) => setTimeout(r, 3100));
  const before = crew.stub.requests.length;
  const t0 = performance.now();
  await crew.studio.service.sendMessage({ to: name, body: `${way} ${i}` });
  const carried = await waitFor(
    'the notice to reach the model',
    () => crew.stub.requests.slice(before).find((r) => r.notices.length && !r.side && agentOf(r) === name),
    30_000,
    5,
  );
  // Resumed, the session goes on: the agent's mail of its round before is in the request's history.
  const previous = `asleep ${i - AGENTS.length}`;
  if (way === 'asleep' && i >= 0 && JSON.stringify(carried.messages).includes(previous)) kept++;
  return (carried.receivedAt ?? performance.now()) - t0;
}

export async function runIdleBench(
  rounds: number,
  log: (line: string) => void,
): Promise<IdleBenchResult | undefined> {
  if (claudeMissingReason) {
    log(`skipped: ${claudeMissingReason}`);
    return undefined;
  }
  const crew = await startClaudeCrew(
    AGENTS.map((name) => ({ name })),
    script,
  );
  try {
    const typed: string[] = [];
    const type = crew.studio.sessions.type.bind(crew.studio.sessions);
    crew.studio.sessions.type = (agentId, text) => (typed.push(text), type(agentId, text));
    const measure = async (way: Way) => {
      const gaps: number[] = [];
      // A round first for each agent it goes to, not counted: a way's first wake pays one-time
      // costs (the session's first turn after its start, a cold path in the CLI).
      for (let i = way === 'asleep' ? -AGENTS.length : -1; i < 0; i++) await round(crew, way, i);
      const typedBefore = typed.length;
      for (let i = 0; i < rounds; i++) gaps.push(await round(crew, way, i));
      if (process.env.BENCH_IDLE_GAPS) log(`${way}: ${gaps.map((g) => g.toFixed(0)).join(' ')}`);
      gaps.sort((a, b) => a - b);
      return {
        n: gaps.length,
        p50: percentile(gaps, 0.5),
        p95: percentile(gaps, 0.95),
        max: gaps.at(-1) ?? 0,
        typed: typed.length - typedBefore,
      };
    };
    log(`${rounds} rounds woken by the waiter hook ...`);
    const waiter = await measure('waiter');
    log(`${rounds} rounds typed at the prompt (the baseline) ...`);
    // The waiter ignored: nothing armed, and no grace waiting for one.
    const waiters = crew.studio.waiters;
    const { isArmed, wake } = waiters;
    waiters.isArmed = () => false;
    waiters.wake = () => false;
    const live = crew.studio.sessions.get(crew.agent('bob').id)!;
    live.waits = false;
    const baseline = await measure('typed');
    waiters.isArmed = isArmed;
    waiters.wake = wake;
    log(`${rounds} rounds woken from sleep ...`);
    const asleep = await measure('asleep');
    const version = crew.agent('bob').cliVersion;
    const rows = [
      { what: `idle, woken by its waiter hook (Claude Code ${version})`, ...waiter },
      { what: 'idle, the notice typed at its prompt (the baseline)', ...baseline },
      {
        what: `asleep (${AGENTS.length} agents in turn): session resumed, then woken by its waiter`,
        ...asleep,
      },
    ];
    return {
      rows,
      checks: [
        {
          ok: waiter.p50 < baseline.p50 && waiter.p95 < baseline.p95,
          text: `the waiter is faster than typing: p50 ${waiter.p50.toFixed(0)} vs ${baseline.p50.toFixed(0)} ms, p95 ${waiter.p95.toFixed(0)} vs ${baseline.p95.toFixed(0)} ms`,
        },
        {
          ok: waiter.typed === 0 && asleep.typed === 0,
          text: `nothing typed by the waiter or after sleep (${waiter.typed + asleep.typed} typed)`,
        },
        {
          ok: kept === rounds,
          text: `each resumed session kept its conversation (${kept} of ${rounds} requests carried the round before)`,
        },
        {
          ok: asleep.p50 < TARGET_WAKE_FROM_SLEEP_P50_MS,
          text: `wake from sleep to the model request p50 ${asleep.p50.toFixed(0)} ms < ${TARGET_WAKE_FROM_SLEEP_P50_MS} ms`,
        },
      ],
      notes: [
        '## Mail to an idle agent, and to one asleep',
        '',
        'The real Claude Code and the model stub. From the send to the model request that carries the notice.',
      ],
    };
  } finally {
    await crew.close();
  }
}

export function idleTable(result: IdleBenchResult): string {
  const head =
    '| mail to an idle agent | n | p50 ms | p95 ms | max ms | typed |\n|---|---:|---:|---:|---:|---:|';
  const body = result.rows
    .map(
      (r) =>
        `| ${r.what} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} | ${r.typed} |`,
    )
    .join('\n');
  return `${head}\n${body}`;
}
