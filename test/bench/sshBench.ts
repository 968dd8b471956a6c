// The SSH figures of `npm run bench`: how long 16 agents take to start on one remote host, and how
// soon a wake reaches an agent there compared with one on this machine. `BENCH_ONLY=ssh npm run
// bench` runs only this part. Needs root and Debian's openssh-server (the tests' throwaway sshd on
// loopback, test/support/sshd.ts); says why and skips otherwise.
//
// One studio (SQLite on disk, its listener on 127.0.0.1) runs N agents here and N on the "remote"
// (sshd's account, reached through the real ssh client over the studio's shared connections). Both
// run the same stand-in as their Claude Code: idleAgent.mjs behind a wrapper that answers
// `--version` like the CLI, so the studio treats both alike; only the path between differs.
//
//   start       the wall time from asking for all N starts at once to all N idle: here, and on
//               the remote (connecting, the setup round trips, the terminals over SSH).
//   wake        t0 = just before bus.send() to an idle agent; t1 = when the agent's process read
//               the wake's first byte (its own clock: performance.timeOrigin + now(), the same
//               machine). One message at a time, agents in turn, local and remote interleaved.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as nodePty from 'node-pty';
import { createStudioWithParts } from '../support/studioParts.js';
import { listen, serveStudio } from '../../server/httpServer.js';
import { REMOTE_ALIAS, sshdMissingReason, startSshd, type Sshd } from '../support/sshd.js';
import { waitFor } from '../support/waitFor.js';
import { percentile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/test/bench -> repository root; the stand-in is plain JavaScript, run from the source tree. */
const root = resolve(here, '..', '..', '..');
const IDLE_AGENT = join(root, 'test', 'bench', 'idleAgent.mjs');

/** The target: a wake over the tunnel within this of the local one, at p50. */
export const TARGET_TUNNEL_EXTRA_P50_MS = 2;
/** Wakes per agent, after one warm-up each. */
const WAKES_PER_AGENT = 6;
/** The studio's wake cooldown for this run (the default 3 s would make it long). */
const COOLDOWN_MS = 100;

export interface SshBenchResult {
  rows: Array<{ what: string; p50: number; p95: number; max: number; n: number }>;
  agents: number;
  startLocalMs: number;
  startRemoteMs: number;
  connections: number;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

/** The stand-in as a `claude`: answers --version as Claude Code does, then runs idleAgent.mjs. */
function wrapper(file: string, agentScript: string, logDir: string): void {
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      'if [ "$1" = --version ]; then echo "2.1.330 (Claude Code)"; exit 0; fi',
      `exec /usr/bin/node ${agentScript} --busy-ms 20 --log "${logDir}/$STUDIO_AGENT.log"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

const logLines = (file: string): number[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

export async function runSshBench(
  agents: number,
  log: (line: string) => void,
): Promise<SshBenchResult | undefined> {
  if (sshdMissingReason) {
    log(`skipped: ${sshdMissingReason}`);
    return undefined;
  }
  const local = mkdtempSync(join(tmpdir(), 'ccstudio-bench-ssh-'));
  let sshd: Sshd | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    // On loopback, as the target is stated (a namespace's link would add its own hop).
    sshd = await startSshd({ PATH: '/usr/local/bin:/usr/bin:/bin' }, { network: 'shared' });
    // The stand-in on both sides, each side's copy where its user can run it.
    wrapper(join(local, 'claude'), IDLE_AGENT, local);
    copyFileSync(IDLE_AGENT, join(sshd.remoteDir, 'idleAgent.mjs'));
    wrapper(join(sshd.remoteDir, 'claude'), join(sshd.remoteDir, 'idleAgent.mjs'), sshd.remoteDir);
    sshd.asRemote(['test', '-x', join(sshd.remoteDir, 'claude')]);

    const listener = await listen({ port: 0 });
    const s = createStudioWithParts({
      dataDir: join(local, 'data'),
      urls: listener.urls,
      terminals: {
        spawnPty: (file, args, options) => nodePty.spawn(file, args, options),
        hookCommand: 'true',
        claudeCommand: join(local, 'claude'),
        sshCommand: sshd.sshCommand,
        baseEnv: { ...process.env, HOME: local },
        wakeCooldownMs: COOLDOWN_MS,
      },
    });
    const http = serveStudio(listener, { studio: s, adminToken: 'bench-admin' });
    close = async () => {
      await http.close();
      await s.close();
    };
    const here = Array.from({ length: agents }, (_, i) => `here-${i}`);
    const there = Array.from({ length: agents }, (_, i) => `there-${i}`);
    for (const name of here) await s.service.addAgent({ name, cwd: local });
    for (const name of there)
      await s.service.addAgent({
        name,
        cwd: sshd.remoteDir,
        ssh: { dest: REMOTE_ALIAS, command: join(sshd.remoteDir, 'claude') },
      });
    const idle = (names: string[]) => names.every((n) => s.agents.require(n).state === 'idle');

    log(`starting ${agents} agents here ...`);
    let t = performance.now();
    await Promise.all(here.map((n) => s.service.startAgent(n)));
    await waitFor('local agents idle', () => idle(here), { timeoutMs: 60_000 });
    const startLocalMs = performance.now() - t;
    log(`starting ${agents} agents on ${REMOTE_ALIAS} ...`);
    t = performance.now();
    await Promise.all(there.map((n) => s.service.startAgent(n)));
    await waitFor('remote agents idle', () => idle(there), { timeoutMs: 120_000 });
    const startRemoteMs = performance.now() - t;
    const connections = sshd.connectionCount();

    const logOf = (name: string) =>
      name.startsWith('here') ? join(local, `${name}.log`) : join(sshd!.remoteDir, `${name}.log`);
    const samples: Record<'here' | 'there', number[]> = { here: [], there: [] };
    log(`waking each agent ${WAKES_PER_AGENT + 1} times, one message at a time ...`);
    const lastSent = new Map<string, number>();
    for (let round = 0; round <= WAKES_PER_AGENT; round++) {
      for (let i = 0; i < agents; i++) {
        for (const name of [here[i]!, there[i]!]) {
          const id = s.agents.require(name).id;
          const sentAt = lastSent.get(name);
          // Its last wake typed and recorded (verified), out of cooldown, at its prompt again.
          await waitFor(
            `${name} ready for a wake`,
            () => {
              const last = s.wake.recentWakes().findLast((w) => w.agentId === id);
              const recorded = sentAt === undefined || (!!last && last.typedAt >= sentAt);
              return (
                recorded &&
                s.agents.require(name).state === 'idle' &&
                (!last || performance.now() - last.typedAt > COOLDOWN_MS + 50)
              );
            },
            { timeoutMs: 30_000 },
          );
          const before = logLines(logOf(name)).length;
          lastSent.set(name, performance.now());
          const t0 = performance.timeOrigin + performance.now();
          s.bus.send(s.agents.person, name, `round ${round}`);
          const t1 = await waitFor(`${name} to read its wake`, () => logLines(logOf(name))[before], {
            timeoutMs: 30_000,
            everyMs: 2,
          });
          if (round > 0) samples[name.startsWith('here') ? 'here' : 'there'].push(t1 - t0);
        }
      }
    }
    const row = (what: string, xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return {
        what,
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        max: sorted.at(-1) ?? 0,
        n: xs.length,
      };
    };
    const rows = [
      row('wake, agent here', samples.here),
      row(`wake, agent on ${REMOTE_ALIAS} (SSH)`, samples.there),
    ];
    const extra = rows[1]!.p50 - rows[0]!.p50;
    return {
      rows,
      agents,
      startLocalMs,
      startRemoteMs,
      connections,
      checks: [
        {
          ok: extra <= TARGET_TUNNEL_EXTRA_P50_MS,
          text: `wake over SSH p50 ${rows[1]!.p50.toFixed(2)} ms is within ${TARGET_TUNNEL_EXTRA_P50_MS} ms of here (${rows[0]!.p50.toFixed(2)} ms; +${extra.toFixed(2)} ms)`,
        },
      ],
      notes: [
        `SSH: ${agents} agents started here in ${(startLocalMs / 1000).toFixed(2)} s and on ${REMOTE_ALIAS} in ` +
          `${(startRemoteMs / 1000).toFixed(2)} s, over ${connections} SSH connection(s) (sshd's MaxSessions 10).`,
      ],
    };
  } finally {
    await close?.();
    await sshd?.close();
    rmSync(local, { recursive: true, force: true });
  }
}

export function sshTable(r: SshBenchResult): string {
  const lines = [
    '| what | p50 ms | p95 ms | max ms | n |',
    '|---|---:|---:|---:|---:|',
    ...r.rows.map(
      (x) => `| ${x.what} | ${x.p50.toFixed(2)} | ${x.p95.toFixed(2)} | ${x.max.toFixed(2)} | ${x.n} |`,
    ),
    `| start ${r.agents} agents here (wall) | ${r.startLocalMs.toFixed(0)} | | | 1 |`,
    `| start ${r.agents} agents on one remote host (wall, ${r.connections} SSH connections) | ${r.startRemoteMs.toFixed(0)} | | | 1 |`,
  ];
  return lines.join('\n');
}
