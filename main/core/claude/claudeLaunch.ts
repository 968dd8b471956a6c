import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PERMISSION_HOOK_TIMEOUT_S } from '../../contract/hooks.js';
import { shellQuote } from '../util/shellQuote.js';
import { supportsAsyncRewake, supportsHttpHooks } from './claudeVersion.js';

/** The studio's MCP server name: its tools reach the model as mcp__studio__<tool>. */
export const STUDIO_MCP_NAME = 'studio';

/** Inherited variables that belong to another Claude Code session; a child must not see them. */
const SESSION_VARIABLES =
  /^(CLAUDECODE|CLAUDE_CODE_ENTRYPOINT|CLAUDE_CODE_SSE_PORT|CLAUDE_CODE_SESSION_ID|CLAUDE_CODE_PARENT_SESSION_ID|CLAUDE_CODE_IDE_.*|CLAUDE_CODE_EXECPATH|CLAUDE_PROJECT_DIR|MCP_SESSION_ID)$/;

export const STUDIO_BRIEFING = [
  'You are one agent in a crew run by Claude Code Studio. Your studio tools (mcp__studio__*) connect you',
  'with the other agents and the person ("user").',
  'When a "[studio] ..." notice reaches you (typed into your prompt, or from a studio hook), mail or a task has arrived: call check_inbox and act on it.',
  'Answer with send_message (reply_to the message id). Track tasks you hold with update_task',
  '(in_progress, then review or done with a result); hand work out with dispatch_task.',
  'Keep your summary current with set_summary so peers know what you are doing.',
].join(' ');

