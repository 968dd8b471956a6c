// The flood figures of `npm run bench` (`BENCH_ONLY=flood` runs only this): the terminal text that
// once sank the studio, `b` followed by 2,000,000 combining accents (U+0301) printed 25 times, in an
// agent's terminal of a real studio (`ccstudio serve`, a process of its own), with a window attached
// over the UI WebSocket that draws (acknowledges) all it gets, while this process polls /health.
//
//   baseline  the same studio, the agent started and waiting for its key, nothing printed
//   flood     from the key that starts the flood until the window has seen its last line
//   after     the studio left alone for a while once the flood is over
//
// Per phase: /health latency (one request at a time, HEALTH_EVERY_MS apart), the studio process's
// RSS (VmRSS from /proc, sampled every RSS_EVERY_MS) and its CPU share (/proc/PID/stat). Growth is
// the highest RSS seen during and after the flood less the RSS at the start of the baseline. Then,
// in this process, the output filter on normal output beside the screen copy's own parse of it.
//
// Knobs: BENCH_FLOOD_LINES (25), BENCH_FLOOD_MARKS (2000000), BENCH_FLOOD_BASELINE_MS (5000),
// BENCH_FLOOD_AFTER_MS (5000), BENCH_FLOOD_CLI (the ccstudio.js to measure: by default this build's;
// point it at a build of another commit, e.g. main's, for a before and after).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, get } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createPipeClient } from '../../main/contract/pipe.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import { remoteStudioService } from '../../main/cli/kit/remoteService.js';
import { OutputFilter } from '../../main/core/sessions/outputFilter.js';
import { ScreenMirror } from '../../main/core/sessions/screenMirror.js';
import { readStudioInfo } from '../../main/core/studioInfo.js';
import { tempDir } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';
import { percentile } from './stats.js';
import { wsPipe } from '../support/wsPipe.js';

export const TARGET_GROWTH_MB = 200;
export const TARGET_HEALTH_P99_MS = 100;
/** A person's tool checking the studio: often enough to catch a stall of a few tens of ms. */
const HEALTH_EVERY_MS = 20;
const RSS_EVERY_MS = 100;
/** The flood on main took minutes; past this the phase ends and says the flood never finished. */
const FLOOD_TIMEOUT_MS = 600_000;
/** Linux's clock ticks per second for /proc/PID/stat (USER_HZ, 100 on every common build). */
const CLOCK_TICKS_PER_S = 100;

export interface FloodBenchConfig {
  lines: number;
  marks: number;
  baselineMs: number;
  afterMs: number;
  /** dist/main/cli/ccstudio.js of the studio to measure. */
  cli: string;
}

function numberFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function floodConfigFromEnv(root: string): FloodBenchConfig {
  return {
    lines: numberFromEnv('BENCH_FLOOD_LINES', 25),
    marks: numberFromEnv('BENCH_FLOOD_MARKS', 2_000_000),
    baselineMs: numberFromEnv('BENCH_FLOOD_BASELINE_MS', 5000),
    afterMs: numberFromEnv('BENCH_FLOOD_AFTER_MS', 5000),
    cli: process.env.BENCH_FLOOD_CLI || join(root, 'dist', 'main', 'cli', 'ccstudio.js'),
  };
}

export interface FloodRow {
  phase: string;
  ms: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  cpu: number;
}

export interface FloodBenchResult {
  rows: FloodRow[];
  filterRows: Array<{ output: string; chars: number; filterMcps: number; mirrorMcps: number }>;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

const mb = (kb: number) => kb / 1024;

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15; `fields` starts at field 3.
  return Number(fields[11]) + Number(fields[12]);
}

/** What the studio process did over one phase: /health latencies, RSS samples, CPU. */
class Watch {
  private latencies: number[] = [];
  private rss: number[] = [];
  private started = performance.now();
  private ticks: number;
  private polling = true;
  private readonly sampler: NodeJS.Timeout;
  private readonly agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  private readonly done: Promise<void>;

  constructor(
    private readonly pid: number,
    private readonly healthUrl: string,
  ) {
    this.ticks = cpuTicks(pid);
    this.rss.push(rssKb(pid));
    this.sampler = setInterval(() => this.rss.push(rssKb(pid)), RSS_EVERY_MS);
    this.done = this.poll();
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        get(this.healthUrl, { agent: this.agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
      this.latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, HEALTH_EVERY_MS));
    }
  }

  /** The phase so far as a row; the next phase starts now. */
  take(phase: string): FloodRow {
    const now = performance.now();
    const ticks = cpuTicks(this.pid);
    this.rss.push(rssKb(this.pid));
    const sorted = Float64Array.from(this.latencies).sort();
    const row: FloodRow = {
      phase,
      ms: now - this.started,
      requests: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
      rssStartMb: mb(this.rss[0]!),
      rssPeakMb: mb(Math.max(...this.rss)),
      rssEndMb: mb(this.rss[this.rss.length - 1]!),
      cpu: (ticks - this.ticks) / CLOCK_TICKS_PER_S / ((now - this.started) / 1000),
    };
    this.latencies = [];
    this.rss = [this.rss[this.rss.length - 1]!];
    this.started = now;
    this.ticks = ticks;
    return row;
  }

  async stop(): Promise<void> {
    this.polling = false;
    clearInterval(this.sampler);
    await this.done.catch(() => {});
    this.agent.destroy();
  }
}

