// `npm run bench`: MCP tool calls per second and latency on loopback, the studio beside a bare SDK
// server, over Streamable HTTP and legacy SSE, with 1 and 16 concurrent sessions. The server under
// test runs in this process; the load comes from a forked child (loadClient.ts) so the two do not
// share an event loop. Then the wake figures (wakeBench.ts): commit of a message to the first byte
// of the wake prompt in an idle recipient's PTY, p50/p99 with 16 agents, and messages per second
// delivered end to end. Prints the tables and the targets, and writes test-results/bench.md.
//
// Knobs (environment): BENCH_WARMUP_MS (default 1000), BENCH_DURATION_MS (default 3000), BENCH_ROUNDS (3),
// BENCH_ONLY=http:16:studio,sse:16 (only rows matching one of these transport[:sessions[:server]]
// patterns; handy with --cpu-prof), BENCH_ONLY=wake (only the wake part; `wake` combines with the
// patterns, and patterns alone skip it), BENCH_FETCH=builtin (the load generator uses Node's fetch
// instead of node:http under the SDK client transports). The wake part has its own BENCH_WAKE_*
// knobs, listed in wakeBench.ts. BENCH_ONLY=delivery: mail to a busy agent of the real Claude Code,
// from its turn's end to the model request carrying the notice (deliveryBench.ts;
// BENCH_DELIVERY_ROUNDS, default 12). BENCH_ONLY=idle: mail to an idle agent of the real Claude
// Code, woken by its waiter hook, typed at its prompt, and woken from sleep (idleBench.ts;
// BENCH_IDLE_ROUNDS, default 12; BENCH_IDLE_GAPS=1 prints every round). BENCH_ONLY=sleep: 40 agents
// (the fake Claude Code) with at most 8 awake, mail to agents chosen at random (sleepBench.ts;
// BENCH_SLEEP_MESSAGES, default 60). BENCH_ONLY=ssh: 16 agents started on one host over SSH (a
// loopback sshd; root and openssh-server), and a wake there beside one here (sshBench.ts).
// BENCH_ONLY=lists: studio_status and list_tasks at 100 and 10,000 tasks and messages, against
// heartbeat in the same run (listBench.ts; BENCH_LIST_ROUNDS, default 40).
// BENCH_ONLY=flood: b and 2,000,000 combining accents printed 25 times in an agent's terminal of a
// `ccstudio serve`, its memory and /health latency beside a baseline (floodBench.ts; BENCH_FLOOD_*).
// BENCH_ONLY=desk: an answer from the queue to a held permission hook, a check's start on the
// event loop, the queue's first render and an update in Chromium (deskBench.ts).
// `--strict` exits 1 when a target fails.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startTestStudio } from '../support/studioHarness.js';
import { startBareServer } from './bareServer.js';
import { renderConfigFromEnv, renderTable, runRenderBench } from './renderBench.js';
import { runWakeBench, wakeConfigFromEnv, wakeTable, type WakeBenchResult } from './wakeBench.js';
import { runWorkspaceBench, workspaceTable } from './workspaceBench.js';
import { deliveryTable, runDeliveryBench } from './deliveryBench.js';
import { idleTable, runIdleBench } from './idleBench.js';
import { runSleepBench, sleepTable } from './sleepBench.js';
import { runSshBench, sshTable } from './sshBench.js';
import { listTable, runListBench } from './listBench.js';
import { floodConfigFromEnv, floodTable, runFloodBench } from './floodBench.js';
import { deskTable, runDeskBench } from './deskBench.js';
import type {
  ChildToParent,
  LoadConfig,
  LoadResult,
  ServerKind,
  SessionPlan,
  TransportKind,
} from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/test/bench -> repository root. */
const root = resolve(here, '..', '..', '..');

