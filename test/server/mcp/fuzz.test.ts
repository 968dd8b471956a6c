// Throws random and hostile arguments at every tool over a real connection, then checks that
// every call was refused and the database is byte-for-byte what it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { dumpDatabase, startTestStudio, type TestStudio } from '../../support/studioHarness.js';
import { INITIALIZE, MCP_HEADERS, rawRequest } from '../../support/rawHttp.js';

interface PropSchema {
  type?: string | string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  items?: PropSchema;
  anyOf?: PropSchema[];
}
interface ToolSchema {
  name: string;
  inputSchema: { properties?: Record<string, PropSchema>; required?: string[] };
}

/** Deterministic PRNG so a failure can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_TEXT = [
  '\u001b[2J\u001b[H',
  '\u001b[201~\r\n/exit\r',
  '\u0003\u0003',
  "'; DROP TABLE messages; --",
  '\u0000nul',
  '../../../../etc/passwd',
  '{"__proto__":{"polluted":true}}',
  '\ud800 lone surrogate',
  'ghost\u202e',
  '🦀'.repeat(10),
];

function types(s: PropSchema): string[] {
  if (s.anyOf) return s.anyOf.flatMap(types);
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A value that this property's schema or the studio's rules must refuse. */
function invalidFor(name: string, s: PropSchema, rnd: () => number): unknown {
  const allowed = types(s);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const wrongTypes: unknown[] = [];
  if (!allowed.includes('string')) wrongTypes.push(pick(HOSTILE_TEXT));
  if (!allowed.includes('number') && !allowed.includes('integer')) wrongTypes.push(Math.floor(rnd() * 1e6));
  if (!allowed.includes('boolean')) wrongTypes.push(true);
  if (!allowed.includes('object')) wrongTypes.push({ $gt: '', nested: { deep: [1, 2, 3] } });
  if (!allowed.includes('array')) wrongTypes.push([pick(HOSTILE_TEXT)]);
  if (!allowed.includes('null')) wrongTypes.push(null);
  const ruleBreakers: unknown[] = [];
  const str =
    s.anyOf?.find((x) => types(x).includes('string')) ?? (allowed.includes('string') ? s : undefined);
  if (str?.enum) ruleBreakers.push(`${pick(['done!', 'DONE', 'urgent\n', 'asap'])}${pick(HOSTILE_TEXT)}`);
  if (str?.maxLength) ruleBreakers.push(pick(HOSTILE_TEXT).padEnd(str.maxLength + 1, 'x'));
  if (str?.minLength) ruleBreakers.push('');
  if (allowed.includes('integer')) ruleBreakers.push(pick([-1, 0, 1.5, 2 ** 53 + 2]), pick(['1', '1e3']));
  if (allowed.includes('array')) ruleBreakers.push([pick(HOSTILE_TEXT)], 'not-an-array');
  // Valid shape, but names or ids that do not exist.
  if (['to', 'with', 'assignee'].includes(name)) ruleBreakers.push(`ghost${Math.floor(rnd() * 1e6)}`);
  if (['task_id', 'reply_to', 'before_id'].includes(name) && name !== 'before_id')
    ruleBreakers.push(900_000 + Math.floor(rnd() * 1000));
  if (name === 'text')
    ruleBreakers.push(
      pick(HOSTILE_TEXT)
        .repeat(7000)
        .padEnd(64 * 1024 + 1, '\u0007'),
    );
  return pick([...wrongTypes, ...ruleBreakers]);
}

/** A value the schema accepts, often hostile text, so the invalid field is what must stop the call. */
function validish(name: string, s: PropSchema, rnd: () => number): unknown {
  const t = types(s);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const str = s.anyOf?.find((x) => types(x).includes('string')) ?? s;
  if (str.enum) return pick(str.enum);
  if (['to', 'with', 'assignee'].includes(name)) return pick(['bob', 'user']);
  if (name === 'topic') return 'builds';
  if (t.includes('string')) return pick(HOSTILE_TEXT).slice(0, str.maxLength ?? 1000) || 'x';
  if (t.includes('integer') || t.includes('number')) return name === 'limit' ? 5 : 1;
  if (t.includes('boolean')) return rnd() < 0.5;
  if (t.includes('array')) return [];
  return null;
}

