import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CompleteRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isStudioError, StudioError, type StudioErrorSubject } from '../../main/contract/errors.js';
import { MAX_ANSWER_BYTES } from '../../main/contract/limits.js';
import type { Agent } from '../../main/contract/model.js';
import type { AgentSide } from '../../main/core/agentSide.js';
import { studioVersion } from '../../main/core/version.js';
import { TOOLS } from './tools/index.js';
import type { ToolResult } from './tools/tool.js';

/** Server name agents see; their tools appear as mcp__studio__<tool>. */
export const MCP_SERVER_NAME = 'studio';

const INSTRUCTIONS =
  'Claude Code Studio connects you with the other agents of your crew and the person ("user"). ' +
  'Call register once at the start. When told you have mail, call check_inbox and act on it; reply with ' +
  'send_message (reply_to). Track work you are given with update_task; hand work out with dispatch_task.';

/** Where an agent looks for what the studio did not find, in tool names. */
const LOOK_HERE: Record<StudioErrorSubject, string> = {
  task: 'list_tasks shows the open ones.',
};

/**
 * The tools/list answer, built once per process rather than per call and per session. Each
 * schema is the zod schema the SDK validates calls against, as JSON Schema without the
 * per-tool "$schema" line: the list is sent to the model every turn, so bytes count.
 */
let toolList: Tool[] | undefined;
function listTools(): Tool[] {
  toolList ??= TOOLS.map((tool) => {
    const schema = z.toJSONSchema(z.strictObject(tool.input), { target: 'draft-7', io: 'input' }) as Record<
      string,
      unknown
    >;
    delete schema.$schema;
    return {
      name: tool.name,
      description: tool.description,
      inputSchema: schema as Tool['inputSchema'],
      annotations: tool.readOnly ? { readOnlyHint: true } : { destructiveHint: false },
    };
  });
  return toolList;
}

/**
 * Past this an answer is refused rather than sent: every listing tool pages within
 * MAX_ANSWER_BYTES of text, which JSON escaping can grow up to six times (a control character
 * becomes \u0001), so only a tool that forgot to page gets here.
 */
const ANSWER_CEILING_BYTES = 8 * MAX_ANSWER_BYTES;

function toText(result: ToolResult): string {
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > ANSWER_CEILING_BYTES) {
    throw new StudioError(
      'invalid',
      `The answer would be ${Math.round(bytes / 1024)} KB; ask for less (a smaller limit or a filter).`,
    );
  }
  return text;
}

/**
 * One MCP server per connected session, bound to the agent its token names. Tools run
 * synchronously against SQLite, so a call's writes are committed before its answer is sent.
 */
export function createSessionServer(side: AgentSide, agentId: number): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: studioVersion() },
    {
      // Resources, prompts and completions are declared but empty (clients and the conformance
      // suite probe them); logging lets the studio tell a client what it refused and why.
      capabilities: { tools: {}, logging: {}, resources: {}, prompts: {}, completions: {} },
      instructions: INSTRUCTIONS,
    },
  );
  server.server.setRequestHandler(CompleteRequestSchema, () => ({
    completion: { values: [], hasMore: false },
  }));
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      // The SDK validates calls against this schema; tools/list is answered from listTools().
      { inputSchema: z.strictObject(tool.input) },
      async (args: Record<string, unknown>) => {
        // Looked up per call: a removed agent's live session must stop working at once.
        const caller: Agent | undefined = side.caller(agentId);
        if (!caller) {
          return {
            isError: true,
            content: [{ type: 'text' as const, text: 'This agent was removed from the studio.' }],
          };
        }
        try {
          const text = toText(await tool.run({ caller, side }, args as never));
          side.seen(caller);
          return { content: [{ type: 'text' as const, text }] };
        } catch (err) {
          if (isStudioError(err)) {
            const text = err.subject ? `${err.message} ${LOOK_HERE[err.subject]}` : err.message;
            return { isError: true, content: [{ type: 'text' as const, text }] };
          }
          side.logger.error('tool failed', { tool: tool.name, err: String(err) });
          return {
            isError: true,
            content: [
              {
                type: 'text' as const,
                text: `The studio failed to run ${tool.name}; nothing was changed. Try again.`,
              },
            ],
          };
        }
      },
    );
  }
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    // Its Claude Code has the tools now: the studio may type it a wake (see WakeEngine.holdReason).
    side.toolsListed(agentId);
    return { tools: listTools() };
  });
  return server;
}
