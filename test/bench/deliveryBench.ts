// The delivery figure of `npm run bench`: mail that arrives while an agent is busy, from the end
// of its turn to the model request that carries the notice. `BENCH_ONLY=delivery npm run bench`.
//
// The real Claude Code (pinned in test/tools) runs one agent against the model stub. Each round
// the person sends "work N"; the agent reads it and its model thinks for BUSY_MS, during which the
// person sends "note N". The turn ends when the stub has sent the last byte of its answer (T0);
// the figure is the time until the stub receives the request whose context carries the studio's
// notice (T1). Two ways in the same run: the Stop hook's block (what the studio does), and, as the
// baseline, the way before it: wait for the agent to be idle, then type the notice.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as nodePty from 'node-pty';
import { claudeStubEnv, seedClaudeHome } from '../support/claudeEnv.js';
import { CLAUDE_BIN, claudeMissingReason, startClaudeCrew, waitFor } from '../support/claudeHarness.js';
import { startModelStub, type StubReply, type StubRequest } from '../support/modelStub.js';
import { percentile } from './stats.js';

export const TARGET_TURN_END_P50_MS = 50;
/** The studio's own part of a turn-end delivery: its hook answer and its HTTP server. */
const FLOOR_MARGIN_MS = 10;
/** The model's busy stretch in each round: long enough for the note to arrive during it. */
const BUSY_MS = 600;