let t: TestStudio;
let client: Client;
let tools: ToolSchema[];
beforeAll(async () => {
  t = await startTestStudio();
  const token = t.addAgent('alice');
  t.addAgent('bob');
  // Some state to protect: a message, a task, a subscription.
  const bob = t.studio.agents.require('bob');
  t.studio.bus.send(bob, 'alice', 'existing mail');
  t.studio.board.create(bob, { title: 'existing task', assignee: 'alice' });
  t.studio.bus.subscribe(bob, 'builds');
  client = await t.connect(token);
  tools = (await client.listTools()).tools as unknown as ToolSchema[];
});
afterAll(() => t.close());

const dump = () => dumpDatabase(t.studio.db);

describe('fuzz: hostile arguments change nothing', () => {
  it('refuses every mutated call on every tool and leaves the database unchanged', async () => {
    const before = dump();
    const SEED = 20261121;
    const rnd = mulberry32(SEED);
    const CASES_PER_TOOL = 40;
    const accepted: string[] = [];
    let calls = 0;
    for (const tool of tools) {
      const props = Object.entries(tool.inputSchema.properties ?? {});
      for (let i = 0; i < CASES_PER_TOOL; i++) {
        const args: Record<string, unknown> = {};
        for (const [name, schema] of props) if (rnd() < 0.6) args[name] = validish(name, schema, rnd);
        // At least one field is made invalid; tools without fields get an unknown key.
        const mode = rnd();
        if (props.length && mode < 0.85) {
          const [name, schema] = props[Math.floor(rnd() * props.length)]!;
          args[name] = invalidFor(name, schema, rnd);
        } else {
          args[rnd() < 0.5 ? 'from' : `x${Math.floor(rnd() * 100)}`] =
            HOSTILE_TEXT[Math.floor(rnd() * HOSTILE_TEXT.length)];
        }
        // A missing required field is also a refusal; keep required ones only sometimes.
        if (tool.inputSchema.required?.length && rnd() < 0.15) delete args[tool.inputSchema.required[0]!];
        calls++;
        const res = (await client.callTool({ name: tool.name, arguments: args }).catch((e: Error) => ({
          isError: true,
          content: [{ text: e.message }],
        }))) as { isError?: boolean; content: Array<{ text?: string }> };
        if (!res.isError) accepted.push(`${tool.name} ${JSON.stringify(args).slice(0, 200)}`);
        else expect(res.content[0]?.text ?? '').not.toMatch(/failed to run/); // a refusal, never a crash
      }
    }
    expect(accepted).toEqual([]);
    expect(calls).toBe(tools.length * CASES_PER_TOOL);
    expect(dump()).toBe(before);
  });

  it('refuses malformed JSON-RPC shapes and stays up', async () => {
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${t.studio.agents.rotateToken('bob')}` };
    const before = dump();
    const init = await rawRequest(t.http.url, { body: INITIALIZE, headers });
    const session = {
      ...headers,
      'mcp-session-id': init.headers['mcp-session-id'] as string,
      'mcp-protocol-version': '2025-06-18',
    };
    await rawRequest(t.http.url, {
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      headers: session,
    });
    const bodies = [
      '[]',
      'null',
      '"tools/call"',
      '{"jsonrpc":"1.0","id":1,"method":"tools/call"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"send_message"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_message","arguments":"to=alice"}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_message","arguments":[1,2]}}',
      '{"jsonrpc":"2.0","id":{"x":1},"method":"tools/call","params":{"name":"heartbeat"}}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"$ne":1}}}',
      '{"jsonrpc":"2.0","id":1,"method":"no/such/method"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_message","arguments":{"to":"alice","text":"x","__proto__":{"admin":true}}}}',
      '\u0000\u0001\u0002',
    ];
    for (const body of bodies) {
      const res = await rawRequest(t.http.url, { body, headers: session });
      const ok = res.status >= 400 || /"error"|"isError":true/.test(res.body);
      expect(ok, `${body} -> ${res.status} ${res.body.slice(0, 200)}`).toBe(true);
    }
    expect(dump()).toBe(before);
    expect((await client.listTools()).tools.length).toBe(tools.length);
  });
});