/** A window on the studio over /ui, attached to one terminal, drawing all it gets at once. */
async function openWindow(baseUrl: string, uiToken: string, name: string) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${STUDIO_PATHS.ui}?token=${uiToken}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const client = createPipeClient(wsPipe(ws));
  const seen = { chars: 0, largest: 0, tail: '' };
  client.onDidOutput((o) => {
    seen.chars += o.data.length;
    seen.largest = Math.max(seen.largest, o.data.length);
    // Enough of the end to find a marker split across two outputs.
    seen.tail = (seen.tail + o.data.slice(-64)).slice(-128);
    client.ackOutput(o.agentId, o.data.length);
  });
  const first = await client.attachTerminal(name);
  seen.tail = first.data.slice(-128);
  return {
    seen,
    attach: () => client.attachTerminal(name),
    close: () => ws.close(),
  };
}

export async function runFloodBench(
  config: FloodBenchConfig,
  root: string,
  log: (line: string) => void,
): Promise<FloodBenchResult> {
  const dataDir = tempDir('ccstudio-floodbench-');
  // The agent works outside the data folder, as a person's project does.
  const workDir = tempDir('ccstudio-floodbench-work-');
  const floodScript = join(root, 'test', 'fixtures', 'markFlood.mjs');
  let studio: ChildProcess | undefined;
  let watch: Watch | undefined;
  let window: Awaited<ReturnType<typeof openWindow>> | undefined;
  try {
    studio = spawn(process.execPath, [config.cli, 'serve', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    studio.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    studio.stderr!.resume();
    await waitFor('the studio to print its UI link', () => /Open the studio:\s+(\S+)/.test(printed), {
      timeoutMs: 30_000,
    });
    const info = readStudioInfo(dataDir)!;
    const service = remoteStudioService(info.apiUrl, info.adminToken);
    await service.addAgent({
      name: 'flooder',
      cwd: workDir,
      profile: {
        kind: 'command',
        command: process.execPath,
        args: [floodScript, String(config.lines), String(config.marks), '--on-key'],
      },
    });
    await service.startAgent('flooder');
    window = await openWindow(info.baseUrl, info.uiToken, 'flooder');
    const w = window;
    await waitFor('the flooder to wait for its key', () => w.seen.tail.includes('flood ready'), {
      timeoutMs: 30_000,
    });
    const pid = studio.pid!;
    watch = new Watch(pid, info.baseUrl + STUDIO_PATHS.health);
    const rows: FloodRow[] = [];

    await new Promise((r) => setTimeout(r, config.baselineMs));
    rows.push(watch.take('baseline: agent waiting, no flood'));
    log(`baseline: /health p99 ${rows[0]!.p99.toFixed(1)} ms, RSS ${rows[0]!.rssEndMb.toFixed(0)} MB`);

    await service.sendKeys('flooder', ['1']);
    const t0 = performance.now();
    const finished = await waitFor('the window to see FLOOD DONE', () => w.seen.tail.includes('FLOOD DONE'), {
      timeoutMs: FLOOD_TIMEOUT_MS,
      everyMs: 50,
    }).catch(() => false);
    const floodMs = performance.now() - t0;
    rows.push(
      watch.take(
        `flood: ${config.lines} x (b + ${config.marks.toLocaleString('en-US')} U+0301)${finished ? '' : ' (not done)'}`,
      ),
    );
    log(`flood: ${(floodMs / 1000).toFixed(1)} s, RSS peak ${rows[1]!.rssPeakMb.toFixed(0)} MB`);

    await new Promise((r) => setTimeout(r, config.afterMs));
    rows.push(watch.take(`after: ${config.afterMs / 1000} s left alone`));
    await watch.stop();
    watch = undefined;

    // What a window attaching now gets, and what the person's `agent screen` reads.
    let t = performance.now();
    const snapshot = await w.attach();
    const snapshotMs = performance.now() - t;
    t = performance.now();
    const screen = await service.readScreen('flooder');
    const screenMs = performance.now() - t;

    const growth = Math.max(rows[1]!.rssPeakMb, rows[2]!.rssPeakMb) - rows[0]!.rssStartMb;
    const kept = rows[2]!.rssEndMb - rows[0]!.rssStartMb;
    const checks = [
      {
        ok: finished !== false && growth < TARGET_GROWTH_MB,
        text: `studio RSS growth during and after the flood: +${growth.toFixed(0)} MB (target < +${TARGET_GROWTH_MB} MB)`,
      },
      {
        ok: finished !== false && rows[1]!.p99 < TARGET_HEALTH_P99_MS,
        text: `/health p99 during the flood: ${rows[1]!.p99.toFixed(1)} ms (target < ${TARGET_HEALTH_P99_MS} ms)`,
      },
    ];
    const notes = [
      `Flood: a command agent prints b + ${config.marks.toLocaleString('en-US')} x U+0301, ${config.lines} times, in a studio run as \`ccstudio serve\` (${config.cli}),`,
      `one window attached over /ui acknowledging all it gets; /health polled one request at a time every ${HEALTH_EVERY_MS} ms from the bench process;`,
      `RSS is the studio process's VmRSS sampled every ${RSS_EVERY_MS} ms, CPU its user+system time over the phase.`,
      `The flood took ${(floodMs / 1000).toFixed(1)} s${finished ? '' : ' and had not reached the window when the bench gave up'};` +
        ` the studio kept +${kept.toFixed(0)} MB after it. The window got ${window.seen.chars.toLocaleString('en-US')} characters of live output` +
        ` (largest message ${window.seen.largest.toLocaleString('en-US')}); a snapshot taken after: ${snapshot.data.length.toLocaleString('en-US')} characters` +
        ` in ${snapshotMs.toFixed(0)} ms; the person's screen read (readScreen): ${screen.length.toLocaleString('en-US')} characters in ${screenMs.toFixed(0)} ms.`,
    ];
    return { rows, filterRows: await filterCost(root), checks, notes };
  } finally {
    await watch?.stop();
    window?.close();
    if (studio && studio.exitCode === null) {
      studio.kill('SIGTERM');
      await new Promise((r) => studio!.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Coloured build-log lines, as the render bench prints them. */
function buildLog(chars: number): string {
  const colors = [31, 32, 33, 34, 35, 36, 90];
  let out = '';
  for (let n = 0; out.length < chars; n++) {
    out +=
      `\x1b[${colors[n % colors.length]}m[${String(n).padStart(7, '0')}]\x1b[0m compiling src/module${n % 97}` +
      `/file${n % 13}.ts \x1b[1m${'ok '.repeat(1 + (n % 9))}\x1b[22m${'.'.repeat(n % 30)}\r\n`;
  }
  return out;
}

/**
 * The output filter's cost on normal output, beside the screen copy's own parse of the same output
 * (which every byte gets anyway): best of several runs, in 64 KB chunks.
 */
async function filterCost(root: string): Promise<FloodBenchResult['filterRows']> {
  const recorded = JSON.parse(
    readFileSync(join(root, 'test', 'fixtures', 'streams', 'claude-2.1.330.json'), 'utf8'),
  ) as { agents: string[][] };
  const claude = recorded.agents.map((chunks) => chunks.join('')).join('');
  const outputs: Array<[string, string]> = [
    ["Claude Code 2.1.330's own output (recorded), x 100", claude.repeat(100)],
    ['coloured build log', buildLog(4_000_000)],
    ['CJK, emoji and accents', '日本語のテキスト 한국어 😀 👨‍👩‍👧 cafe\u0301 Tiếng Việt\r\n'.repeat(80_000)],
  ];
  const chunks = (text: string) => {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) out.push(text.slice(i, i + 65_536));
    return out;
  };
  const rows: FloodBenchResult['filterRows'] = [];
  for (const [output, text] of outputs) {
    const pieces = chunks(text);
    let filterMs = Infinity;
    for (let round = 0; round < 5; round++) {
      const filter = new OutputFilter();
      const t0 = performance.now();
      for (const p of pieces) filter.filter(p);
      filterMs = Math.min(filterMs, performance.now() - t0);
    }
    let mirrorMs = Infinity;
    for (let round = 0; round < 3; round++) {
      const mirror = new ScreenMirror(120, 36);
      const t0 = performance.now();
      for (const p of pieces) mirror.write(p);
      await mirror.settled();
      mirrorMs = Math.min(mirrorMs, performance.now() - t0);
      mirror.dispose();
    }
    rows.push({
      output,
      chars: text.length,
      filterMcps: text.length / filterMs / 1000,
      mirrorMcps: text.length / mirrorMs / 1000,
    });
  }
  return rows;
}

export function floodTable(r: FloodBenchResult): string {
  const f = (n: number, d = 0) => n.toFixed(d);
  return [
    '| phase | s | /health requests | p50 ms | p99 ms | max ms | studio RSS MB start | peak | end | studio CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      (row) =>
        `| ${row.phase} | ${f(row.ms / 1000, 1)} | ${row.requests} | ${f(row.p50, 1)} | ${f(row.p99, 1)} | ${f(row.max, 0)} | ${f(row.rssStartMb)} | ${f(row.rssPeakMb)} | ${f(row.rssEndMb)} | ${f(row.cpu * 100)}% |`,
    ),
    '',
    '| normal output, 64 KB chunks | characters | output filter M chars/s | screen copy parse M chars/s | filter / parse time |',
    '|---|---:|---:|---:|---:|',
    ...r.filterRows.map(
      (row) =>
        `| ${row.output} | ${row.chars.toLocaleString('en-US')} | ${f(row.filterMcps)} | ${f(row.mirrorMcps)} | ${f((100 * row.mirrorMcps) / row.filterMcps, 1)}% |`,
    ),
  ].join('\n');
}
