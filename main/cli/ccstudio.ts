#!/usr/bin/env node
// The headless studio's command line: `serve` runs it; the other commands talk to a running
// studio over /api/rpc, or open the data folder directly when none is running.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../contract/model.js';
import { buildAddAgentInput, type AgentRequest, type OptionNames } from '../contract/agentRequest.js';
import type { AddedAgent, StudioCalls } from '../contract/service.js';
import { isStudioError, type StudioErrorSubject } from '../contract/errors.js';
import { createStudio } from '../core/studio.js';
import { isProcessAlive, readStudioInfo } from '../core/studioInfo.js';
import { resolveDataDir, securePrivateTree } from '../core/store/dataDir.js';
import { tryStudioLock } from '../core/store/studioLock.js';
import type { Logger } from '../core/util/logger.js';
import { outputUntilGone } from '../core/util/output.js';
import { studioVersion } from '../core/version.js';
import { studioUrls } from '../contract/urls.js';
import { remoteStudioService } from './remoteService.js';
import { DEFAULT_PORT, startStudioHost, type RunningStudio } from '../host/studioHost.js';
import { openStudioLog } from '../host/studioLog.js';
import {
  agentStateLabel,
  formatAgents,
  formatBudget,
  formatChanges,
  formatNotify,
  formatStatus,
  formatTabs,
  formatTasks,
  mcpAddLine,
  trimScreen,
  waitingHint,
} from './format.js';
import { printable, printableBlock, printableJson, printableLine } from './printable.js';
import { shellWord, thisCcstudioCommand } from './ccstudioCommand.js';
import {
  canOpenBrowser,
  codeLink,
  fetchUiCode,
  openInBrowser,
  runningStudio,
  tokenLink,
  writeOpenPage,
} from './openLink.js';
import { CLI_OPTIONS, npmTookMessage } from './options.js';