export interface ClaudeLaunchInput {
  agentName: string;
  /** Folder for this agent's generated files (mcp.json, settings.json, hook.json). */
  agentDir: string;
  cwd: string;
  mcpUrl: string;
  hookUrl: string;
  /** Where its waiter hook waits for mail (see MailWaiters); without it, idle agents are typed into. */
  hookWaitUrl?: string;
  /** The agent's MCP token: written to mcp.json only, never to the environment or command line. */
  token: string;
  /** Good only for reporting this agent's hooks: written to hook.json only. */
  hookToken: string;
  /** Shell command that runs the hook reporter; the path of hook.json is appended to it. */
  hookCommand: string;
  sessionId: string;
  resume: boolean;
  rolePrompt: string;
  claudeCommand: string;
  extraArgs?: string[];
  baseEnv: NodeJS.ProcessEnv;
  /** Claude Code's own sandbox for its shell, with these folders unreadable to the agent. */
  sandbox?: SandboxPaths;
  /** The CLI's version, when known: it decides how hooks reach the studio. */
  version?: string;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /**
   * The program `command` runs, when `command` is a wrapper around it (the git guard's
   * bubblewrap): the one a stop signals, so that it ends as cleanly as on its own.
   */
  wrapped?: string;
  /** Its CLI leaves a waiter hook at each start and turn end (asyncRewake): idle, it is woken by that. */
  waits?: boolean;
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

/** Claude Code gives up on a hook after this (s); the studio answers in milliseconds. */
const HOOK_TIMEOUT_S = 10;
/**
 * Claude Code kills a waiter hook after this (s), and a killed one wakes nothing: a week, far past
 * any idle spell (an idle agent sleeps long before), and within the timers Node can set.
 */
export const WAITER_TIMEOUT_S = 7 * 24 * 3600;
/** The prefix of the waiter's notice as the model reads it (Claude Code's own blames "Stop"). */
const REWAKE_MESSAGE = 'Claude Code Studio:';
/** The one line the terminal shows when the waiter wakes the agent. */
const REWAKE_SUMMARY = 'studio: mail arrived';

/** Writes a file only its owner can read, tightening one an older build left wider. */
function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The agent's own folder for launch files, private to the user. */
function agentFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * The agent's MCP credential as Claude Code's --mcp-config file (an http server with the URL and
 * an Authorization header): the only place the token is written.
 */
export function writeMcpConfig(agentDir: string, mcpUrl: string, token: string): string {
  agentFolder(agentDir);
  const file = join(agentDir, 'mcp.json');
  writePrivate(file, mcpConfigText(mcpUrl, token));
  return file;
}

/** The --mcp-config file's content: the studio as an http MCP server, with the agent's token. */
export function mcpConfigText(mcpUrl: string, token: string): string {
  const mcp = {
    mcpServers: {
      [STUDIO_MCP_NAME]: { type: 'http', url: mcpUrl, headers: { Authorization: `Bearer ${token}` } },
    },
  };
  return JSON.stringify(mcp, null, 2);
}

/**
 * The hooks that report to the studio, as Claude Code's settings: `command` runs for SessionStart
 * (and everything, where the CLI has no http hooks); `http` has the CLI post them itself. Without
 * a command (a remote with no curl), SessionStart goes unreported and the screen says when it is ready.
 */
export function hookSettings(input: {
  hookUrl: string;
  hookToken: string;
  command: string | undefined;
  /** The command for PermissionRequest where it differs (a curl given the hold's time to answer). */
  permissionCommand?: string;
  /** The waiter, run in the background at each start and turn end (asyncRewake; see MailWaiters). */
  waiter?: string;
  http: boolean;
}): Record<string, unknown> {
  if (!input.command && !input.http) throw new Error('hooks need a command or http');
  const waiter = input.waiter
    ? [
        {
          type: 'command',
          command: input.waiter,
          timeout: WAITER_TIMEOUT_S,
          asyncRewake: true,
          rewakeMessage: REWAKE_MESSAGE,
          rewakeSummary: REWAKE_SUMMARY,
        },
      ]
    : [];
  /** One group per event: the reporter (or the CLI's own post), and the waiter where it belongs. */
  const withWaiter = (group: Array<{ hooks: unknown[] }> | undefined) =>
    waiter.length ? [{ hooks: [...(group?.[0]?.hooks ?? []), ...waiter] }] : group;
  const commandHook = (command: string | undefined, timeout: number) =>
    command ? [{ hooks: [{ type: 'command', command, timeout }] }] : undefined;
  // Where the CLI posts hooks itself, no process is spawned per hook (PostToolUse runs after every
  // tool call). SessionStart stays a command: Claude Code does not run http hooks for it.
  const httpHook = (timeout: number) => [
    {
      hooks: [
        {
          type: 'http',
          url: input.hookUrl,
          headers: { Authorization: `Bearer ${input.hookToken}` },
          timeout,
        },
      ],
    },
  ];
  const hook = (timeout: number, command = input.command) =>
    input.http ? httpHook(timeout) : commandHook(command, timeout);
  const command = commandHook(input.command, HOOK_TIMEOUT_S);
  return {
    ...(command ? { SessionStart: withWaiter(command) } : {}),
    UserPromptSubmit: hook(HOOK_TIMEOUT_S),
    PostToolUse: hook(HOOK_TIMEOUT_S),
    // Held while the person decides from the queue; the dialog in the terminal stays answerable.
    PermissionRequest: hook(PERMISSION_HOOK_TIMEOUT_S, input.permissionCommand ?? input.command),
    Stop: withWaiter(hook(HOOK_TIMEOUT_S)),
    Notification: hook(HOOK_TIMEOUT_S),
  };
}

/** The system prompt the studio appends: the briefing, the agent's name and its role. */
export function studioPrompt(agentName: string, rolePrompt: string): string {
  return [
    STUDIO_BRIEFING,
    `Your name in the studio is ${agentName}.`,
    rolePrompt && `Your role: ${rolePrompt}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Claude Code's arguments, wired to the studio through the given files. */
export function claudeArgs(input: {
  mcpFile: string;
  settingsFile: string;
  prompt: string;
  resume: boolean;
  sessionId: string;
  extraArgs?: string[];
}): string[] {
  return [
    '--mcp-config',
    input.mcpFile,
    '--settings',
    input.settingsFile,
    '--append-system-prompt',
    input.prompt,
    // The studio's own tools run without a permission prompt; everything else keeps the user's rules.
    '--allowedTools',
    `mcp__${STUDIO_MCP_NAME}`,
    input.resume ? '--resume' : '--session-id',
    input.sessionId,
    ...(input.extraArgs ?? []),
  ];
}

/**
 * Paths for Claude Code's sandbox beyond its working folder: folders it may not read (the studio's
 * data), and for a worktree agent the repository's git data, which a commit writes, with what it
 * may not write named where the platform refuses by name (see sandboxPolicy.ts).
 */
export interface SandboxPaths {
  denyRead: string[];
  allowWrite?: string[];
  denyWrite?: string[];
}

/** Claude Code's settings that turn its sandbox on and keep the given folders out of the agent's reach. */
export function sandboxSettings(paths: SandboxPaths | string[]): Record<string, unknown> {
  const { denyRead, allowWrite = [], denyWrite = [] } = Array.isArray(paths) ? { denyRead: paths } : paths;
  return {
    sandbox: {
      enabled: true,
      // Never run a command unsandboxed: not when the sandbox cannot start, not on the model's request.
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      // The sandbox is the boundary, so commands inside it need no prompt each.
      autoAllowBashIfSandboxed: true,
      filesystem: {
        denyRead,
        ...(allowWrite.length ? { allowWrite } : {}),
        ...(denyWrite.length ? { denyWrite } : {}),
      },
    },
    // The sandbox covers the shell; Claude Code's own file tools obey permission rules.
    permissions: {
      deny: [
        ...denyRead.flatMap((dir) => [`Read(/${dir}/**)`, `Edit(/${dir}/**)`]),
        // A file and, for a folder, everything under it.
        ...denyWrite.flatMap((path) => [`Edit(/${path})`, `Edit(/${path}/**)`]),
      ],
    },
  };
}

/** Where Claude Code keeps its sessions' transcripts (CLAUDE_CONFIG_DIR moves it). */
export function claudeProjectsDir(env: NodeJS.ProcessEnv): string {
  return join(env.CLAUDE_CONFIG_DIR || join(defaultHome(env), '.claude'), 'projects');
}

/** A session's transcript in a projects folder: Claude Code names its folder after the cwd. */
export function claudeSessionFile(projects: string, cwd: string, sessionId: string): string {
  return join(projects, cwd.replace(/[^A-Za-z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/** Where Claude Code keeps a session's transcript; --resume works only if it exists. */
export function claudeTranscriptPath(home: string, cwd: string, sessionId: string): string {
  return claudeSessionFile(join(home, '.claude', 'projects'), cwd, sessionId);
}

/**
 * Writes the agent's --mcp-config, --settings and hook credential files and returns the command
 * line. Tokens live in those files (0600, in a 0700 folder) and nowhere else: not in the
 * environment, which the agent's shell inherits, nor on any command line, which every local
 * process can read.
 */
export function buildClaudeLaunch(input: ClaudeLaunchInput): Launch {
  const mcpFile = writeMcpConfig(input.agentDir, input.mcpUrl, input.token);
  const settingsFile = join(input.agentDir, 'settings.json');
  const hookFile = join(input.agentDir, 'hook.json');
  const waits = !!input.hookWaitUrl && supportsAsyncRewake(input.version);
  writePrivate(
    hookFile,
    JSON.stringify({
      url: input.hookUrl,
      token: input.hookToken,
      ...(waits ? { waitUrl: input.hookWaitUrl } : {}),
    }),
  );
  const hookCommand = `${input.hookCommand} ${shellQuote(hookFile)}`;
  const settings = {
    hooks: hookSettings({
      hookUrl: input.hookUrl,
      hookToken: input.hookToken,
      command: hookCommand,
      ...(waits ? { waiter: `${hookCommand} wait` } : {}),
      // Claude Code holds its own http hooks to its sandbox's network rules: a sandboxed agent's
      // wait on a "Network request outside of sandbox" dialog for the studio's own address. Its
      // command hooks run outside the sandbox, and the reporter posts them.
      http: supportsHttpHooks(input.version) && !input.sandbox,
    }),
    ...(input.sandbox ? sandboxSettings(input.sandbox) : {}),
  };
  writePrivate(settingsFile, JSON.stringify(settings, null, 2));
  const args = claudeArgs({
    mcpFile,
    settingsFile,
    prompt: studioPrompt(input.agentName, input.rolePrompt),
    resume: input.resume,
    sessionId: input.sessionId,
    ...(input.extraArgs ? { extraArgs: input.extraArgs } : {}),
  });
  const env = childEnv(input.baseEnv, {
    STUDIO_AGENT: input.agentName,
    // MCP tools are offered to the model directly rather than through tool search.
    ENABLE_TOOL_SEARCH: input.baseEnv.ENABLE_TOOL_SEARCH ?? 'false',
  });
  return { command: input.claudeCommand, args, env, ...(waits ? { waits } : {}) };
}

export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? homedir();
}