const WARMUP_MS = numberFromEnv('BENCH_WARMUP_MS', 1000);
const DURATION_MS = numberFromEnv('BENCH_DURATION_MS', 3000);
/**
 * Shared 2-core machines swing by half from one run to the next: each bare/studio pair is measured
 * this many times, alternating, and the best run of each is kept (a slow run is noise, not cost).
 */
const ROUNDS = numberFromEnv('BENCH_ROUNDS', 3);
const AGENTS = 16;
const TRANSPORTS: TransportKind[] = ['http', 'sse'];
const SESSIONS = [1, 16];
const SERVERS: ServerKind[] = ['bare', 'studio'];
/** A typical agent-to-agent note (~150 bytes). */
const TEXT =
  'Finished the schema migration for users; all 214 tests pass locally. Could you review src/db/migrate.ts ' +
  'and tell me if the index names match yours?';

const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const CLIENT_FETCH: LoadConfig['clientFetch'] = process.env.BENCH_FETCH === 'builtin' ? 'builtin' : 'node';
const CLIENT: LoadConfig['client'] = process.env.BENCH_CLIENT === 'sdk' ? 'sdk' : 'raw';

const TARGET_CALLS_PER_S = 3000;
const TARGET_P99_MS = 15;
const TARGET_RATIO = 1.5;

function selected(transport: TransportKind, sessions: number, server: ServerKind): boolean {
  const row = [transport, String(sessions), server];
  return !ONLY.length || ONLY.some((pattern) => pattern.split(':').every((part, i) => part === row[i]));
}

const WAKE_SELECTED = !ONLY.length || ONLY.includes('wake');
const RENDER_SELECTED = !ONLY.length || ONLY.includes('render');
const WORKSPACE_SELECTED = !ONLY.length || ONLY.includes('workspace');
const DELIVERY_SELECTED = !ONLY.length || ONLY.includes('delivery');
const IDLE_SELECTED = !ONLY.length || ONLY.includes('idle');
/** Rounds of mail to an idle agent, each way (the real CLI; a wake from sleep is a start, seconds). */
const IDLE_ROUNDS = numberFromEnv('BENCH_IDLE_ROUNDS', 12);
const SLEEP_SELECTED = !ONLY.length || ONLY.includes('sleep');
/** Messages to the crew of 40 with at most 8 awake (about a third go to agents asleep). */
const SLEEP_MESSAGES = numberFromEnv('BENCH_SLEEP_MESSAGES', 60);
const SSH_SELECTED = !ONLY.length || ONLY.includes('ssh');
const LISTS_SELECTED = !ONLY.length || ONLY.includes('lists');
const FLOOD_SELECTED = !ONLY.length || ONLY.includes('flood');
const DESK_SELECTED = !ONLY.length || ONLY.includes('desk');
/** Agents started on the one remote host (and here, for the baseline). */
const SSH_AGENTS = 16;
/** Rounds of mail to a busy agent, each way (the real CLI: about 2 s a round through the hook). */
const DELIVERY_ROUNDS = numberFromEnv('BENCH_DELIVERY_ROUNDS', 12);
/** Changes summaries measured on the 10,000-file repository. */
const WORKSPACE_ROUNDS = numberFromEnv('BENCH_WORKSPACE_ROUNDS', 20);
const MCP_SELECTED = TRANSPORTS.some((t) =>
  SESSIONS.some((n) => SERVERS.some((server) => selected(t, n, server))),
);