const USAGE = `Claude Code Studio (headless)

Usage:
  ccstudio serve [--data DIR] [--cwd DIR] [--port N] [--host ADDR] [--agents N | --first-team N]
                 [--worktrees | --no-worktrees] [--claude CMD] [--no-start] [--open] [--verbose]
  ccstudio open [--print]
  ccstudio tabs [--json]
  ccstudio tabs end ID
  ccstudio agent add NAME [--role R] [--summary S] [--prompt P] [--command CMD [--takes-prompts]]
                 [--cwd DIR] [--worktree [--base BRANCH] [--worktree-dir DIR]] [--sandbox] [--json]
  ccstudio agent add NAME --ssh DEST [--cwd REMOTE_DIR] [--command CLAUDE] [--role R] [--prompt P] [--json]
  ccstudio agent add NAME --remote [--role R] [--summary S] [--json]
  ccstudio agent list [--json]
  ccstudio agent start|stop|restart|screen|kick NAME
  ccstudio agent keys NAME KEY...        (answer its menu: 1, enter, esc, up, down)
  ccstudio agent remove NAME [--remove-worktree]
  ccstudio agent changes NAME [--json]
  ccstudio agent diff NAME
  ccstudio agent merge NAME [--into BRANCH] [--ff] [--dry-run] [--json]
  ccstudio agent pr NAME
  ccstudio agent release NAME
  ccstudio agent budget NAME [--tokens N] [--turns N] [--off]
  ccstudio status [--json]
  ccstudio send NAME TEXT [--urgent]
  ccstudio notify [--webhook URL [--topic T] | --off] [--test] [--json]
  ccstudio inbox [--json]
  ccstudio task add TITLE [--body B] [--to NAME] [--priority low|normal|high|urgent] [--json]
  ccstudio task list [--status S] [--assignee NAME] [--json]
  ccstudio task show ID [--json]
  ccstudio task update ID [--status S] [--to NAME] [--result R] [--note N] [--json]
  ccstudio task diff ID
  ccstudio task merge ID [--into BRANCH] [--ff] [--dry-run] [--json]
  ccstudio task back ID --note N
  ccstudio task pr ID
  ccstudio --version

Every command takes --data DIR (or STUDIO_DATA_DIR); the default is the per-user app data folder.
serve listens on 127.0.0.1:${DEFAULT_PORT} unless told otherwise (--port 0 picks a free port).
serve --cwd DIR is the project folder a new team works in (default: the folder serve was started
in, unless that is the studio's own); the UI offers it. Once a team has a folder, new agents go
there (agent add without --cwd too). serve --agents N makes sure a commander and agent-1..N exist there
(--first-team N: only when the studio has no agents yet; without either, the UI's first-run screen
asks where the team works), and starts the saved team in terminals (Claude Code, resuming each
agent's session). Local agents run \`claude\` from PATH unless --claude or an agent's --command
says otherwise. serve prints the link to the studio's UI in a browser (it carries the UI token,
which stays the same across restarts); --open opens it in the default browser.
open prints a current link to the running studio's UI, or opens it in your browser when this
machine has a desktop (through a private page holding a one-time code, so nothing secret is on any
command line); --print only prints it. Each browser tab gets a session of its own: tabs lists
them, tabs end ID signs one out at once.
agent add --command runs another program; --takes-prompts says it takes typed prompts (Codex,
Gemini CLI), so wake lines are typed into it when mail arrives (never into a plain shell).
agent add --sandbox runs the agent's Claude Code in its own sandbox (bubblewrap and socat on Linux,
Seatbelt on macOS) with the studio's data folder out of its reach; where that sandbox cannot run,
the agent is not started.
In a git repository a first team's engineers (--first-team, or the UI's first run) each get a git
worktree of their own, the commander keeping the folder; --no-worktrees keeps them all in it, and
--worktrees gives --agents N worktrees too.
agent add --worktree gives the agent a git worktree of its own (from the repository --cwd is in),
on a new branch ccstudio/NAME/work from --base (default: the branch checked out there), in
--worktree-dir (default: REPO-worktrees/ beside the repository). A task given to it starts
ccstudio/NAME/task-ID-SLUG there when its tree is clean. agent changes shows its work against its
base and what a merge would do; merge merges it into the base (a merge commit, or --ff for a
fast-forward only), refusing conflicts with the files named and never touching local changes; task
merge does the same for a task's branch. A merge of a task's branch, either way, marks the task
done. merge --dry-run says what the merge would do, changing nothing (exit code 1: it would be
refused). task back sends a task back to its agent with a note. agent remove --remove-worktree
also removes the worktree and its merged branches, and refuses if that would lose work.
Mail reaches an idle agent as a typed line, and a busy one when its turn ends (its Stop hook),
with nothing typed; send --urgent reaches a busy one at its next tool call. An agent's wakes are
held when it spends its budget (agent budget: tokens or turns an hour) or when agents keep waking
each other with no word from you and no task moving; agent release lets them through again.
agent add --ssh runs the agent's Claude Code on another machine through your own ssh (DEST as
ssh takes it: user@host, or a Host alias from ~/.ssh/config; your keys, agent and known_hosts),
with --cwd a folder there and --command its Claude Code there (default: claude on its PATH). Its
tile, wakes and hooks work as for a local agent; it reaches the studio through the SSH connection
(one per host), so nothing new listens on the network. CCSTUDIO_SSH names another ssh to run.
agent add --remote is for a client the studio does not launch: it prints a token and MCP URL.
notify --webhook sends a JSON notice (Slack's incoming webhooks and ntfy take it; --topic for
ntfy) when an agent waits for you or a task reaches review or done; --test sends one now.`;

const options = CLI_OPTIONS;

class UsageError extends Error {}

/**
 * `--data DIR` as the person gave it (its full path), for the command lines the CLI prints: a hint
 * without it would act on the default data folder, another studio. Set once the arguments are read.
 */
let dataWords = '';

/**
 * A command line for the person to run on this studio: this ccstudio as it runs where they are
 * (`ccstudio`, `npx ccstudio`, or its path), then `words`, then the data folder they named.
 */
const run = (words: string): string => `${thisCcstudioCommand()} ${words}${dataWords}`;

/** Command lines as printed: each `ccstudio` made what runs here (see ccstudioCommand.ts). */
function runnable(text: string): string {
  return text.replace(/^( *)ccstudio(?= )/gm, (_m, indent: string) => indent + thisCcstudioCommand());
}

/**
 * A command's lines of USAGE (all of its subcommands' when `sub` is not given), so that what an
 * error shows is what --help says.
 */
function usageOf(command: string, sub?: string): string {
  const lines: string[] = [];
  let taking = false;
  for (const line of USAGE.split('\n')) {
    const m = /^ {2}ccstudio (\S+)(?: (\S+))?/.exec(line);
    if (m) taking = m[1] === command && (sub === undefined || (m[2] ?? '').split('|').includes(sub));
    else if (!/^ {3,}\S/.test(line)) taking = false;
    if (taking) lines.push(line);
  }
  return runnable(lines.join('\n'));
}

/** A mistake in how a command was typed: what was wrong, then how that command is typed. */
function usageError(message: string, command: string, sub?: string): UsageError {
  return new UsageError(`${message}\nUsage:\n${usageOf(command, sub)}`);
}

/** A subcommand its group does not have, or none: the group's usage lines. */
function unknownSub(command: string, sub: string | undefined): UsageError {
  return usageError(
    sub ? `Unknown subcommand "${sub}" for ${command}.` : `${command} needs a subcommand.`,
    command,
  );
}

