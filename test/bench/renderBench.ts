// Browser-mode render benchmark: a studio (`ccstudio serve` as its own process) with 8 agents
// whose terminals each print 1 MB/s of coloured output for 10 s, shown as 8 tiles in Debian's
// Chromium. Reports frames per second in the page, characters drawn per second, and the memory
// of the studio process and the page's renderer, measured after each of two rounds has settled
// (the second round must not leave more behind than the first).
//
// Knobs: BENCH_RENDER_TILES (8), BENCH_RENDER_BPS (1000000), BENCH_RENDER_MS (10000),
// BENCH_RENDER_SETTLE_MS (5000).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { remoteStudioService } from '../../main/cli/kit/remoteService.js';
import { readStudioInfo } from '../../main/core/studioInfo.js';
import { launchChromium } from '../support/browserHarness.js';
import { tempDir } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';

export const TARGET_FPS = 30;
export const TARGET_OVERHEAD_MB = 400;
/** Settled memory may differ this much between rounds before it counts as growth (GC and allocator noise). */
export const GROWTH_TOLERANCE_MB = 25;

export interface RenderBenchConfig {
  tiles: number;
  bytesPerSecond: number;
  durationMs: number;
  settleMs: number;
}

function numberFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function renderConfigFromEnv(): RenderBenchConfig {
  return {
    tiles: numberFromEnv('BENCH_RENDER_TILES', 8),
    bytesPerSecond: numberFromEnv('BENCH_RENDER_BPS', 1_000_000),
    durationMs: numberFromEnv('BENCH_RENDER_MS', 10_000),
    settleMs: numberFromEnv('BENCH_RENDER_SETTLE_MS', 5_000),
  };
}

/**
 * The agents' program: waits for a digit on its terminal, then prints `bps` bytes a second of
 * build-log-like coloured lines for `ms`, in 10 ms slices, skipping a slice while the PTY is
 * backed up (the studio pauses a terminal its viewers cannot keep up with).
 */
const FLOOD_SCRIPT = String.raw`
const [bps, ms] = process.argv.slice(2).map(Number);
const colors = [31, 32, 33, 34, 35, 36, 90];
let n = 0;
const line = () => {
  const c = colors[n % colors.length];
  n++;
  return '\x1b[' + c + 'm[' + String(n).padStart(7, '0') + ']\x1b[0m compiling src/module' + (n % 97) +
    '/file' + (n % 13) + '.ts \x1b[1m' + 'ok '.repeat(1 + (n % 9)) + '\x1b[22m' + '.'.repeat(n % 30) + '\r\n';
};
let running = false;
let blocked = false;
function round() {
  if (running) return;
  running = true;
  const slice = Math.round(bps / 100);
  const end = Date.now() + ms;
  const timer = setInterval(() => {
    if (Date.now() >= end) { clearInterval(timer); running = false; process.stdout.write('\r\n[round done]\r\n'); return; }
    if (blocked) return;
    let out = '';
    while (out.length < slice) out += line();
    blocked = !process.stdout.write(out);
    if (blocked) process.stdout.once('drain', () => { blocked = false; });
  }, 10);
}
process.stdin.setRawMode?.(true);
process.stdin.on('data', (d) => { if (/[0-9]/.test(String(d))) round(); });
process.stdout.write('flood ready: ' + bps + ' B/s for ' + ms + ' ms on each digit\r\n');
`;

export interface RenderRow {
  phase: string;
  fps: number;
  charsPerSecond: number;
  studioMb: number;
  rendererMb: number;
  browserMb: number;
  jsHeapMb: number;
}

export interface RenderBenchResult {
  rows: RenderRow[];
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * A process's proportional set size (Linux): its private memory plus its share of pages it shares
 * with others. RSS would count Chromium's 100+ MB mapped binary once per process.
 */
function pssOf(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Chromium's processes by type (renderer, gpu-process, browser...), from their command lines. */
function chromiumProcesses(): Array<{ pid: number; type: string }> {
  const out: Array<{ pid: number; type: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!/chromium|chrome/.test(cmd.split('\0')[0] ?? '')) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    out.push({ pid: Number(entry), type });
  }
  return out;
}

async function frameCounter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames?: number };
    if (w.__frames !== undefined) return;
    w.__frames = 0;
    const tick = () => {
      w.__frames!++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function pageCounters(page: Page): Promise<{ frames: number; chars: number; heap: number }> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __frames?: number;
      __studioStats?: { charsDrawn: number };
      performance: { memory?: { usedJSHeapSize: number } };
    };
    return {
      frames: w.__frames ?? 0,
      chars: w.__studioStats?.charsDrawn ?? 0,
      heap: w.performance.memory?.usedJSHeapSize ?? 0,
    };
  });
}