export interface DeliveryBenchResult {
  rows: Array<{ what: string; n: number; p50: number; p95: number; max: number }>;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

function inboxTexts(req: StubRequest): string[] | undefined {
  const last = req.toolResults.at(-1);
  if (!last?.text.startsWith('{"messages"')) return undefined;
  return (JSON.parse(last.text) as { messages: Array<{ text: string }> }).messages.map((m) => m.text);
}

function script(req: StubRequest): StubReply {
  const texts = inboxTexts(req);
  if (texts?.some((t) => t.startsWith('work'))) return { text: 'Working on it.', delayMs: BUSY_MS };
  if (texts) return { text: 'Noted.' };
  if (req.toolResults.length) return { text: 'Done.' };
  if (req.prompt.startsWith('[studio]') || req.notices.length)
    return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
  return { text: 'Ready.' };
}

export async function runDeliveryBench(
  rounds: number,
  log: (line: string) => void,
): Promise<DeliveryBenchResult | undefined> {
  if (claudeMissingReason) {
    log(`skipped: ${claudeMissingReason}`);
    return undefined;
  }
  const crew = await startClaudeCrew([{ name: 'bob' }], script);
  try {
    const bob = crew.agent('bob');
    // When each Stop hook reached the studio, and how long the studio took to answer it.
    const stops: Array<{ at: number; took: number }> = [];
    const answer = crew.studio.answerHook.bind(crew.studio);
    (crew.studio as { answerHook: typeof answer }).answerHook = (agent, payload) => {
      const at = performance.now();
      const out = answer(agent, payload);
      if (payload.hook_event_name === 'Stop') stops.push({ at, took: performance.now() - at });
      return out;
    };
    const measure = async (label: string): Promise<number[]> => {
      const gaps: number[] = [];
      const split: Array<{ toHook: number; studio: number; after: number }> = [];
      for (let i = 0; i < rounds; i++) {
        await waitFor(
          'bob idle',
          () => crew.agent('bob').state === 'idle' && crew.studio.bus.unreadCount(bob.id) === 0,
        );
        const before = crew.stub.requests.length;
        await crew.studio.service.sendMessage({ to: 'bob', body: `work ${label} ${i}` });
        const busy = await waitFor('the busy answer to start', () =>
          crew.stub.requests.slice(before).find((r) => inboxTexts(r)?.some((t) => t.startsWith('work'))),
        );
        await crew.studio.service.sendMessage({ to: 'bob', body: `note ${label} ${i}` });
        const ended = await waitFor('the busy turn to end', () => busy.answeredAt);
        const carried = await waitFor('the notice to reach the model', () =>
          crew.stub.requests
            .slice(before)
            .find((r) => r !== busy && r.notices.length && (r.receivedAt ?? 0) > ended),
        );
        gaps.push(carried.receivedAt! - ended);
        const stop = stops.find((s) => s.at > ended && s.at < carried.receivedAt!);
        if (stop)
          split.push({
            toHook: stop.at - ended,
            studio: stop.took,
            after: carried.receivedAt! - stop.at - stop.took,
          });
        await waitFor('bob to read the note', () => crew.studio.bus.unreadCount(bob.id) === 0);
      }
      if (split.length) {
        const med = (xs: number[]) =>
          percentile(
            [...xs].sort((a, b) => a - b),
            0.5,
          );
        log(
          `${label}: answer's end -> Stop hook at the studio p50 ${med(split.map((x) => x.toHook)).toFixed(1)} ms; ` +
            `the studio's answer ${med(split.map((x) => x.studio)).toFixed(2)} ms; ` +
            `its answer -> the next request ${med(split.map((x) => x.after)).toFixed(1)} ms`,
        );
      }
      return gaps.sort((a, b) => a - b);
    };
    log(`${rounds} rounds through the Stop hook ...`);
    const hook = await measure('hook');
    // The baseline: no block at the turn's end, so the notice waits to be typed at the prompt.
    const atTurnEnd = crew.studio.wake.atTurnEnd.bind(crew.studio.wake);
    crew.studio.wake.atTurnEnd = () => undefined;
    log(`${rounds} rounds typed once idle (the baseline) ...`);
    const typed = await measure('typed');
    crew.studio.wake.atTurnEnd = atTurnEnd;
    log(`${rounds} rounds of the CLI alone, its Stop hook answered at once by a bare server (the floor) ...`);
    const floor = await cliFloor(rounds);
    const row = (what: string, xs: number[]) => ({
      what,
      n: xs.length,
      p50: percentile(xs, 0.5),
      p95: percentile(xs, 0.95),
      max: xs[xs.length - 1] ?? 0,
    });
    const rows = [
      row(`at the turn's end, Stop hook (Claude Code ${crew.agent('bob').cliVersion}, http hooks)`, hook),
      row('typed once idle (the way before)', typed),
      row("the CLI alone, a bare hook server blocking at once (the CLI's floor)", floor),
    ];
    const p50 = rows[0]!.p50;
    const floorP50 = rows[2]!.p50;
    return {
      rows,
      checks: [
        {
          ok: p50 < TARGET_TURN_END_P50_MS,
          text: `turn-end delivery p50 ${p50.toFixed(1)} ms < ${TARGET_TURN_END_P50_MS} ms (typed once idle: p50 ${rows[1]!.p50.toFixed(0)} ms)`,
        },
        {
          ok: p50 - floorP50 < FLOOR_MARGIN_MS,
          text: `the studio adds under ${FLOOR_MARGIN_MS} ms to the CLI's own floor at p50 (${p50.toFixed(1)} vs ${floorP50.toFixed(1)} ms)`,
        },
      ],
      notes: [
        '## Delivery to a busy agent',
        '',
        `The real Claude Code and the model stub; mail arrives while the model thinks (${BUSY_MS} ms). ` +
          "From the last byte of the turn's final answer to the model request that carries the notice.",
      ],
    };
  } finally {
    await crew.close();
  }
}

/**
 * The CLI's own floor, in the same run: the same Claude Code with no studio at all, its Stop hook
 * an http hook to a bare server that answers a block at once. Each round a prompt is typed, the
 * model thinks for BUSY_MS, and the gap is measured the same way.
 */
async function cliFloor(rounds: number): Promise<number[]> {
  const stub = await startModelStub((req) => {
    if (req.notices.length) return { text: 'Noted.' };
    return { text: 'Working on it.', delayMs: BUSY_MS };
  });
  let blocked = false;
  const hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const p = JSON.parse(body || '{}') as { hook_event_name?: string; stop_hook_active?: boolean };
      const block = p.hook_event_name === 'Stop' && !p.stop_hook_active;
      if (block) blocked = true;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          block
            ? JSON.stringify({ decision: 'block', reason: '[studio] You have 1 new message from user.' })
            : '{}',
        );
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const home = mkdtempSync(join(tmpdir(), 'ccstudio-bench-floor-home-'));
  const work = mkdtempSync(join(tmpdir(), 'ccstudio-bench-floor-work-'));
  seedClaudeHome(home, [work]);
  const hook = [
    {
      hooks: [
        { type: 'http', url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/`, timeout: 10 },
      ],
    },
  ];
  const settings = join(home, 'settings.json');
  writeFileSync(settings, JSON.stringify({ hooks: { Stop: hook } }));
  const env = { ...process.env, ...claudeStubEnv(home, stub.url), ENABLE_TOOL_SEARCH: 'false' } as Record<
    string,
    string
  >;
  delete env.CLAUDECODE;
  const pty = nodePty.spawn(CLAUDE_BIN, ['--settings', settings], { cwd: work, env, cols: 120, rows: 36 });
  let screen = '';
  pty.onData((d) => (screen = (screen + d).slice(-4000)));
  const gaps: number[] = [];
  try {
    await waitFor(
      'the floor CLI to start',
      () => /for shortcuts|auto mode on|manual mode on/.test(screen),
      60_000,
    );
    for (let i = 0; i < rounds; i++) {
      const before = stub.requests.length;
      blocked = false;
      pty.write(`work ${i}`);
      await new Promise((r) => setTimeout(r, 300));
      pty.write('\r');
      const busy = await waitFor('the busy answer', () =>
        stub.requests.slice(before).find((r) => !r.side && !r.notices.length),
      );
      const ended = await waitFor('the busy turn to end', () => busy.answeredAt);
      const carried = await waitFor('the block to reach the model', () =>
        stub.requests.slice(before).find((r) => r.notices.length && (r.receivedAt ?? 0) > ended),
      );
      gaps.push(carried.receivedAt! - ended);
      await waitFor('the round to end', () => blocked && carried.answeredAt !== undefined);
      await new Promise((r) => setTimeout(r, 1500));
    }
  } finally {
    pty.kill();
    await stub.close();
    await new Promise<void>((r) => hooks.close(() => r()));
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  return gaps.sort((a, b) => a - b);
}

export function deliveryTable(result: DeliveryBenchResult): string {
  const head = '| delivery to a busy agent | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|';
  const body = result.rows
    .map((r) => `| ${r.what} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`)
    .join('\n');
  return `${head}\n${body}`;
}