/** Refuses words a command does not take (`ccstudio serve 0`, where npm took --port). */
function noMore(words: Array<string | undefined>, command: string, sub?: string): void {
  const extra = words.filter((w): w is string => w !== undefined);
  if (!extra.length) return;
  const quoted = extra.map((w) => `"${w}"`).join(' ');
  throw usageError(
    `Unexpected ${extra.length > 1 ? 'arguments' : 'argument'} ${quoted} for ${sub ? `${command} ${sub}` : command}.`,
    command,
    sub,
  );
}

/**
 * Where everything the CLI prints goes. A reader that went away (`ccstudio task list | head -1`,
 * a closed terminal) ends the printing quietly: the rest is dropped, with no EPIPE stack trace,
 * and `serve` goes on with its log in the data folder.
 */
const stdout = outputUntilGone(process.stdout);
const stderr = outputUntilGone(process.stderr);

function out(text: string): void {
  const safe = printable(text);
  stdout.write(safe.endsWith('\n') ? safe : safe + '\n');
}

/** A caution beside a command's result: on stderr, so scripts reading stdout are not confused. */
function warn(text: string): void {
  stderr.write(`Note: ${printable(text)}\n`);
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

function count(label: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${label} must be a whole number above 0, e.g. --${label} 50000.`);
  return n;
}

function taskIdArg(raw: string | undefined, sub: string): number {
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id <= 0)
    throw usageError(`Give a task id, e.g. \`${run(`task ${sub} 3`)}\`.`, 'task', sub);
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
  if (values.worktrees && values['no-worktrees'])
    throw new UsageError('--worktrees or --no-worktrees, not both.');
  const firstTeam = values['first-team'] === undefined ? undefined : Number(values['first-team']);
  if (firstTeam !== undefined && (!Number.isInteger(firstTeam) || firstTeam < 0 || firstTeam > 30))
    throw new UsageError('--first-team is 0-30.');
  // The person's folder. `npm run serve` runs us in the package's folder and names theirs in
  // INIT_CWD; anywhere else INIT_CWD may be a stale one inherited from an outer npm.
  const npmRunServe = /ccstudio\.js serve\b/.test(process.env.npm_lifecycle_script ?? '');
  const startedIn = (npmRunServe && process.env.INIT_CWD) || process.cwd();
  const teamCwd = resolve(startedIn, values.cwd ?? '.');
  if (!existsSync(teamCwd) || !statSync(teamCwd).isDirectory())
    throw new UsageError(`--cwd: ${teamCwd} is not a folder.`);
  // The log is kept in the data folder as well: what stays when nobody reads stderr any more.
  const log = openStudioLog(dataDir, { echo: stderr, minLevel: values.verbose ? 'debug' : 'info' });
  const { logger } = log;
  // The studio holds every agent's terminal: a stray error is logged, never allowed to end them all.
  process.on('uncaughtException', (err) =>
    logger.error('uncaught exception', { err: err.stack ?? String(err) }),
  );
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: String(err) }));
  // A Ctrl-C from here on stops it cleanly: once it has started, while its agents start, while a
  // browser opens. (Without a listener, Node ends the process at once, its terminals with it.)
  const stopAsked = stopSignal();
  const running = await startStudioHost({
    dataDir,
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(agents !== undefined ? { agents } : {}),
    ...(firstTeam !== undefined ? { firstTeam } : {}),
    ...(values.claude ? { claudeCommand: values.claude } : {}),
    ...(values['no-start'] ? { noStart: true } : {}),
    ...(values.worktrees ? { worktrees: true } : values['no-worktrees'] ? { worktrees: false } : {}),
    teamCwd,
    logger,
  });
  // Said once each start has settled, so the banner reports what really runs.
  const started = await Promise.race([running.started, stopAsked.then(() => undefined)]);
  if (started) await announce({ values, dataDir, teamCwd, running, log, started });
  await stopAsked;
  await running.stop();
  await log.close();
  // After ^C the terminal shows nothing else: say that it stopped, and where its data stays.
  out(`Claude Code Studio stopped (data in ${dataDir}).`);
  return 0;
}

/**
 * Resolves at the first Ctrl-C (SIGINT) or SIGTERM, each heard once: `npm start` forwards a
 * SIGTERM after the terminal's SIGINT, and a second Ctrl-C still ends the process at once (the
 * person forcing it down while its terminals stop).
 */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `serve`'s banner: where the studio is, what runs, and the UI opened in a browser if asked. */
