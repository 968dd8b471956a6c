import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The studio's MCP server name: its tools reach the model as mcp__studio__<tool>. */
export const STUDIO_MCP_NAME = 'studio';

/** Inherited variables that belong to another Claude Code session; a child must not see them. */
const SESSION_VARIABLES =
  /^(CLAUDECODE|CLAUDE_CODE_ENTRYPOINT|CLAUDE_CODE_SSE_PORT|CLAUDE_CODE_SESSION_ID|CLAUDE_CODE_PARENT_SESSION_ID|CLAUDE_CODE_IDE_.*|CLAUDE_CODE_EXECPATH|CLAUDE_PROJECT_DIR|MCP_SESSION_ID)$/;

export const STUDIO_BRIEFING = [
  'You are one agent in a crew run by Claude Code Studio. Your studio tools (mcp__studio__*) connect you',
  'with the other agents and the person ("user").',
  'When the studio types "[studio] ..." into your prompt, mail or a task has arrived: call check_inbox and act on it.',
  'Answer with send_message (reply_to the message id). Track tasks you hold with update_task',
  '(in_progress, then review or done with a result); hand work out with dispatch_task.',
  'Keep your summary current with set_summary so peers know what you are doing.',
].join(' ');

export interface ClaudeLaunchInput {
  agentName: string;
  /** Folder for this agent's generated files (mcp.json, settings.json). */
  agentDir: string;
  cwd: string;
  mcpUrl: string;
  hookUrl: string;
  token: string;
  /** Shell command that runs the hook reporter (it reads the hook's JSON on stdin). */
  hookCommand: string;
  sessionId: string;
  resume: boolean;
  rolePrompt: string;
  claudeCommand: string;
  extraArgs?: string[];
  baseEnv: NodeJS.ProcessEnv;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Finds an executable on PATH (or checks a path), the way a shell would. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (command.includes('/')) return existsSync(command) ? command : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const CLAUDE_MISSING =
  'Claude Code (`claude`) is not installed or not on PATH. Install it with ' +
  '`npm install -g @anthropic-ai/claude-code`, or give the agent another command (a shell, Codex, Gemini).';

/** The environment a child session gets: the studio's own, less another session's variables. */
export function childEnv(base: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !SESSION_VARIABLES.test(k)) env[k] = v;
  return { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor', ...extra };
}

/** Where Claude Code keeps a session's transcript; --resume works only if it exists. */
export function claudeTranscriptPath(home: string, cwd: string, sessionId: string): string {
  return join(home, '.claude', 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/**
 * Writes the agent's --mcp-config and --settings files and returns the command line. The MCP
 * config carries the agent's token (so no project .mcp.json prompt); settings add hooks for
 * this session only, leaving the user's own settings untouched.
 */
export function buildClaudeLaunch(input: ClaudeLaunchInput): Launch {
  mkdirSync(input.agentDir, { recursive: true, mode: 0o700 });
  const mcpFile = join(input.agentDir, 'mcp.json');
  const settingsFile = join(input.agentDir, 'settings.json');
  const mcp = {
    mcpServers: {
      [STUDIO_MCP_NAME]: {
        type: 'http',
        url: input.mcpUrl,
        headers: { Authorization: `Bearer ${input.token}` },
      },
    },
  };
  const hook = [{ hooks: [{ type: 'command', command: input.hookCommand, timeout: 10 }] }];
  const settings = { hooks: { SessionStart: hook, UserPromptSubmit: hook, Stop: hook, Notification: hook } };
  // 0600: the MCP config holds the agent's token. The mode option only applies to new files, so
  // files left by an older build or a copied data folder are tightened explicitly.
  writeFileSync(mcpFile, JSON.stringify(mcp, null, 2), { mode: 0o600 });
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
  chmodSync(input.agentDir, 0o700);
  chmodSync(mcpFile, 0o600);
  chmodSync(settingsFile, 0o600);
  const prompt = [
    STUDIO_BRIEFING,
    `Your name in the studio is ${input.agentName}.`,
    input.rolePrompt && `Your role: ${input.rolePrompt}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const args = [
    '--mcp-config',
    mcpFile,
    '--settings',
    settingsFile,
    '--append-system-prompt',
    prompt,
    // The studio's own tools run without a permission prompt; everything else keeps the user's rules.
    '--allowedTools',
    `mcp__${STUDIO_MCP_NAME}`,
    input.resume ? '--resume' : '--session-id',
    input.sessionId,
    ...(input.extraArgs ?? []),
  ];
  const env = childEnv(input.baseEnv, {
    STUDIO_AGENT: input.agentName,
    STUDIO_HOOK_URL: input.hookUrl,
    STUDIO_TOKEN: input.token,
    // MCP tools are offered to the model directly rather than through tool search.
    ENABLE_TOOL_SEARCH: input.baseEnv.ENABLE_TOOL_SEARCH ?? 'false',
  });
  return { command: input.claudeCommand, args, env };
}

export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? homedir();
}
