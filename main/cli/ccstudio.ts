#!/usr/bin/env node
// The headless studio's command line: `serve` runs it; the other commands talk to a running
// studio over /api/rpc, or open the data folder directly when none is running.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type AgentProfile,
  type TaskPriority,
  type TaskStatus,
} from '../contract/model.js';
import type { StudioCalls } from '../contract/service.js';
import { isStudioError } from '../contract/errors.js';
import { createStudio } from '../core/studio.js';
import { isProcessAlive, readStudioInfo } from '../core/studioInfo.js';
import { resolveDataDir, securePrivateTree } from '../core/store/dataDir.js';
import { tryStudioLock } from '../core/store/studioLock.js';
import { streamLogger } from '../core/util/logger.js';
import { studioVersion } from '../core/version.js';
import { studioUrls } from '../contract/urls.js';
import { remoteStudioService } from './remoteService.js';
import { DEFAULT_PORT, startStudioHost } from '../host/studioHost.js';
import { formatStatus, formatTasks, mcpAddLine } from './format.js';
import { printable, printableBlock, printableJson, printableLine } from './printable.js';

const USAGE = `Claude Code Studio (headless)

Usage:
  ccstudio serve [--data DIR] [--port N] [--host ADDR] [--agents N | --first-team N] [--claude CMD]
                 [--no-start] [--open]
  ccstudio agent add NAME [--role R] [--prompt P] [--command CMD] [--cwd DIR] [--sandbox] [--json]
  ccstudio agent add NAME --remote [--role R] [--json]
  ccstudio agent list [--json]
  ccstudio agent start|stop|restart|screen|kick NAME
  ccstudio agent keys NAME KEY...        (answer its menu: 1, enter, esc, up, down)
  ccstudio agent remove NAME
  ccstudio status [--json]
  ccstudio send NAME TEXT
  ccstudio inbox [--json]
  ccstudio task add TITLE [--body B] [--to NAME] [--priority low|normal|high|urgent] [--json]
  ccstudio task list [--status S] [--assignee NAME] [--json]
  ccstudio task show ID [--json]
  ccstudio task update ID [--status S] [--to NAME] [--result R] [--note N]
  ccstudio --version

Every command takes --data DIR (or STUDIO_DATA_DIR); the default is the per-user app data folder.
serve listens on 127.0.0.1:${DEFAULT_PORT} unless told otherwise (--port 0 picks a free port).
serve --agents N makes sure a commander and agent-1..N exist (--first-team N: only when the
studio has no agents yet, as on a first run), and starts the saved team in
terminals (Claude Code, resuming each agent's session). Local agents run \`claude\` from PATH unless
--claude or an agent's --command says otherwise. serve prints the link to the studio's UI in a
browser (it carries the UI token); --open opens it in the default browser.
agent add --sandbox runs the agent's Claude Code in its own sandbox (bubblewrap and socat on Linux,
Seatbelt on macOS) with the studio's data folder out of its reach; where that sandbox cannot run,
the agent is not started.`;

/** Best effort: a machine with no desktop has no opener, and the printed link is enough. */
function openInBrowser(url: string, logger: { info(m: string): void }): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => logger.info(`No ${opener} here: open the link above in a browser.`));
  child.unref();
}

const options = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  role: { type: 'string' },
  summary: { type: 'string' },
  remote: { type: 'boolean' },
  json: { type: 'boolean' },
  body: { type: 'string' },
  to: { type: 'string' },
  priority: { type: 'string' },
  status: { type: 'string' },
  assignee: { type: 'string' },
  result: { type: 'string' },
  note: { type: 'string' },
  verbose: { type: 'boolean' },
  agents: { type: 'string' },
  'first-team': { type: 'string' },
  claude: { type: 'string' },
  'no-start': { type: 'boolean' },
  open: { type: 'boolean' },
  prompt: { type: 'string' },
  command: { type: 'string' },
  cwd: { type: 'string' },
  sandbox: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

class UsageError extends Error {}

function out(text: string): void {
  const safe = printable(text);
  process.stdout.write(safe.endsWith('\n') ? safe : safe + '\n');
}

function json(value: unknown): void {
  out(printableJson(value));
}

function oneOf<T extends string>(
  label: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`--${label} must be one of: ${allowed.join(', ')}`);
  return value as T;
}

function taskIdArg(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id <= 0)
    throw new UsageError('Give a task id, e.g. `ccstudio task show 3`.');
  return id;
}