async function announce({
  values,
  dataDir,
  teamCwd,
  running,
  log,
  started,
}: {
  values: Values;
  dataDir: string;
  teamCwd: string;
  running: RunningStudio;
  log: { file: string; logger: Logger };
  started: Awaited<RunningStudio['started']>;
}): Promise<void> {
  const team = (await running.studio.service.listAgents()).filter((a) => a.kind === 'agent' && !a.remote);
  out(`Claude Code Studio is running.
Open the studio:       ${running.uiBuilt ? running.uiUrl : '(the UI is not built in this copy: npm run build)'}
MCP (Streamable HTTP): ${running.http.url}
MCP (legacy SSE):      ${running.http.urls.sse}
Data:                  ${dataDir}
Log:                   ${log.file}
Add an agent:  ${run('agent add NAME')}   (or --remote for one on another machine)
Stop with Ctrl-C.`);
  const choices = team.length ? undefined : await running.studio.service.folderChoices();
  out(
    !choices
      ? `The team works in: ${[...new Set(team.map((a) => a.cwd || '(home folder)'))].join(', ')}`
      : choices.suggested === teamCwd
        ? `No team yet: the studio's page asks where it works (suggesting ${teamCwd}; --cwd DIR picks another).`
        : choices.suggested
          ? `No team yet: the studio's page asks where it works (suggesting ${choices.suggested}, the team's folder before).`
          : `No team yet: the studio's page asks where it works. ${choices.note ?? ''} (--cwd DIR suggests one.)`,
  );
  for (const s of started)
    out(
      s.error
        ? `  ${s.name}: not running: ${s.error}`
        : `  ${s.name}: ${s.ready ? 'ready' : 'started, still starting'}`,
    );
  // Command lines are readable by every local user: the browser gets a private page's address.
  if (values.open && running.uiBuilt) {
    const page = writeOpenPage(dataDir, codeLink(running.http.urls.base, running.http.issueUiCode()));
    if (!(await openInBrowser(page)))
      log.logger.info('No browser opener here: open the link above in a browser.');
  }
}

/** A command that needs a running studio, run with none. */
const noStudio = (): string =>
  `No studio is running on this data folder: start one with \`${run('serve')}\`.`;

/** Above a listing made from the files while no studio runs: nothing in it is running now. */
const notRunning = (): string =>
  `No studio is running on this data folder, so none of its agents runs now: start it with \`${run('serve')}\` (the agents that were running when it stopped start with it).`;

/**
 * A note about mail or a task nobody will be woken by, with what the person can run about it
 * now: a command only when it will work in the state things are in.
 */
async function withHint(
  warning: string,
  service: StudioCalls,
  running: boolean,
  name: string | null | undefined,
): Promise<string> {
  const agent = name
    ? (await service.listAgents()).find((a) => a.name.toLowerCase() === name.toLowerCase())
    : undefined;
  if (!agent || agent.kind !== 'agent' || agent.remote) return warning;
  if (!running) {
    const start = agent.autostart
      ? `${agent.name} starts with it`
      : `then start ${agent.name} with \`${run(`agent start ${shellWord(agent.name)}`)}\``;
    return `${warning} Start the studio with \`${run('serve')}\`; ${start}.`;
  }
  if ((agent.state === 'exited' || agent.state === 'unknown') && !agent.lastExit?.restartAt)
    return `${warning} Start it with \`${run(`agent start ${shellWord(agent.name)}`)}\`.`;
  const hint = waitingHint(agent, run);
  return hint ? `${warning} ${hint}` : warning;
}

/** `ccstudio open`: a current link to the running studio's UI, opened or printed. */
async function openCommand(values: Values, dataDir: string): Promise<number> {
  const info = runningStudio(dataDir);
  if (!info) throw new UsageError(`No studio is running on ${dataDir}: start one with \`${run('serve')}\`.`);
  if (
    !values.print &&
    canOpenBrowser(process.env) &&
    (await openInBrowser(writeOpenPage(dataDir, codeLink(info.baseUrl, await fetchUiCode(info)))))
  ) {
    out(`Opened the studio in your browser. To open it elsewhere: ${run('open --print')}
(A browser installed as a snap or flatpak cannot read the private page it was handed, in the data
folder: if yours says so, use the link that prints.)`);
    return 0;
  }
  out(`${tokenLink(info)}
(The link carries the studio's UI token: treat it like a password. It stays valid across restarts.)`);
  return 0;
}

/** An agent just added: started if a studio runs, and a sentence saying how that went. */
async function startAdded(service: StudioCalls, running: boolean, name: string): Promise<string> {
  if (!running)
    return `No studio is running: start one with \`${run('serve')}\`, then start ${name} with \`${run(`agent start ${shellWord(name)}`)}\`.`;
  try {
    const agent = await service.startAgent(name);
    return `It is running in the studio${agent.state === 'idle' ? ', ready at its prompt' : ''}.`;
  } catch (err) {
    return `It is not running: ${(err as Error).message}`;
  }
}

