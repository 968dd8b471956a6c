// The MCP conformance suite (@modelcontextprotocol/conformance, server mode, active suite, under
// Node 22) against a real studio in this process. The suite cannot send headers, so a preload adds
// the agent's bearer token to its requests. Scenarios that need the suite's own fixture tools,
// resources or prompts are listed in conformance-expected-failures.yml, with the reason per entry.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipTitle } from '../support/skipReason.js';
import { startTestStudio, type TestStudio } from '../support/studioHarness.js';
import {
  CONFORMANCE,
  CONFORMANCE_PRELOAD,
  NODE22,
  realClientsMissingReason,
  run,
  tempDir,
  toolEnv,
  type RunResult,
} from '../support/realClients.js';

const EXPECTED_FAILURES = fileURLToPath(new URL('./conformance-expected-failures.yml', import.meta.url));
const TIMEOUT = 120_000;

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | string;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

/** checks.json of each scenario, by scenario name (directories are `server-<scenario>-<timestamp>`). */
function readChecks(outDir: string): Map<string, Check[]> {
  const byScenario = new Map<string, Check[]>();
  for (const dir of readdirSync(outDir)) {
    const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(dir);
    if (!m?.[1]) continue;
    byScenario.set(m[1], JSON.parse(readFileSync(join(outDir, dir, 'checks.json'), 'utf8')) as Check[]);
  }
  return byScenario;
}

/** Scenario names listed in the expected-failures file (`  - name` lines under `server:`). */
function listedScenarios(): string[] {
  return readFileSync(EXPECTED_FAILURES, 'utf8')
    .split('\n')
    .map((l) => /^\s+-\s+([\w-]+)\s*$/.exec(l)?.[1])
    .filter((s): s is string => !!s);
}