function numberFromEnv(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

interface Row {
  transport: TransportKind;
  sessions: number;
  server: ServerKind;
  result: LoadResult;
  callsPerS: number;
  /** Server-process CPU per call in the window, µs. */
  serverCpuUs: number;
  /** Server event-loop utilisation in the window, 0..1. */
  serverElu: number;
}

interface Target {
  server: { url: string; close(): Promise<void> };
  sessions: SessionPlan[];
}

const NO_QUOTAS = {
  messages: { rows: Infinity, bytes: Infinity },
  tasks: { rows: Infinity, bytes: Infinity },
};

/** How often the bench reads, for it, the mail of a recipient that has no session in a row. */
const DRAIN_EVERY_MS = 50;

async function startTarget(kind: ServerKind, sessions: number): Promise<Target> {
  const names = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
  const peer = (i: number): string => names[(i + 1) % AGENTS] as string;
  if (kind === 'bare') {
    const bare = await startBareServer();
    const plans = Array.from({ length: sessions }, (_, i) => ({ token: `bare-${i}`, peer: peer(i) }));
    return { server: bare, sessions: plans };
  }
  // A fresh studio per row (SQLite on disk in a temp dir) so no row inherits another's backlog.
  // Its agents send thousands of messages a second, far past an agent's hourly budget: lifted here,
  // its check still made on every send.
  const ts = await startTestStudio({ quotas: NO_QUOTAS });
  const tokens = names.map((n) => ts.addAgent(n, 'bench'));
  const plans = Array.from({ length: sessions }, (_, i) => ({ token: tokens[i] as string, peer: peer(i) }));
  // Every recipient reads its mail, as in a real team (and as each unread inbox has a quota): one
  // that has no session of its own here (the 1-session row's peer) is read for it on a timer.
  const unattended = plans
    .map((p) => p.peer)
    .filter((name) => !plans.some((q) => q.token === tokens[names.indexOf(name)]))
    .map((name) => ts.studio.agents.require(name));
  const drain = setInterval(() => {
    for (const agent of unattended) ts.studio.bus.inbox(agent, { limit: 200 });
  }, DRAIN_EVERY_MS);
  return {
    server: {
      url: ts.http.url,
      close: () => {
        clearInterval(drain);
        return ts.close();
      },
    },
    sessions: plans,
  };
}

function runLoad(
  config: LoadConfig,
): Promise<{ result: LoadResult; serverCpuUs: number; serverElu: number }> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = fork(join(here, 'loadClient.js'), [], { execArgv: [], stdio: 'inherit' });
    let cpu0: NodeJS.CpuUsage | undefined;
    let elu0: ReturnType<typeof performance.eventLoopUtilization> | undefined;
    let cpuUs = 0;
    let elu = 0;
    let settled = false;
    const finish = (err: Error | undefined, result?: LoadResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (child.exitCode === null && child.signalCode === null) child.kill();
      if (err || !result) reject(err ?? new Error('load client ended without a result'));
      else resolvePromise({ result, serverCpuUs: result.calls ? cpuUs / result.calls : 0, serverElu: elu });
    };
    // Connecting 16 sessions takes well under a second; anything past this is a hang.
    const deadline = setTimeout(
      () => finish(new Error('load client timed out')),
      config.warmupMs + config.durationMs + 30_000,
    );
    child.on('message', (message: ChildToParent) => {
      switch (message.type) {
        case 'mark':
          if (message.phase === 'start') {
            cpu0 = process.cpuUsage();
            elu0 = performance.eventLoopUtilization();
          } else if (cpu0 && elu0) {
            const d = process.cpuUsage(cpu0);
            cpuUs = d.user + d.system;
            elu = performance.eventLoopUtilization(elu0).utilization;
          }
          return;
        case 'result':
          return finish(undefined, message.result);
        case 'fatal':
          return finish(new Error(`load client failed: ${message.error}`));
        default:
          return;
      }
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code, signal) => {
      if (!settled) finish(new Error(`load client exited (${signal ?? code}) without a result`));
    });
    child.send({ type: 'run', config });
  });
}