/** How `agent add` names, in its errors, the options a person can combine wrongly. */
const AGENT_ADD_FLAGS: OptionNames = {
  ssh: '--ssh',
  command: '--command',
  takesPrompts: '--takes-prompts',
  sandbox: '--sandbox',
  remote: '--remote',
  worktree: '--worktree',
  base: '--base',
  worktreeDir: '--worktree-dir',
};

/** `agent add`'s options as a request: folders on this machine resolved, one over SSH named as there. */
function agentRequest(values: Values, name: string): AgentRequest {
  const here = (path: string | undefined) =>
    path !== undefined && values.ssh === undefined ? resolve(path) : path;
  return {
    name,
    role: values.role,
    summary: values.summary,
    rolePrompt: values.prompt,
    cwd: here(values.cwd),
    remote: values.remote,
    ssh: values.ssh,
    command: values.command,
    takesPrompts: values['takes-prompts'],
    sandbox: values.sandbox,
    worktree: values.worktree,
    base: values.base,
    worktreeDir: here(values['worktree-dir']),
  };
}

/** `ccstudio agent add NAME`: a local agent (started if a studio runs), or a remote one with its token. */
async function agentAdd({
  values,
  rest,
  service,
  mcpUrl,
  running,
}: Omit<CommandContext, 'sub'>): Promise<number> {
  const name = rest[0];
  if (!name) throw usageError('Give the agent a name.', 'agent', 'add');
  noMore(rest.slice(1), 'agent', 'add');
  const added = await service.addAgent(buildAddAgentInput(agentRequest(values, name), AGENT_ADD_FLAGS));
  if (values.ssh !== undefined) return agentAddedSsh({ values, added, service, running });
  const url = added.mcpUrl || mcpUrl;
  const line = mcpAddLine(url, added.token);
  if (!values.remote) {
    const started = await startAdded(service, running, added.agent.name);
    const ws = added.agent.workspace;
    const where = ws ? ` Its worktree: ${ws.path}, on ${ws.branch} from ${ws.base}.` : '';
    if (values.json) json({ name: added.agent.name, local: true, started, ...(ws ? { workspace: ws } : {}) });
    else
      out(
        `Added agent ${added.agent.name}${added.agent.role ? ` (${added.agent.role})` : ''}.${where} ${started}`,
      );
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

/** `ccstudio agent add NAME --ssh DEST`: Claude Code on another machine, in a tile like any other. */
async function agentAddedSsh({
  values,
  added,
  service,
  running,
}: Pick<CommandContext, 'values' | 'service' | 'running'> & { added: AddedAgent }): Promise<number> {
  const host = added.agent.ssh?.dest ?? values.ssh!;
  const started = await startAdded(service, running, added.agent.name);
  const ws = added.agent.workspace;
  const where = ws ? ` Its worktree there: ${ws.path}, on ${ws.branch} from ${ws.base}.` : '';
  if (values.json)
    json({ name: added.agent.name, ssh: added.agent.ssh, started, ...(ws ? { workspace: ws } : {}) });
  else out(`Added agent ${added.agent.name} on ${host}.${where} ${started}`);
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
    noMore(rest, 'agent', 'list');
    const agents = await service.listAgents();
    if (values.json) json(agents);
    else {
      if (!running) out(notRunning());
      out(formatAgents(agents, run));
    }
    return 0;
  }
  if (sub === 'start' || sub === 'stop' || sub === 'restart' || sub === 'screen' || sub === 'kick') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', sub);
    noMore(rest.slice(1), 'agent', sub);
    if (!running && sub !== 'stop') {
      throw new UsageError(noStudio());
    }
    // What happened, not what was asked: a program that exits at once is an error (startAgent).
    if (sub === 'start' || sub === 'restart') {
      const agent = await (sub === 'start' ? service.startAgent(name) : service.restartAgent(name));
      const hint = waitingHint(agent, run);
      out(
        `${sub === 'start' ? 'Started' : 'Restarted'} ${agent.name}: ${agent.state === 'idle' ? 'ready at its prompt' : `running (${agentStateLabel(agent)})`}.${hint ? ` ${hint}` : ''}`,
      );
    } else if (sub === 'screen') out(trimScreen(await service.readScreen(name)));
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
    if (!name || !keys.length) throw usageError('Name the agent and the keys to send it.', 'agent', 'keys');
    if (!running) throw new UsageError(noStudio());
    await service.sendKeys(name, keys);
    out(`Sent ${keys.join(' ')} to ${name}.`);
    return 0;
  }
  if (sub === 'remove') {
    if (!rest[0]) throw usageError('Name the agent to remove.', 'agent', 'remove');
    noMore(rest.slice(1), 'agent', 'remove');
    const agent = (await service.listAgents()).find((a) => a.name.toLowerCase() === rest[0]!.toLowerCase());
    await service.removeAgent(rest[0], values['remove-worktree'] ? { removeWorktree: true } : {});
    const kept = agent?.workspace && !values['remove-worktree'];
    out(
      `Removed ${rest[0]}.${kept ? ` Its worktree stays at ${agent.workspace!.path} (branch ${agent.workspace!.branch}); remove it with --remove-worktree, or add an agent of the same name to take it up again.` : values['remove-worktree'] ? ' Its worktree and merged branches are gone.' : ''}`,
    );
    return 0;
  }
  if (sub === 'release') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', 'release');
    noMore(rest.slice(1), 'agent', 'release');
    const before = (await service.listAgents()).find((a) => a.name.toLowerCase() === name.toLowerCase());
    const agent = await service.releaseAgent(name);
    out(
      before?.hold ? `Released ${agent.name}: its mail goes through again.` : `${agent.name} was not held.`,
    );
    return 0;
  }
  if (sub === 'budget') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', 'budget');
    noMore(rest.slice(1), 'agent', 'budget');
    const tokens = values.tokens !== undefined ? count('tokens', values.tokens) : undefined;
    const turns = values.turns !== undefined ? count('turns', values.turns) : undefined;
    if (values.off && (tokens || turns))
      throw usageError('Give a budget or --off, not both.', 'agent', 'budget');
    if (!values.off && tokens === undefined && turns === undefined) {
      const agent = (await service.listAgents()).find((a) => a.name.toLowerCase() === name.toLowerCase());
      if (!agent) throw new UsageError(`No agent called ${name}.`);
      out(formatBudget(agent));
      return 0;
    }
    const agent = await service.setBudget(
      name,
      values.off
        ? null
        : {
            ...(tokens !== undefined ? { tokensPerHour: tokens } : {}),
            ...(turns !== undefined ? { turnsPerHour: turns } : {}),
          },
    );
    out(formatBudget(agent));
    return 0;
  }
  if (sub === 'changes' || sub === 'diff' || sub === 'merge' || sub === 'pr') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', sub);
    noMore(rest.slice(1), 'agent', sub);
    return workCommand(sub, { agent: name }, values, service);
  }
  throw unknownSub('agent', sub);
}