/** How long a command waits for a studio that is starting (it holds the lock before studio.json). */
const STUDIO_START_WAIT_MS = 10_000;

/**
 * The running studio if there is one (so its events reach the wake engine and UI), else the files.
 * The data folder's lock decides, not studio.json: a stale file whose pid now belongs to another
 * process is ignored, and a command never writes the files under a running studio.
 */
async function openService(
  dataDir: string,
): Promise<{ service: StudioCalls; mcpUrl: string; running: boolean; close(): Promise<void> }> {
  const deadline = Date.now() + STUDIO_START_WAIT_MS;
  for (;;) {
    securePrivateTree(dataDir);
    const lock = tryStudioLock(dataDir);
    const info = readStudioInfo(dataDir);
    if (lock) {
      // No studio runs: the URLs it will have (the last one's, or the default port's).
      const urls = studioUrls(info?.baseUrl ?? `http://127.0.0.1:${DEFAULT_PORT}`);
      const studio = createStudio({ dataDir, lock, urls });
      return { service: studio.service, mcpUrl: urls.mcp, running: false, close: () => studio.close() };
    }
    if (info && isProcessAlive(info.pid)) {
      return {
        service: remoteStudioService(info.apiUrl, info.adminToken),
        mcpUrl: info.mcpUrl,
        running: true,
        close: async () => {},
      };
    }
    // Locked with no studio.json yet: a studio is starting, or another command is at work.
    if (Date.now() > deadline) {
      throw new Error(
        `The data folder ${dataDir} is locked by another process that is not answering as a studio.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `--command "codex --foo"`: the first word is the program, the rest its arguments. */
function commandProfile(command: string): AgentProfile {
  const parts = command.trim().split(/\s+/);
  if (!parts[0]) throw new UsageError('--command needs a program.');
  return parts[0] === 'claude'
    ? { kind: 'claude', args: parts.slice(1) }
    : { kind: 'command', command: parts[0], args: parts.slice(1) };
}

type Values = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; strict: true }>
>['values'];

/** What a command gets: the parsed options, its words, and the studio to talk to. */
interface CommandContext {
  values: Values;
  sub: string | undefined;
  rest: string[];
  service: StudioCalls;
  /** The MCP URL to hand out (agent add --remote). */
  mcpUrl: string;
  /** A studio is running (the command talks to it), rather than working on its files. */
  running: boolean;
}

/** `ccstudio serve`: runs the studio here until Ctrl-C. */
async function serveCommand(values: Values, dataDir: string): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new UsageError('--port is 0-65535.');
  const agents = values.agents === undefined ? undefined : Number(values.agents);
  if (agents !== undefined && (!Number.isInteger(agents) || agents < 0 || agents > 30))
    throw new UsageError('--agents is 0-30.');
  const firstTeam = values['first-team'] === undefined ? undefined : Number(values['first-team']);
  if (firstTeam !== undefined && (!Number.isInteger(firstTeam) || firstTeam < 0 || firstTeam > 30))
    throw new UsageError('--first-team is 0-30.');
  const logger = streamLogger(process.stderr, values.verbose ? 'debug' : 'info');
  // The studio holds every agent's terminal: a stray error is logged, never allowed to end them all.
  process.on('uncaughtException', (err) =>
    logger.error('uncaught exception', { err: err.stack ?? String(err) }),
  );
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: String(err) }));
  const running = await startStudioHost({
    dataDir,
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(agents !== undefined ? { agents } : {}),
    ...(firstTeam !== undefined ? { firstTeam } : {}),
    ...(values.claude ? { claudeCommand: values.claude } : {}),
    ...(values['no-start'] ? { noStart: true } : {}),
    logger,
  });
  out(`Claude Code Studio is running.
Open the studio:       ${running.uiBuilt ? running.uiUrl : '(the UI is not built in this copy: npm run build)'}
MCP (Streamable HTTP): ${running.http.url}
MCP (legacy SSE):      ${running.http.urls.sse}
Data:                  ${dataDir}
Add an agent:  ccstudio agent add NAME${values.data ? ` --data ${values.data}` : ''}   (or --remote for one on another machine)
Stop with Ctrl-C.`);
  for (const s of running.started)
    out(s.error ? `  ${s.name}: not started: ${s.error}` : `  ${s.name}: started`);
  // The opener's command line is readable by every local process: it gets a one-time code, not the token.
  if (values.open && running.uiBuilt)
    openInBrowser(`${running.uiUrl.replace(/\?token=.*$/, '')}?code=${running.http.issueUiCode()}`, logger);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.stop();
  return 0;
}

/** `ccstudio agent add|list|start|stop|restart|screen|kick|keys|remove`. */
/** `ccstudio agent add NAME`: a local agent (started if a studio runs), or a remote one with its token. */
async function agentAdd({
  values,
  rest,
  service,
  mcpUrl,
  running,
}: Omit<CommandContext, 'sub'>): Promise<number> {
  const name = rest[0];
  if (!name) throw new UsageError('Give the agent a name: ccstudio agent add NAME');
  let profile = values.command !== undefined ? commandProfile(values.command) : undefined;
  if (values.sandbox) {
    if (profile?.kind === 'command' || values.remote)
      throw new UsageError("--sandbox is Claude Code's own sandbox, for a local Claude Code agent.");
    profile = { ...(profile ?? { kind: 'claude' }), sandbox: true };
  }
  const added = await service.addAgent({
    name,
    ...(values.role !== undefined ? { role: values.role } : {}),
    ...(values.summary !== undefined ? { summary: values.summary } : {}),
    ...(values.prompt !== undefined ? { rolePrompt: values.prompt } : {}),
    ...(values.cwd !== undefined ? { cwd: resolve(values.cwd) } : {}),
    ...(profile ? { profile } : {}),
    remote: !!values.remote,
  });
  const url = added.mcpUrl || mcpUrl;
  const line = mcpAddLine(url, added.token);
  if (!values.remote) {
    let started = 'It starts when the studio runs (ccstudio serve).';
    if (running) {
      try {
        await service.startAgent(added.agent.name);
        started = 'Its terminal is running in the studio.';
      } catch (err) {
        started = `It could not start: ${(err as Error).message}`;
      }
    }
    if (values.json) json({ name: added.agent.name, local: true, started });
    else
      out(`Added agent ${added.agent.name}${added.agent.role ? ` (${added.agent.role})` : ''}. ${started}`);
    return 0;
  }
  if (values.json) json({ name: added.agent.name, token: added.token, mcpUrl: url, claudeMcpAdd: line });
  else
    out(`Added agent ${added.agent.name}${added.agent.role ? ` (${added.agent.role})` : ''}.
Token:   ${added.token}   (shown once; the studio stores only its hash)
MCP URL: ${url}
Connect Claude Code on the agent's machine with:
${line}`);
  return 0;
}

async function agentCommand({
  values,
  sub,
  rest,
  service,
  mcpUrl,
  running,
}: CommandContext): Promise<number> {
  if (sub === 'add') return agentAdd({ values, rest, service, mcpUrl, running });
  if (sub === 'list') {
    const agents = await service.listAgents();
    if (values.json) json(agents);
    else
      for (const a of agents)
        out(`${a.name.padEnd(16)} ${a.kind.padEnd(6)} ${a.state.padEnd(18)} ${printableLine(a.role)}`);
    return 0;
  }
  if (sub === 'start' || sub === 'stop' || sub === 'restart' || sub === 'screen' || sub === 'kick') {
    const name = rest[0];
    if (!name) throw new UsageError(`ccstudio agent ${sub} NAME`);
    if (!running && sub !== 'stop') {
      throw new UsageError('No studio is running on this data folder: start one with ccstudio serve.');
    }
    if (sub === 'start') out(`Started ${(await service.startAgent(name)).name}.`);
    else if (sub === 'restart') out(`Restarted ${(await service.restartAgent(name)).name}.`);
    else if (sub === 'screen') out(await service.readScreen(name));
    else if (sub === 'kick') {
      await service.kickAgent(name);
      out(`Woke ${name}.`);
    } else {
      await service.stopAgent(name);
      out(`Stopped ${name}.`);
    }
    return 0;
  }
  if (sub === 'keys') {
    const [name, ...keys] = rest;
    if (!name || !keys.length) throw new UsageError('ccstudio agent keys NAME KEY... (e.g. 1, enter, esc)');
    if (!running) throw new UsageError('No studio is running on this data folder.');
    await service.sendKeys(name, keys);
    out(`Sent ${keys.join(' ')} to ${name}.`);
    return 0;
  }
  if (sub === 'remove') {
    if (!rest[0]) throw new UsageError('ccstudio agent remove NAME');
    await service.removeAgent(rest[0]);
    out(`Removed ${rest[0]}.`);
    return 0;
  }
  throw new UsageError('ccstudio agent add|list|start|stop|restart|screen|kick|keys|remove');
}

/** `ccstudio status`: agents, unread counts, open tasks, recent activity. */
async function statusCommand({ values, service }: CommandContext): Promise<number> {
  const status = await service.status();
  if (values.json) json(status);
  else out(formatStatus(status));
  return 0;
}

/** `ccstudio send NAME TEXT`, as the person. */
async function sendCommand({ sub, rest, service }: CommandContext): Promise<number> {
  const text = rest.join(' ');
  if (!sub || !text) throw new UsageError('ccstudio send NAME TEXT');
  const m = await service.sendMessage({ to: sub, body: text });
  out(`Sent message #${m.id} to ${sub}.`);
  return 0;
}

/** `ccstudio inbox`: the person's unread mail, marked read. */
async function inboxCommand({ values, service }: CommandContext): Promise<number> {
  const items = await service.personInbox();
  if (values.json) json(items);
  else if (!items.length) out('No unread messages.');
  else
    for (const m of items)
      out(`#${m.id} from ${m.from}${m.type !== 'text' ? ` [${m.type}]` : ''}: ${printableBlock(m.body)}`);
  return 0;
}

/** `ccstudio task add|list|show|update`. */
async function taskCommand({ values, sub, rest, service }: CommandContext): Promise<number> {
  if (sub === 'add') {
    const title = rest.join(' ');
    if (!title) throw new UsageError('ccstudio task add TITLE [--body B] [--to NAME]');
    const priority = oneOf<TaskPriority>('priority', values.priority, TASK_PRIORITIES);
    const task = await service.createTask({
      title,
      ...(values.body !== undefined ? { body: values.body } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(priority ? { priority } : {}),
    });
    if (values.json) json(task);
    else out(`Created task #${task.id} (${task.status}${task.assignee ? `, ${task.assignee}` : ''}).`);
    return 0;
  }
  if (sub === 'list') {
    const status = oneOf<TaskStatus>('status', values.status, TASK_STATUSES);
    const tasks = await service.listTasks({
      ...(status ? { status } : {}),
      ...(values.assignee ? { assignee: values.assignee } : {}),
    });
    if (values.json) json(tasks);
    else out(formatTasks(tasks));
    return 0;
  }
  if (sub === 'show') {
    const task = await service.getTask(taskIdArg(rest[0]));
    if (values.json) json(task);
    else {
      out(formatTasks([task]));
      if (task.body) out(`\n    ${printableBlock(task.body)}`);
      if (task.result) out(`\nResult:\n    ${printableBlock(task.result)}`);
      out('\nHistory:');
      for (const e of task.events)
        out(
          `  ${new Date(e.createdAt).toISOString()} ${e.actor} ${e.kind}${e.toStatus ? ` → ${e.toStatus}` : ''}${e.note ? `: ${printableLine(e.note)}` : ''}`,
        );
    }
    return 0;
  }
  if (sub === 'update') {
    const status = oneOf<TaskStatus>('status', values.status, TASK_STATUSES);
    const task = await service.updateTask({
      id: taskIdArg(rest[0]),
      ...(status ? { status } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(values.result !== undefined ? { result: values.result } : {}),
      ...(values.note !== undefined ? { note: values.note } : {}),
    });
    if (values.json) json(task);
    else out(`Task #${task.id} is ${task.status}${task.assignee ? ` (${task.assignee})` : ''}.`);
    return 0;
  }
  throw new UsageError('ccstudio task add|list|show|update');
}

/** The commands that run against a studio (running, or its files). */
const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  agent: agentCommand,
  status: statusCommand,
  send: sendCommand,
  inbox: inboxCommand,
  task: taskCommand,
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  if (values.version) {
    out(studioVersion());
    return 0;
  }
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const dataDir = resolveDataDir(values.data);

  if (command === 'serve') return serveCommand(values, dataDir);

  const handler = COMMANDS[command];
  if (!handler) throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  const { service, mcpUrl, running, close } = await openService(dataDir);
  try {
    return await handler({ values, sub, rest, service, mcpUrl, running });
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (
      err instanceof UsageError ||
      isStudioError(err) ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`ccstudio: ${printable((err as Error).message)}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ccstudio: ${printable((err as Error)?.message ?? String(err))}\n`);
      process.exitCode = 1;
    }
  },
);
