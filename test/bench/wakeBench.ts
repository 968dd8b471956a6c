// The wake figures of `npm run bench`: how soon a message reaches an idle agent's terminal, and how
// many messages a team of 16 gets delivered end to end. `BENCH_ONLY=wake npm run bench` runs only
// this part.
//
// A real studio (createStudio, SQLite on disk in a temp dir) runs 16 local agents whose command is
// idleAgent.mjs: a stand-in that draws Claude Code's idle input box, takes a bracketed paste and an
// Enter, shows a turn running for BENCH_WAKE_BUSY_MS, then draws the idle box again. node-pty's
// spawn is wrapped so every write into a PTY is timestamped (performance.now()) before node-pty
// gets it. A closed loop drives the team: whenever an agent is idle again (studio state 'idle', its
// last wake recorded, out of cooldown), it gets one new message from the person through
// studio.bus.send(), which commits it to SQLite and fires message.sent synchronously.
//
//   latency     t0 = performance.now() just before bus.send(); t1 = the first write into that
//               agent's PTY after t0 (the wake prompt's first byte handed to node-pty). The
//               recipient is known idle, so the wake is due at once.
//   throughput  messages whose wake prompt was typed, Entered and verified as submitted
//               (WakeRecord.submitted) within the measured window, per second. Each message is
//               announced by its own prompt; nothing reads the inbox (the stand-in calls nothing).
//
// Knobs (environment): BENCH_WAKE_AGENTS (16), BENCH_WAKE_WARMUP_MS (2000: samples sent earlier are
// dropped), BENCH_WAKE_DURATION_MS (20000), BENCH_WAKE_COOLDOWN_MS (250: the studio's wake cooldown
// for this run; the default 3000 would cap the loop at 16 / 3 s), BENCH_WAKE_BUSY_MS (50: how long
// the stand-in shows a turn running), BENCH_WAKE_SAMPLES=FILE (writes every sample's timestamps as
// JSON, for a closer look at where the time goes).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as nodePty from 'node-pty';
import type { SpawnPty } from '../../main/core/sessions/ptySession.js';
import { PLAIN_BUSY_MS } from '../../main/core/sessions/agentStateTracker.js';
import { ENTER_DELAY_MS, VERIFY_DELAY_MS } from '../../main/core/sessions/terminalWriter.js';
import { createStudioWithParts, type StudioWithParts } from '../support/studioParts.js';
import type { WakeRecord } from '../../main/core/wake/wakeEngine.js';
import { percentile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/test/bench -> repository root; the stand-in is plain JavaScript, run from the source tree. */
const root = resolve(here, '..', '..', '..');
const IDLE_AGENT = join(root, 'test', 'bench', 'idleAgent.mjs');

const PASTE_START = '\u001b[200~';
/** What a teammate's note looks like; the wake prompt carries no body, so its length does not matter much. */
const TEXT = 'Pushed the fix for the flaky login test to main; please rebase and re-run the e2e suite.';

export const TARGET_WAKE_P50_MS = 5;
export const TARGET_WAKE_P99_MS = 25;
/** Starting 16 processes and seeing them idle (the plain tracker waits 1 s of quiet) takes ~2 s. */
const START_TIMEOUT_MS = 15_000;
/** In-flight wakes get this long to finish after the window closes. */
const DRAIN_TIMEOUT_MS = 5_000;

function numberFromEnv(name: string, fallback: number, min = 1): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

export interface WakeBenchConfig {
  agents: number;
  warmupMs: number;
  durationMs: number;
  cooldownMs: number;
  busyMs: number;
}

export function wakeConfigFromEnv(): WakeBenchConfig {
  return {
    agents: numberFromEnv('BENCH_WAKE_AGENTS', 16),
    warmupMs: numberFromEnv('BENCH_WAKE_WARMUP_MS', 2000, 0),
    durationMs: numberFromEnv('BENCH_WAKE_DURATION_MS', 20_000),
    cooldownMs: numberFromEnv('BENCH_WAKE_COOLDOWN_MS', 250, 0),
    busyMs: numberFromEnv('BENCH_WAKE_BUSY_MS', 50, 0),
  };
}

interface Sample {
  agent: string;
  /** Index of this wake among the agent's wakes (matches the stand-in's paste log). */
  seq: number;
  messageId: number;
  measured: boolean;
  t0: number;
  /** First write into the PTY after t0. */
  t1?: number;
  firstWrite?: string;
  /** t1 came before bus.send() returned: the wake was typed in the send's own call stack. */
  sync?: boolean;
  enterAt?: number;
  recordAt?: number;
  submitted?: boolean;
  /** Messages the wake prompt announced (1 unless the loop raced itself). */
  announced?: number;
  engineLatencyMs?: number;
  /** The studio showed the agent idle again (after a non-idle state). */
  idleAt?: number;
  /** Wall-clock ms at which the stand-in read the paste (its own clock). */
  agentReadWall?: number;
}

interface Slot {
  name: string;
  id: number;
  phase: 'starting' | 'ready' | 'waking';
  cur: Sample | undefined;
  seenNotIdle: boolean;
  wakes: number;
  lastWakeWall: number;
  logFile: string;
  samples: Sample[];
}

export interface WakeBenchRow {
  metric: string;
  value: string;
  target: string;
}

export interface WakeBenchResult {
  config: WakeBenchConfig;
  rows: WakeBenchRow[];
  checks: Array<{ ok: boolean; text: string }>;
  /** One paragraph on what was run and what each figure counts. */
  notes: string[];
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | undefined, digits = 2): string => (n === undefined ? '-' : `${fmt(n, digits)} ms`);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const mean = (xs: number[]): number | undefined =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;

export async function runWakeBench(
  config: WakeBenchConfig = wakeConfigFromEnv(),
  progress: (line: string) => void = () => {},
): Promise<WakeBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ccstudio-wake-bench-'));
  const slots = new Map<string, Slot>();
  const byId = new Map<number, Slot>();

  const noteWrite = (agent: string, t: number, data: string): void => {
    const s = slots.get(agent)?.cur;
    if (!s) return;
    if (s.t1 === undefined) {
      s.t1 = t;
      s.firstWrite = data;
    } else if (s.enterAt === undefined && data === '\r') s.enterAt = t;
  };
  const spawnPty: SpawnPty = (file, args, options) => {
    const proc = nodePty.spawn(file, args, options);
    const agent = options.env.STUDIO_AGENT ?? '';
    return {
      get pid() {
        return proc.pid;
      },
      write(data) {
        const t = performance.now();
        noteWrite(agent, t, data);
        proc.write(data);
      },
      resize: (cols, rows) => proc.resize(cols, rows),
      kill: (signal) => proc.kill(signal),
      pause: () => proc.pause(),
      resume: () => proc.resume(),
      onData: (listener) => proc.onData(listener),
      onExit: (listener) => proc.onExit(listener),
    };
  };

  let studio: StudioWithParts | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, delay: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, delay);
    timers.add(t);
  };
  try {
    studio = createStudioWithParts({
      dataDir: dir,
      terminals: { spawnPty, hookCommand: 'true', wakeCooldownMs: config.cooldownMs },
    });
    const s = studio;
    const person = s.agents.person;
    for (let i = 0; i < config.agents; i++) {
      const name = `agent-${String(i + 1).padStart(2, '0')}`;
      const logFile = join(dir, `${name}.pastes`);
      const { agent } = s.agents.add({
        name,
        cwd: dir,
        profile: {
          kind: 'command',
          command: process.execPath,
          args: [IDLE_AGENT, '--busy-ms', String(config.busyMs), '--log', logFile],
          takesPrompts: true,
        },
      });
      const slot: Slot = {
        name,
        id: agent.id,
        phase: 'starting',
        cur: undefined,
        seenNotIdle: false,
        wakes: 0,
        lastWakeWall: 0,
        logFile,
        samples: [],
      };
      slots.set(name, slot);
      byId.set(agent.id, slot);
    }

    let startAt = 0;
    let measureFrom = Infinity;
    let measureTo = Infinity;
    let stopping = false;
    let settle: (() => void) | undefined;
    let endWindow: (() => void) | undefined;
    let failure: Error | undefined;
    /** Stops the loop at once; the error is thrown once the window wait returns. */
    const fail = (err: unknown): void => {
      failure ??= err instanceof Error ? err : new Error(String(err));
      stopping = true;
      endWindow?.();
    };

    const eligible = (slot: Slot): number => {
      const live = s.sessions.get(slot.id);
      if (!live?.pty.running) throw new Error(`${slot.name}'s terminal exited`);
      if (live.tracker.state !== 'idle' || live.tracker.screen.input) return 5;
      const cooled = Date.now() - slot.lastWakeWall;
      return cooled >= config.cooldownMs + 1 ? 0 : config.cooldownMs + 1 - cooled;
    };
    const send = (slot: Slot): void => {
      try {
        trySend(slot);
      } catch (err) {
        fail(err);
      }
    };
    const trySend = (slot: Slot): void => {
      if (stopping || slot.phase !== 'ready') return;
      const wait = eligible(slot);
      if (wait > 0) return later(() => send(slot), wait);
      const sample: Sample = {
        agent: slot.name,
        seq: slot.wakes++,
        messageId: -1,
        measured: false,
        t0: 0,
      };
      slot.cur = sample;
      slot.phase = 'waking';
      slot.seenNotIdle = false;
      sample.t0 = performance.now();
      const message = s.bus.send(person, slot.name, TEXT);
      sample.sync = sample.t1 !== undefined;
      sample.messageId = message.id;
      sample.measured = sample.t0 >= measureFrom && sample.t0 < measureTo;
      slot.lastWakeWall = Date.now();
      slot.samples.push(sample);
    };
    const maybeDone = (slot: Slot): void => {
      const cur = slot.cur;
      if (!cur || cur.recordAt === undefined || cur.idleAt === undefined) return;
      slot.cur = undefined;
      slot.phase = 'ready';
      if (stopping) {
        if ([...slots.values()].every((x) => !x.cur)) settle?.();
        return;
      }
      // As a teammate's send_message would: from another event, not inside the state callback.
      setImmediate(() => send(slot));
    };

    s.wake.onDidWake((r: WakeRecord) => {
      const slot = byId.get(r.agentId);
      const cur = slot?.cur;
      if (!slot || !cur || !r.messageIds.includes(cur.messageId)) return;
      cur.recordAt = performance.now();
      cur.submitted = r.submitted;
      cur.announced = r.messageIds.length;
      // The engine stamps when it wrote the first byte; the bench knows when it called send.
      cur.engineLatencyMs = r.typedAt - cur.t0;
      maybeDone(slot);
    });
    s.sessions.onDidChangeState(({ agentId, state }) => {
      const slot = byId.get(agentId);
      if (!slot) return;
      if (state === 'exited') {
        if (!stopping) fail(new Error(`${slot.name}'s terminal exited during the run`));
        return;
      }
      if (state !== 'idle') {
        slot.seenNotIdle = true;
        return;
      }
      if (slot.phase === 'starting') {
        slot.phase = 'ready';
        if ([...slots.values()].every((x) => x.phase === 'ready')) settle?.();
        return;
      }
      if (slot.cur && slot.seenNotIdle && slot.cur.idleAt === undefined) {
        slot.cur.idleAt = performance.now();
        maybeDone(slot);
      }
    });

    // Start the team and wait for every stand-in to look idle.
    const t = performance.now();
    await withTimeout(
      new Promise<void>((done) => {
        settle = done;
        for (const slot of slots.values()) s.sessions.start(slot.name);
      }),
      START_TIMEOUT_MS,
      () =>
        `agents not idle after ${START_TIMEOUT_MS} ms: ${[...slots.values()]
          .filter((x) => x.phase !== 'ready')
          .map((x) => `${x.name} (${s.sessions.get(x.id)?.tracker.state ?? 'no session'})`)
          .join(', ')}`,
    );
    progress(`${config.agents} agents idle after ${fmt(performance.now() - t)} ms; measuring`);

    // Warm-up, then the measured window; every agent in the loop from the start.
    startAt = performance.now();
    measureFrom = startAt + config.warmupMs;
    measureTo = measureFrom + config.durationMs;
    for (const slot of slots.values()) send(slot);
    await new Promise<void>((done) => {
      endWindow = done;
      later(done, config.warmupMs + config.durationMs);
    });
    stopping = true;
    if (failure) throw failure;
    await withTimeout(
      new Promise<void>((done) => {
        settle = done;
        if ([...slots.values()].every((x) => !x.cur)) done();
      }),
      DRAIN_TIMEOUT_MS,
      () =>
        `wakes still open after the window: ${[...slots.values()]
          .filter((x) => x.cur)
          .map((x) => `${x.name} (${x.cur?.recordAt === undefined ? 'no wake record' : 'not idle again'})`)
          .join(', ')}`,
    ).catch((err: Error) => progress(`warning: ${err.message}`));

    await s.close();
    studio = undefined;

    // The stand-ins' own read times, matched by order (each agent is only ever woken by this loop).
    let unmatched = 0;
    for (const slot of slots.values()) {
      let reads: number[] = [];
      try {
        reads = readFileSync(slot.logFile, 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        /* no paste ever reached this agent */
      }
      if (reads.length !== slot.samples.length) unmatched++;
      else slot.samples.forEach((x, i) => (x.agentReadWall = reads[i]));
    }

    const samples = [...slots.values()].flatMap((x) => x.samples);
    const dump = process.env.BENCH_WAKE_SAMPLES;
    if (dump) {
      const rel = (t: number | undefined) => (t === undefined ? null : +(t - measureFrom).toFixed(3));
      const rows = samples
        .sort((a, b) => a.t0 - b.t0)
        .map((x) => ({
          agent: x.agent,
          seq: x.seq,
          measured: x.measured,
          t0: rel(x.t0),
          wakeMs: x.t1 === undefined ? null : +(x.t1 - x.t0).toFixed(3),
          engineMs: x.engineLatencyMs === undefined ? null : +x.engineLatencyMs.toFixed(3),
          readMs:
            x.agentReadWall === undefined
              ? null
              : +(x.agentReadWall - performance.timeOrigin - x.t0).toFixed(3),
          enter: rel(x.enterAt),
          record: rel(x.recordAt),
          idle: rel(x.idleAt),
          submitted: x.submitted ?? null,
        }));
      writeFileSync(dump, JSON.stringify(rows, null, 1));
    }
    return summarize(config, samples, { from: measureFrom, to: measureTo }, unmatched);
  } finally {
    for (const t of timers) clearTimeout(t);
    if (studio) await studio.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(
  config: WakeBenchConfig,
  all: Sample[],
  window: { from: number; to: number },
  unmatchedAgents: number,
): WakeBenchResult {
  const measured = all.filter((x) => x.measured);
  const typed = measured.filter((x) => x.t1 !== undefined);
  const lat = sorted(typed.map((x) => x.t1! - x.t0));
  const engine = sorted(
    measured.filter((x) => x.engineLatencyMs !== undefined).map((x) => x.engineLatencyMs!),
  );
  const origin = performance.timeOrigin;
  const read = sorted(
    measured.filter((x) => x.agentReadWall !== undefined).map((x) => x.agentReadWall! - (origin + x.t0)),
  );
  const p50 = percentile(lat, 0.5);
  const p99 = percentile(lat, 0.99);

  // Throughput: messages whose wake was verified as submitted inside the window.
  const windowS = (window.to - window.from) / 1000;
  const delivered = all
    .filter((x) => x.submitted && x.recordAt! >= window.from && x.recordAt! < window.to)
    .reduce((n, x) => n + (x.announced ?? 1), 0);
  const notSubmitted = measured.filter((x) => x.recordAt !== undefined && !x.submitted).length;
  const notSync = typed.filter((x) => !x.sync).length;
  const notPaste = typed.filter((x) => !x.firstWrite?.startsWith(PASTE_START)).length;
  const batched = measured.filter((x) => (x.announced ?? 1) > 1).length;

  // Where an agent's cycle goes: send -> first byte -> Enter -> verified -> idle again -> next send.
  const done = measured.filter(
    (x) =>
      x.t1 !== undefined && x.enterAt !== undefined && x.recordAt !== undefined && x.idleAt !== undefined,
  );
  const toEnter = mean(done.map((x) => x.enterAt! - x.t1!));
  const toVerified = mean(done.map((x) => x.recordAt! - x.enterAt!));
  const toIdle = mean(done.map((x) => x.idleAt! - x.enterAt!));
  const bySlot = new Map<string, Sample[]>();
  for (const x of all) bySlot.set(x.agent, [...(bySlot.get(x.agent) ?? []), x]);
  const gaps: number[] = [];
  const reSend: number[] = [];
  for (const xs of bySlot.values()) {
    for (let i = 1; i < xs.length; i++) {
      const prev = xs[i - 1]!;
      const cur = xs[i]!;
      if (!cur.measured) continue;
      gaps.push(cur.t0 - prev.t0);
      const ready = Math.max(prev.recordAt ?? prev.t0, prev.idleAt ?? prev.t0);
      reSend.push(cur.t0 - ready);
    }
  }
  const cycle = mean(gaps);

  const rows: WakeBenchRow[] = [
    {
      metric: `wake latency p50: commit -> first byte into an idle recipient's PTY (${config.agents} agents)`,
      value: ms(p50, 3),
      target: `< ${TARGET_WAKE_P50_MS} ms`,
    },
    { metric: 'wake latency p99', value: ms(p99, 3), target: `< ${TARGET_WAKE_P99_MS} ms` },
    { metric: 'wake latency max', value: ms(lat[lat.length - 1], 3), target: '' },
    {
      metric: "engine's WakeRecord.typedAt p50 / p99 (send called -> the wake's first write returned)",
      value: `${ms(percentile(engine, 0.5), 3)} / ${ms(percentile(engine, 0.99), 3)}`,
      target: '',
    },
    {
      metric: 'commit -> stand-in read the paste p50 / p99 (its clock; node-pty writes off-thread)',
      value: read.length ? `${ms(percentile(read, 0.5), 3)} / ${ms(percentile(read, 0.99), 3)}` : '-',
      target: '',
    },
    {
      metric: `messages delivered end to end (send -> wake typed, Entered, verified submitted), ${config.agents} agents`,
      value: `${fmt(delivered / windowS, 1)} msg/s`,
      target: '',
    },
    {
      metric: 'per-agent cycle, mean (send -> next send to the same agent)',
      value: ms(cycle, 0),
      target: '',
    },
    {
      metric: `  first byte -> Enter (enter delay ${ENTER_DELAY_MS} ms)`,
      value: ms(toEnter, 1),
      target: '',
    },
    {
      metric: `  Enter -> submit verified (verify delay ${VERIFY_DELAY_MS} ms)`,
      value: ms(toVerified, 1),
      target: '',
    },
    {
      metric: `  Enter -> studio shows the agent idle again (busy ${config.busyMs} ms + ${PLAIN_BUSY_MS} ms quiet)`,
      value: ms(toIdle, 1),
      target: '',
    },
    { metric: '  idle again -> next send', value: ms(mean(reSend), 2), target: '' },
    {
      metric: 'samples (typed in the send call / first write a paste / not verified / batched)',
      value: `${fmt(lat.length)} (${fmt(lat.length - notSync)} / ${fmt(lat.length - notPaste)} / ${notSubmitted} / ${batched})`,
      target: '>= 200',
    },
  ];

  const checks = [
    {
      ok: lat.length > 0 && p50 < TARGET_WAKE_P50_MS,
      text: `wake latency p50 ${ms(p50, 3)} < ${TARGET_WAKE_P50_MS} ms (recipient known idle, ${config.agents} agents)`,
    },
    {
      ok: lat.length > 0 && p99 < TARGET_WAKE_P99_MS,
      text: `wake latency p99 ${ms(p99, 3)} < ${TARGET_WAKE_P99_MS} ms (recipient known idle, ${config.agents} agents)`,
    },
  ];

  const notes = [
    `Wake rows: a real studio (SQLite on disk) with ${config.agents} local agents running idleAgent.mjs, a stand-in that draws ` +
      `Claude Code's idle input box in a node-pty terminal, takes a bracketed paste and an Enter, shows a turn running for ` +
      `${config.busyMs} ms and goes idle again. A closed loop sends each agent one message from the person (bus.send) as soon ` +
      `as the studio shows it idle again with its last wake recorded; ${fmt(config.warmupMs)} ms warm-up, ` +
      `${fmt(config.durationMs)} ms measured, wake cooldown ${config.cooldownMs} ms for the run (default 3000). ` +
      `Latency runs from just before bus.send() (which commits and announces) to the first write into that PTY, ` +
      `timestamped before node-pty gets it. Throughput counts messages whose wake prompt was typed, Entered and seen ` +
      `submitted on screen within the window; each message gets its own prompt, and nothing reads the inbox. ` +
      `The command profile makes a plain session, whose state is busy until output has been quiet ${PLAIN_BUSY_MS} ms: ` +
      `that window, not the studio's work, sets the cycle` +
      (unmatchedAgents
        ? `; ${unmatchedAgents} agent(s) had paste logs that did not match the sends (read times omitted)`
        : '') +
      '.',
  ];
  return { config, rows, checks, notes };
}

export function wakeTable(rows: WakeBenchRow[]): string {
  const header = ['metric', 'value', 'target'];
  const body = rows.map((r) => [r.metric, r.value, r.target]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] as string).length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  const rule =
    '|' + widths.map((w, i) => (i === 1 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|';
  return [line(header), rule, ...body.map(line)].join('\n');
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message())), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