/** `ccstudio status`: agents, unread counts, open tasks, recent activity. */
async function statusCommand({ values, sub, rest, service, running }: CommandContext): Promise<number> {
  noMore([sub, ...rest], 'status');
  const status = await service.status();
  if (values.json) json(status);
  else {
    if (!running) out(notRunning());
    out(formatStatus(status, run));
  }
  return 0;
}

/** `ccstudio send NAME TEXT [--urgent]`, as the person. */
async function sendCommand({ values, sub, rest, service, running }: CommandContext): Promise<number> {
  const text = rest.join(' ');
  if (!sub || !text) throw usageError('Name the agent and give the text to send.', 'send');
  const m = await service.sendMessage({ to: sub, body: text, ...(values.urgent ? { urgent: true } : {}) });
  out(`Sent ${values.urgent ? 'urgent ' : ''}message #${m.id} to ${sub}.`);
  if (m.warning) warn(await withHint(m.warning, service, running, sub));
  return 0;
}

/** `ccstudio notify`: the webhook attention notices go to. */
async function notifyCommand({ values, sub, rest, service }: CommandContext): Promise<number> {
  noMore([sub, ...rest], 'notify');
  if (values.off && values.webhook) throw usageError('Give --webhook URL or --off, not both.', 'notify');
  if (values.topic && !values.webhook) throw usageError('--topic goes with --webhook URL.', 'notify');
  let status = await service.notifyStatus();
  if (values.off) status = await service.setNotify({ webhookUrl: null, webhookTopic: null });
  else if (values.webhook)
    status = await service.setNotify({ webhookUrl: values.webhook, webhookTopic: values.topic ?? null });
  if (values.test) status = await service.testNotify();
  if (values.json) json(status);
  else out(formatNotify(status, !!values.test));
  return 0;
}