export async function runRenderBench(
  config: RenderBenchConfig,
  log: (line: string) => void,
  root: string,
): Promise<RenderBenchResult> {
  const dataDir = tempDir('ccstudio-renderbench-');
  const flood = join(dataDir, 'flood.cjs');
  writeFileSync(flood, FLOOD_SCRIPT);
  const cli = join(root, 'dist', 'main', 'cli', 'ccstudio.js');
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')))
    throw new Error('The renderer is not built: npm run build.');
  let studio: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    studio = spawn(process.execPath, [cli, 'serve', '--data', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    studio.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    studio.stderr!.resume();
    const uiUrl = await waitFor(
      'the studio to print its UI link',
      () => /Open the studio:\s+(\S+)/.exec(printed)?.[1],
      {
        timeoutMs: 30_000,
      },
    );
    const info = readStudioInfo(dataDir)!;
    const service = remoteStudioService(info.apiUrl, info.adminToken);
    const names = Array.from({ length: config.tiles }, (_, i) => `tile-${i + 1}`);
    for (const name of names) {
      await service.addAgent({
        name,
        cwd: dataDir,
        profile: {
          kind: 'command',
          command: process.execPath,
          args: [flood, String(config.bytesPerSecond), String(config.durationMs)],
        },
      });
      await service.startAgent(name);
    }

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(uiUrl);
    // The board stays open, as a person would have it.
    await waitFor(
      'every tile showing its terminal',
      async () => {
        const texts = await Promise.all(
          names.map((n) =>
            page.evaluate(
              (name) =>
                (window as unknown as { __studioTileText?: (n: string) => string | null }).__studioTileText?.(
                  name,
                ) ?? '',
              n,
            ),
          ),
        );
        return texts.every((t) => t.includes('flood ready'));
      },
      { timeoutMs: 30_000 },
    );
    await frameCounter(page);
    const cdp = await page.context().newCDPSession(page);
    const renderer = await page.evaluate(() => {
      const s = (window as unknown as { __studioStats?: { webglTiles: number; domTiles: number } })
        .__studioStats;
      return s ? `${s.webglTiles} WebGL, ${s.domTiles} DOM` : 'unknown';
    });

    const rows: RenderRow[] = [];
    const measure = async (phase: string, run: () => Promise<void>, ms: number) => {
      const before = await pageCounters(page);
      const t0 = performance.now();
      await run();
      const elapsed = (performance.now() - t0) / 1000;
      const after = await pageCounters(page);
      void ms;
      return {
        fps: (after.frames - before.frames) / elapsed,
        cps: (after.chars - before.chars) / elapsed,
        heap: after.heap,
      };
    };
    const memory = async () => {
      await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
      const procs = chromiumProcesses();
      return {
        studio: pssOf(studio!.pid!),
        renderer: procs.filter((p) => p.type === 'renderer').reduce((s, p) => s + pssOf(p.pid), 0),
        browser: procs.reduce((s, p) => s + pssOf(p.pid), 0),
      };
    };
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

    const idle = await measure('idle', () => sleep(3000), 3000);
    const m0 = await memory();
    rows.push({
      phase: `idle, ${config.tiles} tiles attached`,
      fps: idle.fps,
      charsPerSecond: idle.cps,
      studioMb: mb(m0.studio),
      rendererMb: mb(m0.renderer),
      browserMb: mb(m0.browser),
      jsHeapMb: mb(idle.heap),
    });
    log(
      `idle: ${idle.fps.toFixed(1)} fps; studio ${mb(m0.studio).toFixed(0)} MB, renderer ${mb(m0.renderer).toFixed(0)} MB`,
    );

    const settled: number[] = [];
    for (const round of [1, 2]) {
      const flooding = await measure(
        `round ${round}`,
        async () => {
          await Promise.all(names.map((n) => service.sendKeys(n, [String(round)])));
          await sleep(config.durationMs);
        },
        config.durationMs,
      );
      const during = await memory();
      rows.push({
        phase: `round ${round}: ${config.tiles} x ${(config.bytesPerSecond / 1e6).toFixed(1)} MB/s`,
        fps: flooding.fps,
        charsPerSecond: flooding.cps,
        studioMb: mb(during.studio),
        rendererMb: mb(during.renderer),
        browserMb: mb(during.browser),
        jsHeapMb: mb(flooding.heap),
      });
      log(
        `round ${round}: ${flooding.fps.toFixed(1)} fps, ${(flooding.cps / 1e6).toFixed(2)} M chars/s drawn`,
      );
      await sleep(config.settleMs);
      const after = await memory();
      const heap = (await pageCounters(page)).heap;
      rows.push({
        phase: `round ${round} settled`,
        fps: NaN,
        charsPerSecond: NaN,
        studioMb: mb(after.studio),
        rendererMb: mb(after.renderer),
        browserMb: mb(after.browser),
        jsHeapMb: mb(heap),
      });
      settled.push(after.studio + after.renderer);
    }

    const floodRows = rows.filter((r) => r.phase.startsWith('round') && !r.phase.endsWith('settled'));
    const minFps = Math.min(...floodRows.map((r) => r.fps));
    const peakOverhead = Math.max(...rows.map((r) => r.studioMb + r.rendererMb));
    const growth = mb(settled[1]! - settled[0]!);
    const offered = config.tiles * config.bytesPerSecond;
    const drawn = Math.max(...floodRows.map((r) => r.charsPerSecond));
    const checks = [
      {
        ok: minFps >= TARGET_FPS,
        text: `${minFps.toFixed(1)} fps in the page while flooding (target >= ${TARGET_FPS})`,
      },
      {
        ok: peakOverhead < TARGET_OVERHEAD_MB,
        text: `studio + renderer ${peakOverhead.toFixed(0)} MB at peak with ${config.tiles} tiles (target < ${TARGET_OVERHEAD_MB} MB)`,
      },
      {
        ok: growth < GROWTH_TOLERANCE_MB,
        text: `settled memory after round 2 vs round 1: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (no growth: < ${GROWTH_TOLERANCE_MB} MB)`,
      },
    ];
    const notes = [
      `Render: ${config.tiles} tiles (${renderer}) in Chromium ${browser.version()} headless, 1600x1000, board open;`,
      `each agent offers ${(config.bytesPerSecond / 1e6).toFixed(1)} MB/s for ${config.durationMs / 1000} s (${(offered / 1e6).toFixed(1)} MB/s in all),`,
      `skipping slices while its PTY is paused by flow control; drawn: up to ${(drawn / 1e6).toFixed(2)} M chars/s`,
      `(${((100 * drawn) / offered).toFixed(0)}% of offered). Memory is proportional set size (PSS): the studio process,`,
      `Chromium's renderer processes (the page's, plus any spare one Chromium keeps), and all of Chromium for reference`,
      `(its browser, GPU and utility processes are the browser's cost, not the studio's).`,
    ];
    return { rows, checks, notes };
  } finally {
    await browser?.close().catch(() => {});
    if (studio && studio.exitCode === null) {
      studio.kill('SIGTERM');
      await new Promise((r) => studio!.once('exit', r));
    }
  }
}

export function renderTable(rows: RenderRow[]): string {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const lines = [
    '| phase | fps | chars drawn/s | studio MB | renderer MB | Chromium total MB | page JS heap MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.phase} | ${f(r.fps, 1)} | ${Number.isFinite(r.charsPerSecond) ? (r.charsPerSecond / 1e6).toFixed(2) + ' M' : '-'} | ${f(r.studioMb)} | ${f(r.rendererMb)} | ${f(r.browserMb)} | ${f(r.jsHeapMb)} |`,
    ),
  ];
  return lines.join('\n');
}
