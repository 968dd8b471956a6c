// A scripted stand-in for the Anthropic Messages API on loopback, so the real Claude Code CLI can
// run here without an account. Tests decide each turn's reply from the request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
}

export interface StubMessage {
  role: 'user' | 'assistant' | 'system';
  content: string | StubContentBlock[];
}

export interface StubRequest {
  model: string;
  system: unknown;
  messages: StubMessage[];
  tools: Array<{ name: string }>;
  stream: boolean;
  /** The text a person or the studio typed: last text block of the last user message. */
  prompt: string;
  /** Results of tool calls this turn answered, newest last. */
  toolResults: Array<{ toolUseId: string; text: string; isError: boolean }>;
  /** Requests without tools are the CLI's side requests (titles, summaries), not agent turns. */
  side: boolean;
  /**
   * The studio's "[studio] ..." notices that reached the model since its last answer, however the
   * CLI carried them: a typed prompt, a Stop hook's feedback, a hook's added context (a user text,
   * a system reminder or a system entry, by version). Each once, oldest first.
   */
  notices: string[];
  /** performance.now() when the request arrived, and when its answer was fully sent. */
  receivedAt?: number;
  answeredAt?: number;
}

export type StubReply =
  | { text: string; delayMs?: number }
  | { toolUse: { name: string; input: Record<string, unknown> }; text?: string; delayMs?: number };

export type StubScript = (req: StubRequest) => StubReply | Promise<StubReply>;

export interface ModelStub {
  url: string;
  requests: StubRequest[];
  setScript(script: StubScript): void;
  close(): Promise<void>;
}

function textOf(content: string | StubContentBlock[]): string[] {
  if (typeof content === 'string') return [content];
  return content.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text!);
}

function toolResultText(block: StubContentBlock): string {
  const c = block.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x: { text?: string }) => x.text ?? '').join('');
  return '';
}

export function parseStubRequest(body: Record<string, unknown>): StubRequest {
  const messages = (body.messages ?? []) as StubMessage[];
  const users = messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  // Skip the CLI's own <system-reminder> blocks: the typed prompt is the last plain text.
  const texts = last ? textOf(last.content).filter((t) => !t.startsWith('<system-reminder>')) : [];
  // The CLI may end `messages` with a system-role entry: this turn's tool results are in the last
  // user message.
  const toolResults =
    last && Array.isArray(last.content)
      ? last.content
          .filter((b) => b.type === 'tool_result')
          .map((b) => ({
            toolUseId: b.tool_use_id ?? '',
            text: toolResultText(b),
            isError: (b as { is_error?: boolean }).is_error === true,
          }))
      : [];
  const tools = (body.tools ?? []) as Array<{ name: string }>;
  const lastAnswer = messages.map((m) => m.role).lastIndexOf('assistant');
  // A tool's own output is not a notice: only text outside tool results, and the CLI's wrappers.
  const noticeText = messages
    .slice(lastAnswer + 1)
    .flatMap((m) => textOf(m.content))
    .join('\n');
  const notices = [...new Set(noticeText.match(/\[studio\][^\n<]*/g) ?? [])].map((n) => n.trim());
  return {
    model: String(body.model ?? ''),
    system: body.system,
    messages,
    tools,
    stream: body.stream === true,
    prompt: texts[texts.length - 1] ?? '',
    toolResults,
    side: tools.length === 0,
    notices,
  };
}

let idCounter = 0;

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** A token is about four characters: a request's usage grows with its conversation, as a model's does. */
const CHARS_PER_TOKEN = 4;

function usage(req: StubRequest) {
  const input = Math.ceil(JSON.stringify([req.system, req.messages]).length / CHARS_PER_TOKEN);
  return {
    input_tokens: input,
    output_tokens: 5,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

async function reply(req: StubRequest, r: StubReply, res: ServerResponse): Promise<void> {
  if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
  const id = `msg_stub_${++idCounter}`;
  const blocks: StubContentBlock[] = [];
  if ('text' in r && r.text) blocks.push({ type: 'text', text: r.text });
  if ('toolUse' in r)
    blocks.push({
      type: 'tool_use',
      id: `toolu_stub_${++idCounter}`,
      name: r.toolUse.name,
      input: r.toolUse.input,
    });
  const stopReason = 'toolUse' in r ? 'tool_use' : 'end_turn';
  if (!req.stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model: req.model,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: usage(req),
      }),
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(req),
    },
  });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: b.text },
      });
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
      });
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) },
      });
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startModelStub(script: StubScript = () => ({ text: 'OK.' })): Promise<ModelStub> {
  let current = script;
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      try {
        if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ input_tokens: 100 }));
          return;
        }
        if (req.method === 'POST' && url.pathname === '/v1/messages') {
          const parsed = parseStubRequest(await readJson(req));
          parsed.receivedAt = performance.now();
          requests.push(parsed);
          const r = parsed.side ? { text: 'Studio session' } : await current(parsed);
          await reply(parsed, r, res);
          parsed.answeredAt = performance.now();
          return;
        }
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'stub' } }));
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setScript: (s) => void (current = s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