/** `ccstudio tabs [end ID]`: the browser tabs let into the UI, and signing one out. */
async function tabsCommand({ values, sub, rest, service }: CommandContext): Promise<number> {
  if (sub === 'end') {
    const [raw, ...more] = rest;
    noMore(more, 'tabs', 'end');
    const id = Number(raw);
    if (!raw || !Number.isInteger(id) || id <= 0)
      throw usageError(
        `Give a tab's id from \`${run('tabs')}\`, e.g. \`${run('tabs end 3')}\`.`,
        'tabs',
        'end',
      );
    await service.endTab(id);
    out(`Tab #${id} is signed out.`);
    return 0;
  }
  if (sub !== undefined) throw unknownSub('tabs', sub);
  noMore(rest, 'tabs');
  const tabs = await service.listTabs();
  if (values.json) json(tabs);
  else out(formatTabs(tabs));
  return 0;
}

/** `ccstudio inbox`: the person's unread mail, marked read. */
async function inboxCommand({ values, sub, rest, service }: CommandContext): Promise<number> {
  noMore([sub, ...rest], 'inbox');
  const items = await service.personInbox();
  if (values.json) json(items);
  else if (!items.length) out('No unread messages.');
  else
    for (const m of items)
      out(`#${m.id} from ${m.from}${m.type !== 'text' ? ` [${m.type}]` : ''}: ${printableBlock(m.body)}`);
  return 0;
}

