// The bench's load generator, run as a child process (child_process.fork) so its event loop and
// CPU are not the server's. It opens N SDK client sessions, each looping tool calls back to back
// (send_message, check_inbox, send_message, ...), and reports what it measured over IPC.
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { nodeFetch } from './nodeFetch.js';
import { openRawSession } from './rawHttpClient.js';
import {
  BARE_TOOL,
  type ChildToParent,
  type LoadConfig,
  type LoadResult,
  type ParentToChild,
  type SessionPlan,
} from './protocol.js';
import { percentile } from './stats.js';

function send(message: ChildToParent): void {
  process.send?.(message);
}

function transportFor(config: LoadConfig, token: string): Transport {
  // The SSE transport adds requestInit's headers to its EventSource request too.
  const options = {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    ...(config.clientFetch === 'node' ? { fetch: nodeFetch } : {}),
  };
  return config.transport === 'http'
    ? new StreamableHTTPClientTransport(new URL(config.url), options)
    : new SSEClientTransport(new URL(config.url), options);
}

interface Call {
  name: string;
  arguments: Record<string, unknown>;
}

/** The two calls a session alternates: a write (send_message) and a read (check_inbox). */
function callsFor(config: LoadConfig, plan: SessionPlan): [Call, Call] {
  if (config.server === 'bare') {
    return [
      { name: BARE_TOOL, arguments: { to: plan.peer, text: config.text } },
      { name: BARE_TOOL, arguments: {} },
    ];
  }
  return [
    { name: 'send_message', arguments: { to: plan.peer, text: config.text } },
    { name: 'check_inbox', arguments: {} },
  ];
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const useRaw = config.transport === 'http' && config.client === 'raw';
  const clients = await Promise.all(
    config.sessions.map(async (plan) => {
      if (useRaw) {
        const raw = await openRawSession(config.url, plan.token);
        return {
          client: {
            callTool: (c: Call) =>
              raw
                .call(c.name, c.arguments)
                .then((r) => ({ isError: r.isError, content: [{ text: r.text }] })),
            close: () => raw.close(),
          },
          plan,
        };
      }
      const client = new Client({ name: 'ccstudio-bench', version: '1.0.0' });
      await client.connect(transportFor(config, plan.token));
      return { client, plan };
    }),
  );
  send({ type: 'connected' });

  const t0 = performance.now();
  const startAt = t0 + config.warmupMs;
  const endAt = startAt + config.durationMs;
  const latencies: number[] = [];
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  let cpuStart: NodeJS.CpuUsage | undefined;
  let cpuEnd: NodeJS.CpuUsage | undefined;
  // The parent samples its own CPU between these marks. Each is sent once, by its timer or, if the
  // last call finishes before a late timer fires, right after the loops.
  const markStart = (): void => {
    if (cpuStart) return;
    cpuStart = process.cpuUsage();
    send({ type: 'mark', phase: 'start' });
  };
  const markEnd = (): void => {
    if (cpuEnd) return;
    markStart();
    cpuEnd = process.cpuUsage(cpuStart);
    send({ type: 'mark', phase: 'end' });
  };
  const startTimer = setTimeout(markStart, config.warmupMs);
  const endTimer = setTimeout(markEnd, config.warmupMs + config.durationMs);

  await Promise.all(
    clients.map(async ({ client, plan }) => {
      const [a, b] = callsFor(config, plan);
      let i = 0;
      for (;;) {
        const began = performance.now();
        if (began >= endAt) break;
        try {
          const res = (await client.callTool(i++ % 2 === 0 ? a : b)) as {
            isError?: boolean;
            content?: Array<{ text?: string }>;
          };
          if (res.isError) throw new Error(res.content?.map((c) => c.text ?? '').join('') || 'tool error');
        } catch (err) {
          errors++;
          firstError ??= String(err);
          if (errors > 100) throw new Error(`too many failed calls; first: ${firstError}`);
          continue;
        }
        const done = performance.now();
        if (done >= startAt && done < endAt) {
          calls++;
          latencies.push(done - began);
        }
      }
    }),
  );
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  markEnd();
  const cpu = cpuEnd ?? process.cpuUsage(cpuStart);

  latencies.sort((x, y) => x - y);
  const sum = latencies.reduce((s, x) => s + x, 0);
  const result: LoadResult = {
    calls,
    windowMs: config.durationMs,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    mean: latencies.length ? sum / latencies.length : 0,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    clientCpu: (cpu.user + cpu.system) / 1000 / config.durationMs,
  };
  await Promise.allSettled(clients.map(({ client }) => client.close()));
  return result;
}

process.on('message', (message: ParentToChild) => {
  if (message.type !== 'run') return;
  run(message.config).then(
    (result) => {
      send({ type: 'result', result });
      process.disconnect?.();
    },
    (err: unknown) => {
      send({ type: 'fatal', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.disconnect?.();
    },
  );
});