const SUITE = skipTitle(
  'MCP conformance suite (server, active suite) against the studio',
  realClientsMissingReason,
);
describe.skipIf(realClientsMissingReason)(SUITE, () => {
  let ts: TestStudio;
  let outDir: string;
  let home: string;
  let result: RunResult;
  let checks: Map<string, Check[]>;
  const log = () => `exit ${result.code}\n${result.stdout}\n${result.stderr}`;
  const scenario = (name: string): Check[] => {
    const c = checks.get(name);
    if (!c)
      throw new Error(
        `no checks.json for ${name}; scenarios seen: ${[...checks.keys()].join(', ')}\n${log()}`,
      );
    return c;
  };

  beforeAll(async () => {
    ts = await startTestStudio();
    const token = ts.addAgent('conformance');
    outDir = tempDir('ccstudio-conformance-out-');
    home = tempDir('ccstudio-conformance-home-');
    result = await run(
      NODE22,
      [
        '--import',
        CONFORMANCE_PRELOAD,
        CONFORMANCE,
        'server',
        '--url',
        ts.http.url,
        '--expected-failures',
        EXPECTED_FAILURES,
        '-o',
        outDir,
      ],
      { env: toolEnv(home, { MCP_CONFORMANCE_BEARER: token }), cwd: outDir, timeoutMs: 110_000 },
    );
    checks = readChecks(outDir);
  }, TIMEOUT);

  afterAll(async () => {
    await ts?.close();
    for (const d of [outDir, home]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('fails nothing beyond the expected-failures baseline, and the baseline is not stale (exit 0)', () => {
    expect(result.code, log()).toBe(0);
    expect(result.stdout).toContain('Baseline check passed');
  });

  it('ran every active scenario, including each one listed as expected to fail', () => {
    const listed = listedScenarios();
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) {
      const c = scenario(name);
      expect(
        c.some((x) => x.status === 'FAILURE' || x.status === 'WARNING'),
        `${name} is listed as an expected failure; its checks: ${JSON.stringify(c)}`,
      ).toBe(true);
    }
    expect(checks.size, [...checks.keys()].join(', ')).toBe(30);
  });

  it('dns-rebinding-protection really passed: a foreign Host/Origin is refused (403), localhost is accepted', () => {
    const c = scenario('dns-rebinding-protection');
    const byId = new Map(c.map((x) => [x.id, x]));
    expect(byId.get('localhost-host-rebinding-rejected')?.status, JSON.stringify(c)).toBe('SUCCESS');
    expect(byId.get('localhost-host-valid-accepted')?.status, JSON.stringify(c)).toBe('SUCCESS');
    // The rejected request carried a valid token (preload), so only the Host/Origin check can refuse it.
    expect(byId.get('localhost-host-rebinding-rejected')?.details?.statusCode).toBe(403);
    expect(byId.get('localhost-host-valid-accepted')?.details?.statusCode).toBe(200);
    expect(c).toHaveLength(2);
  });

  it.each(['server-initialize', 'ping', 'tools-list'])('%s passed', (name) => {
    const c = scenario(name);
    expect(c.length).toBeGreaterThan(0);
    for (const x of c) expect(x.status, `${name}: ${JSON.stringify(x)}`).toBe('SUCCESS');
  });

  it('tools-call-simple-text and tools-call-error still pass only because the fixture tool is unknown (known false passes)', () => {
    for (const name of ['tools-call-simple-text', 'tools-call-error']) {
      const [c] = scenario(name);
      expect(c?.status).toBe('SUCCESS');
      const res = c?.details?.result as { isError?: boolean; content?: Array<{ text?: string }> } | undefined;
      expect(res?.isError, `${name}: ${JSON.stringify(c)}`).toBe(true);
      expect(res?.content?.[0]?.text).toMatch(/not found/i);
    }
  });
});

// The suite's rebinding scenario sends a valid token, so it cannot tell whether Host/Origin are
// checked before or after auth. These raw requests can.
describe('Host and Origin are checked before the bearer token', () => {
  let ts: TestStudio;
  let token: string;

  beforeAll(async () => {
    ts = await startTestStudio({ onDisk: false });
    token = ts.addAgent('alice');
  });
  afterAll(async () => {
    await ts?.close();
  });

  const initialize = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });

  function post(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: ts.http.port,
          path,
          method: path === '/sse' ? 'GET' : 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...headers,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(path === '/sse' ? undefined : initialize);
    });
  }

  const good = () => `127.0.0.1:${ts.http.port}`;

  it.each([
    ['foreign Host, no token', '/mcp', () => ({ host: 'evil.example.com' })],
    [
      'foreign Host, valid token',
      '/mcp',
      () => ({ host: 'evil.example.com', authorization: `Bearer ${token}` }),
    ],
    ['foreign Origin, no token', '/mcp', () => ({ host: good(), origin: 'http://evil.example.com' })],
    [
      'foreign Origin, valid token',
      '/mcp',
      () => ({ host: good(), origin: 'http://evil.example.com', authorization: `Bearer ${token}` }),
    ],
    [
      'foreign Host on legacy /sse, valid token',
      '/sse',
      () => ({ host: 'evil.example.com:80', authorization: `Bearer ${token}` }),
    ],
    ['foreign Host on /messages, no token', '/messages?sessionId=x', () => ({ host: 'evil.example.com' })],
  ] as const)('%s: 403, no session', async (_label, path, headers) => {
    const before = ts.http.sessionCount();
    const res = await post(path, headers());
    expect(res.status, res.body).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).toMatch(/not allowed/);
    expect(ts.http.sessionCount()).toBe(before);
  });

  it('a localhost Host and Origin without a token get 401 with a Bearer challenge', async () => {
    const res = await post('/mcp', {
      host: `localhost:${ts.http.port}`,
      origin: `http://localhost:${ts.http.port}`,
    });
    expect(res.status, res.body).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer /);
  });

  it('a localhost Host and Origin with the token initialize a session', async () => {
    const res = await post('/mcp', {
      host: good(),
      origin: `http://${good()}`,
      authorization: `Bearer ${token}`,
    });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['mcp-session-id']).toBeTruthy();
    expect(JSON.parse(res.body)).toMatchObject({ id: 1, result: { serverInfo: { name: 'studio' } } });
  });
});