/** `ccstudio task add|list|show|update`. */
async function taskCommand({ values, sub, rest, service, running }: CommandContext): Promise<number> {
  if (sub === 'add') {
    const title = rest.join(' ');
    if (!title) throw usageError('Give the task a title.', 'task', 'add');
    const priority = oneOf<TaskPriority>('priority', values.priority, TASK_PRIORITIES);
    const task = await service.createTask({
      title,
      ...(values.body !== undefined ? { body: values.body } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(priority ? { priority } : {}),
    });
    if (values.json) json(task);
    else out(`Created task #${task.id} (${task.status}${task.assignee ? `, ${task.assignee}` : ''}).`);
    if (task.warning && !values.json) warn(await withHint(task.warning, service, running, task.assignee));
    return 0;
  }
  if (sub === 'list') {
    noMore(rest, 'task', 'list');
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
    const id = taskIdArg(rest[0], 'show');
    noMore(rest.slice(1), 'task', 'show');
    const task = await service.getTask(id);
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
    const id = taskIdArg(rest[0], 'update');
    noMore(rest.slice(1), 'task', 'update');
    const status = oneOf<TaskStatus>('status', values.status, TASK_STATUSES);
    const task = await service.updateTask({
      id,
      ...(status ? { status } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(values.result !== undefined ? { result: values.result } : {}),
      ...(values.note !== undefined ? { note: values.note } : {}),
    });
    if (values.json) json(task);
    else out(`Task #${task.id} is ${task.status}${task.assignee ? ` (${task.assignee})` : ''}.`);
    if (task.warning && !values.json) warn(await withHint(task.warning, service, running, task.assignee));
    return 0;
  }
  if (sub === 'diff' || sub === 'merge' || sub === 'pr') {
    const id = taskIdArg(rest[0], sub);
    noMore(rest.slice(1), 'task', sub);
    return workCommand(sub, { taskId: id }, values, service);
  }
  if (sub === 'back') {
    const id = taskIdArg(rest[0], 'back');
    noMore(rest.slice(1), 'task', 'back');
    if (!values.note) throw usageError('Say what to change with --note.', 'task', 'back');
    const task = await service.sendBack({ taskId: id, note: values.note });
    out(`Task #${task.id} went back to ${task.assignee} (${task.status}), with your note as mail.`);
    return 0;
  }
  throw unknownSub('task', sub);
}

/** Review and merge, for an agent's worktree or a task's branch. */
async function workCommand(
  sub: 'changes' | 'diff' | 'merge' | 'pr',
  target: { agent: string } | { taskId: number },
  values: CommandContext['values'],
  service: StudioCalls,
): Promise<number> {
  if (sub === 'changes' && 'agent' in target) {
    const changes = await service.agentChanges(target.agent);
    if (values.json) json(changes);
    else {
      // What a merge would do now, by its own checks; one that cannot tell says why.
      const merge = await service.previewMerge(target).then(
        (p) => p.text,
        (err: Error) => `cannot tell: ${err.message}`,
      );
      out(`${formatChanges(changes)}\n  merge: ${printableLine(merge)}`);
    }
  } else if (sub === 'diff') {
    const diff = await service.workDiff(target);
    if (!diff.patch) out(`No changes on ${diff.branch} against ${diff.base}.`);
    else stdout.write(printable(diff.patch));
    if (diff.truncated) warn('The diff was cut: it is larger than the studio sends at once.');
  } else if (sub === 'merge') {
    const input = {
      ...target,
      ...(values.into !== undefined ? { into: values.into } : {}),
      mode: values.ff ? ('fast-forward' as const) : ('merge-commit' as const),
    };
    if (values['dry-run']) {
      const preview = await service.previewMerge(input);
      if (values.json) json(preview);
      else out(printableLine(preview.text));
      return preview.refusal ? 1 : 0;
    }
    const result = await service.merge(input);
    if (values.json) json(result);
    else
      out(
        `Merged ${result.branch} into ${result.into} (${result.mode === 'fast-forward' ? 'fast-forward' : 'merge commit'} ${result.commit.slice(0, 10)}): ${result.files.length} file${result.files.length === 1 ? '' : 's'} changed.${result.taskId ? ` Task #${result.taskId} is done.` : ''}`,
      );
  } else if (sub === 'pr') {
    out(`Opened ${await service.openPullRequest(target)}`);
  } else throw new UsageError('changes is for an agent: `agent changes NAME`.');
  return 0;
}

/** Where the person looks for what a studio error did not find (the MCP tools name their own). */
const LOOK_HERE: Record<StudioErrorSubject, () => string> = {
  task: () => `\`${run('task list')}\` shows the tasks.`,
};

/** The commands that run against a studio (running, or its files). */
const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  agent: agentCommand,
  status: statusCommand,
  send: sendCommand,
  notify: notifyCommand,
  tabs: tabsCommand,
  inbox: inboxCommand,
  task: taskCommand,
};

/**
 * Node's parser errors in the CLI's words: its own text quotes the option unevenly and speaks of
 * positionals. Anything else is left as it is.
 */
function parseErrorMessage(err: { code?: string; message: string }): string | undefined {
  if (!err.code?.startsWith('ERR_PARSE_ARGS')) return undefined;
  // Node names the option in its first quotes: '--bogus', '--port <value>', '-h, --help'.
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option =
    quoted
      .split(/[\s,]+/)
      .filter((w) => w.startsWith('-'))
      .pop() ?? 'that option';
  const help = `\`${thisCcstudioCommand()} --help\` lists the options.`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown option ${option}. ${help}`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(err.message)) return `Option ${option} takes no value. ${help}`;
    return `Option ${option} needs a value (${option} VALUE, or ${option}=VALUE for one that starts with -). ${help}`;
  }
  return `${err.message} ${help}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  if (values.version) {
    out(studioVersion());
    return 0;
  }
  if (values.help || !command) {
    out(runnable(USAGE));
    return command || values.help ? 0 : 2;
  }
  const dataDir = resolveDataDir(values.data);
  if (values.data !== undefined) dataWords = ` --data ${shellWord(dataDir)}`;

  if (command === 'open') {
    noMore([sub, ...rest], 'open');
    return openCommand(values, dataDir);
  }

  if (command === 'serve') {
    // `npm run serve --port 0`: npm took --port, and its 0 reached us as an argument.
    const script = process.env.npm_lifecycle_script ?? '';
    const tookByNpm = /ccstudio\.js\b/.test(script)
      ? npmTookMessage(process.env, positionals.slice(1), /ccstudio\.js serve\b/.test(script) ? '' : 'serve')
      : undefined;
    if (tookByNpm) throw new UsageError(tookByNpm);
    noMore(positionals.slice(1), 'serve');
    return serveCommand(values, dataDir);
  }

  const handler = COMMANDS[command];
  if (!handler) throw new UsageError(`Unknown command "${command}".\n\n${runnable(USAGE)}`);
  const { service, mcpUrl, running, close } = await openService(dataDir);
  try {
    return await handler({ values, sub, rest, service, mcpUrl, running });
  } finally {
    await close();
  }
}

/**
 * Node's fetch can leave a request pending for good when the studio closes the connection as the
 * request goes out; with nothing left to wait on, the process would end there, printing nothing,
 * with exit code 0, as if the command had worked. It says so instead.
 */
let settled = false;
process.once('beforeExit', () => {
  if (settled) return;
  stderr.write(
    `ccstudio: the studio closed the connection without answering, so this command may or may not have taken effect. Check with \`${run('status')}\` and try again.\n`,
  );
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err: unknown) => {
    settled = true;
    const parseError = err instanceof Error ? parseErrorMessage(err as Error & { code?: string }) : undefined;
    if (err instanceof UsageError || isStudioError(err) || parseError) {
      const hint = isStudioError(err) && err.subject ? ` ${LOOK_HERE[err.subject]()}` : '';
      stderr.write(`ccstudio: ${printable(parseError ?? (err as Error).message)}${hint}\n`);
      process.exitCode = 2;
    } else {
      stderr.write(`ccstudio: ${printable((err as Error)?.message ?? String(err))}\n`);
      process.exitCode = 1;
    }
  },
);