async function measure(transport: TransportKind, sessions: number, server: ServerKind): Promise<Row> {
  const target = await startTarget(server, sessions);
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const url = transport === 'http' ? target.server.url : target.server.url.replace(/\/mcp$/, '/sse');
    const { result, serverCpuUs, serverElu } = await runLoad({
      url,
      transport,
      server,
      sessions: target.sessions,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      clientFetch: CLIENT_FETCH,
      client: CLIENT,
      text: TEXT,
    });
    if (result.errors > 0)
      throw new Error(`${result.errors} calls failed; first: ${result.firstError ?? '?'}`);
    return {
      transport,
      sessions,
      server,
      result,
      callsPerS: (result.calls * 1000) / result.windowMs,
      serverCpuUs,
      serverElu,
    };
  } finally {
    await target.server.close();
  }
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows: Row[]): string {
  const header = [
    'transport',
    'sessions',
    'server',
    'calls/s',
    'p50 ms',
    'p99 ms',
    'bare/studio calls/s',
    'studio/bare p99',
    'server CPU µs/call',
    'server loop busy',
    'client CPU',
  ];
  const body = rows.map((r) => {
    const bare = rows.find(
      (b) => b.server === 'bare' && b.transport === r.transport && b.sessions === r.sessions,
    );
    const studio = r.server === 'studio' && bare;
    return [
      r.transport,
      String(r.sessions),
      r.server,
      fmt(r.callsPerS),
      fmt(r.result.p50, 2),
      fmt(r.result.p99, 2),
      studio ? `${fmt(bare.callsPerS / r.callsPerS, 2)}x` : '',
      studio ? `${fmt(r.result.p99 / bare.result.p99, 2)}x` : '',
      fmt(r.serverCpuUs),
      `${fmt(r.serverElu * 100)}%`,
      `${fmt(r.result.clientCpu * 100)}%`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] as string).length)));
  const right = new Set([1, 3, 4, 5, 6, 7, 8, 9, 10]);
  const line = (cells: string[]): string =>
    '| ' +
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join(' | ') +
    ' |';
  const rule =
    '|' + widths.map((w, i) => (right.has(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|';
  return [line(header), rule, ...body.map(line)].join('\n');
}

function checks(rows: Row[]): Array<{ ok: boolean; text: string }> {
  const out: Array<{ ok: boolean; text: string }> = [];
  for (const transport of TRANSPORTS) {
    const studio = rows.find((r) => r.server === 'studio' && r.transport === transport && r.sessions === 16);
    const bare = rows.find((r) => r.server === 'bare' && r.transport === transport && r.sessions === 16);
    if (!studio || !bare) continue;
    const ratio = bare.callsPerS / studio.callsPerS;
    out.push(
      {
        ok: studio.callsPerS >= TARGET_CALLS_PER_S,
        text: `${transport}, 16 sessions: ${fmt(studio.callsPerS)} calls/s >= ${fmt(TARGET_CALLS_PER_S)}`,
      },
      {
        ok: studio.result.p99 < TARGET_P99_MS,
        text: `${transport}, 16 sessions: p99 ${fmt(studio.result.p99, 2)} ms < ${TARGET_P99_MS} ms`,
      },
      {
        ok: ratio <= TARGET_RATIO,
        text: `${transport}, 16 sessions: bare/studio ${fmt(ratio, 2)}x <= ${TARGET_RATIO}x`,
      },
    );
  }
  return out;
}

const fetchLabel = (): string =>
  (CLIENT === 'raw'
    ? 'http rows: a lean raw JSON client on node:http; sse rows: the SDK client over '
    : 'the SDK client over ') + (CLIENT_FETCH === 'node' ? 'node:http' : "Node's built-in fetch");

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} x ${cpu.length}, Node ${process.version}, ${process.platform}`;
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  process.stdout.write(`ccstudio bench: ${machine}; load average ${load}\n`);
  if (MCP_SELECTED) {
    process.stdout.write(
      `each row: ${WARMUP_MS} ms warm-up, ${DURATION_MS} ms measured; workload: send_message + check_inbox alternating, ` +
        `${AGENTS} agents (bare: a no-op tool with the same arguments); load generator: ${fetchLabel()}\n`,
    );
  }
  process.stdout.write('\n');
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    process.stdout.write('(run with --expose-gc for a collection between rows)\n');
  }

  const rows: Row[] = [];
  for (const transport of TRANSPORTS) {
    for (const sessions of SESSIONS) {
      const best = new Map<ServerKind, Row>();
      for (let round = 1; round <= ROUNDS; round++) {
        for (const server of SERVERS) {
          if (!selected(transport, sessions, server)) continue;
          process.stdout.write(
            `  ${transport} x ${String(sessions).padStart(2)} sessions, ${server.padEnd(6)} round ${round} ... `,
          );
          const row = await measure(transport, sessions, server);
          const kept = best.get(server);
          if (!kept || row.callsPerS > kept.callsPerS) best.set(server, row);
          process.stdout.write(`${fmt(row.callsPerS)} calls/s, p99 ${fmt(row.result.p99, 2)} ms\n`);
        }
      }
      for (const server of SERVERS) if (best.has(server)) rows.push(best.get(server)!);
    }
  }

  const results: Array<{ ok: boolean; text: string }> = [];
  const md = ['### Benchmark (`npm run bench`)', ''];
  if (rows.length) {
    const tableText = table(rows);
    const mcpResults = checks(rows);
    results.push(...mcpResults);
    const checkLines = mcpResults.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
    process.stdout.write(
      `\n${tableText}\n\nTargets (studio, 16 sessions):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`,
    );
    md.push(
      `Loopback, one run: ${machine}, load average ${load} at start. Each row is the best of ${ROUNDS} alternating runs of ${WARMUP_MS} ms warm-up then ${DURATION_MS} ms measured; ` +
        `the load generator is a separate process using ${fetchLabel()}. Studio rows alternate send_message and check_inbox ` +
        `among ${AGENTS} agents (SQLite on disk); bare rows call a no-op tool on a plain SDK server set up the same way.`,
      '',
      tableText,
      '',
      'Targets (studio, 16 sessions):',
      '',
      ...checkLines.map((l) => `- ${l}`),
      '',
    );
  }

  if (WAKE_SELECTED) {
    const config = wakeConfigFromEnv();
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(
      `\n  wake: ${config.agents} agents, ${config.warmupMs} ms warm-up, ${config.durationMs} ms measured ...\n`,
    );
    const wake: WakeBenchResult = await runWakeBench(config, (line) =>
      process.stdout.write(`  wake: ${line}\n`),
    );
    const wakeText = wakeTable(wake.rows);
    results.push(...wake.checks);
    const checkLines = wake.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
    process.stdout.write(`\n${wakeText}\n\nTargets (wake):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`);
    md.push(
      ...(rows.length ? [] : [`${machine}, load average ${load} at start.`, '']),
      ...wake.notes,
      '',
      wakeText,
      '',
      'Targets (wake):',
      '',
      ...checkLines.map((l) => `- ${l}`),
      '',
    );
  }

  if (RENDER_SELECTED) {
    const config = renderConfigFromEnv();
    process.stdout.write(
      `\n  render: ${config.tiles} tiles x ${config.bytesPerSecond} B/s for ${config.durationMs} ms, two rounds ...\n`,
    );
    const render = await runRenderBench(config, (line) => process.stdout.write(`  render: ${line}\n`), root);
    const text = renderTable(render.rows);
    results.push(...render.checks);
    const checkLines = render.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
    process.stdout.write(`\n${text}\n\nTargets (render):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`);
    md.push(...render.notes, '', text, '', 'Targets (render):', '', ...checkLines.map((l) => `- ${l}`), '');
  }

  if (WORKSPACE_SELECTED) {
    process.stdout.write(`\n  workspace: a 10,000-file repository, ${WORKSPACE_ROUNDS} rounds ...\n`);
    const ws = await runWorkspaceBench(WORKSPACE_ROUNDS, (line) =>
      process.stdout.write(`  workspace: ${line}\n`),
    );
    reportPart('workspaces', workspaceTable(ws), ws, results, md);
  }

  if (DELIVERY_SELECTED) {
    process.stdout.write(`\n  delivery: the real Claude Code, mail to a busy agent ...\n`);
    const d = await runDeliveryBench(DELIVERY_ROUNDS, (line) =>
      process.stdout.write(`  delivery: ${line}\n`),
    );
    if (d) {
      reportPart('delivery', deliveryTable(d), d, results, md);
    }
  }

  if (IDLE_SELECTED) {
    process.stdout.write(`\n  idle: the real Claude Code, mail to an idle agent and to one asleep ...\n`);
    const r = await runIdleBench(IDLE_ROUNDS, (line) => process.stdout.write(`  idle: ${line}\n`));
    if (r) {
      reportPart('idle', idleTable(r), r, results, md);
    }
  }

  if (SLEEP_SELECTED) {
    process.stdout.write(`\n  sleep: 40 agents, at most 8 awake, mail to agents chosen at random ...\n`);
    const r = await runSleepBench(SLEEP_MESSAGES, (line) => process.stdout.write(`  sleep: ${line}\n`));
    reportPart('sleep', sleepTable(r), r, results, md);
  }

  if (SSH_SELECTED) {
    process.stdout.write(
      `\n  ssh: ${SSH_AGENTS} agents here and ${SSH_AGENTS} on one host over SSH (a loopback sshd) ...\n`,
    );
    const r = await runSshBench(SSH_AGENTS, (line) => process.stdout.write(`  ssh: ${line}\n`));
    if (r) {
      const text = sshTable(r);
      results.push(...r.checks);
      const checkLines = r.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
      process.stdout.write(
        `\n${text}\n\n${r.notes.join('\n')}\n\nTargets (ssh):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`,
      );
      md.push(...r.notes, '', text, '', 'Targets (ssh):', '', ...checkLines.map((l) => `- ${l}`), '');
    }
  }

  if (LISTS_SELECTED) {
    process.stdout.write(`\n  lists: studio_status and list_tasks at 100 and 10,000 rows ...\n`);
    const r = await runListBench((line) => process.stdout.write(`  lists: ${line}\n`));
    reportPart('lists', listTable(r), r, results, md);
  }
  if (FLOOD_SELECTED) {
    const config = floodConfigFromEnv(root);
    process.stdout.write(
      `\n  flood: ${config.lines} x (b + ${config.marks} U+0301) in one agent's terminal of a ccstudio serve ...\n`,
    );
    const r = await runFloodBench(config, root, (line) => process.stdout.write(`  flood: ${line}\n`));
    const text = floodTable(r);
    results.push(...r.checks);
    const checkLines = r.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
    process.stdout.write(
      `\n${text}\n\n${r.notes.join('\n')}\n\nTargets (flood):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`,
    );
    md.push(...r.notes, '', text, '', 'Targets (flood):', '', ...checkLines.map((l) => `- ${l}`), '');
  }

  if (DESK_SELECTED) {
    process.stdout.write(`\n  desk: answers from the queue, checks starting, the queue in Chromium ...\n`);
    const r = await runDeskBench((line) => process.stdout.write(`  desk: ${line}\n`));
    reportPart('desk', deskTable(r), r, results, md);
  }

  const out = join(root, 'test-results', 'bench.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, md.join('\n'));
  process.stdout.write(`\nwrote ${out} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);

  if (process.argv.includes('--strict') && results.some((c) => !c.ok)) process.exitCode = 1;
}

/** A part's table and its targets, on the terminal and in bench.md; its checks join the run's. */
function reportPart(
  name: string,
  text: string,
  part: { checks: Array<{ ok: boolean; text: string }>; notes: string[] },
  results: Array<{ ok: boolean; text: string }>,
  md: string[],
): void {
  results.push(...part.checks);
  const checkLines = part.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`);
  process.stdout.write(`\n${text}\n\nTargets (${name}):\n${checkLines.map((l) => '  ' + l).join('\n')}\n`);
  md.push(...part.notes, '', text, '', `Targets (${name}):`, '', ...checkLines.map((l) => `- ${l}`), '');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
