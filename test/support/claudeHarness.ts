// Runs the real Claude Code CLI (pinned in test/tools) as studio agents, driven by the scripted
// model stub on loopback: a throwaway HOME with a pre-seeded ~/.claude.json, a dummy API key,
// and ANTHROPIC_BASE_URL pointing at the stub. No account, no network.
import { findUiDir } from '../../main/host/studioHost.js';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as nodePty from 'node-pty';
import type { Agent, AgentProfile } from '../../main/contract/model.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import type { StudioOptions } from '../../main/core/studio.js';
import { createStudioWithParts, type StudioWithParts } from './studioParts.js';
import { silentLogger, type Logger } from '../../main/core/util/logger.js';
import { studioInfoFor, writeStudioInfo } from '../../main/core/studioInfo.js';
import { defaultWorktreeParent } from '../../main/core/workspaces/workspaceNames.js';
import { listen, serveStudio, type McpHttpServer } from '../../server/httpServer.js';
import { MCP_SERVER_NAME } from '../../server/mcp/sessionServer.js';
import { GIT_TEST_ENV, makeRepo } from './gitRepo.js';
import { startModelStub, type ModelStub, type StubRequest, type StubScript } from './modelStub.js';
import { tempDir } from './studioHarness.js';
import { waitFor as pollFor } from './waitFor.js';
import { claudeStubEnv, seedClaudeHome } from './claudeEnv.js';
import type { SkipReason } from './skipReason.js';

const root = process.cwd();
export const CLAUDE_BIN = join(root, 'test/tools/node_modules/.bin/claude');
export const HOOK_REPORTER = join(root, 'dist/main/host/hookReporter.mjs');
export const claudeMissing = !existsSync(CLAUDE_BIN) || !existsSync(HOOK_REPORTER);
/** Why the real-CLI tests cannot run here, or undefined when they can. */
export const claudeMissingReason: SkipReason = claudeMissing
  ? 'the pinned Claude Code (test/tools/node_modules/.bin/claude) or dist/ is missing: npm test installs and builds them'
  : undefined;

/** A folder for a worktree crew's repository that is not the system's temp folder. */
const OUTSIDE_TMP = '/var/tmp';

export interface CrewAgent {
  name: string;
  rolePrompt?: string;
  commander?: boolean;
  /** Extra Claude Code arguments, e.g. ['--permission-mode', 'default']. */
  args?: string[];
  /** The sandboxed profile: Claude Code's own sandbox, the data folder out of reach. */
  sandbox?: boolean;
  /** A git worktree of its own, made by the studio from the crew's folder (then a repository). */
  worktree?: boolean;
  /**
   * Runs on the other machine the crew's `remote` option sets up, over SSH (with `worktree`: in a
   * worktree made there, from the repository the remote's folder is).
   */
  ssh?: boolean;
}

/** Another machine for a crew's SSH agents: how the studio reaches it, and where they work there. */
export interface CrewRemote {
  sshCommand: string;
  dest: string;
  cwd: string;
  /** Claude Code there (default: `claude` on its PATH). */
  command?: string;
}

export interface ClaudeCrew {
  studio: StudioWithParts;
  http: McpHttpServer;
  stub: ModelStub;
  work: string;
  home: string;
  /** The studio's data folder, with a studio.json as `serve` writes it (admin token included). */
  dataDir: string;
  adminToken: string;
  /** The page with the UI token, as `serve` prints it (the UI is served when it is built). */
  uiUrl: string;
  agent(name: string): Agent;
  /** Main-turn requests the stub saw from one agent (side requests excluded). */
  requestsFrom(name: string): StubRequest[];
  /** Each agent's state, mail, wakes, last model requests and screen tail: what a timeout shows. */
  describe(): string;
  /** waitFor whose timeout says what describe() says. */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Which studio agent a request came from: the briefing names it in the system prompt. */
export function agentOf(req: StubRequest): string | undefined {
  const text = typeof req.system === 'string' ? req.system : JSON.stringify(req.system ?? '');
  return /Your name in the studio is ([A-Za-z0-9_.-]+)\./.exec(text)?.[1];
}

/** The shared poll (./waitFor.ts) with defaults for the real CLI, which is slow to start. */
export function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  return pollFor(what, check, { timeoutMs, everyMs });
}

/** Rows of an agent's screen a timeout shows: its input box, footer and the last lines above. */
const SCREEN_TAIL_ROWS = 20;
/** Model requests per agent a timeout shows, newest last. */
const REQUESTS_SHOWN = 3;

/** A model request as a timeout shows it: the prompt, the studio's tools offered or not, tool results. */
function requestLine(r: StubRequest): string {
  const offered = r.tools.some((t) => t.name.startsWith(`mcp__${MCP_SERVER_NAME}__`));
  const results = r.toolResults.map((t) => `${t.isError ? 'error ' : ''}${t.text.slice(0, 120)}`);
  return [
    JSON.stringify(r.prompt.slice(0, 80)),
    offered ? '' : " (the studio's tools not offered)",
    results.length ? ` results: ${results.join(' | ')}` : '',
  ].join('');
}

/**
 * What one agent of a crew was doing: its state and CLI version, its unread mail, the wakes the
 * studio typed or handed to it, the last model requests it made and the tail of its screen.
 */
function describeAgent(studio: StudioWithParts, name: string, requests: StubRequest[]): string {
  const agent = studio.agents.get(name);
  if (!agent) return `${name}: not in the studio`;
  const wakes = studio.wake
    .recentWakes()
    .filter((w) => w.agentId === agent.id)
    .map((w) => `${w.via}${w.submitted ? '' : ' (not submitted)'}`);
  const seen = agent.lastSeenAt ? `${Date.now() - agent.lastSeenAt} ms ago` : 'never';
  let screen: string;
  try {
    screen = studio.sessions.screenTail(name, SCREEN_TAIL_ROWS);
  } catch (err) {
    screen = `(no screen: ${(err as Error).message})`;
  }
  return [
    `${name}: ${agent.state}, Claude Code ${agent.cliVersion || '(version unknown)'}, ` +
      `${studio.bus.unreadCount(agent.id)} unread, last tool call ${seen}`,
    `  wakes: ${wakes.join(', ') || 'none'}`,
    `  model requests: ${requests.length}${requests.length ? `, the last ${REQUESTS_SHOWN}:` : ''}`,
    ...requests.slice(-REQUESTS_SHOWN).map((r) => `    ${requestLine(r)}`),
    `  screen (its last ${SCREEN_TAIL_ROWS} rows with text):`,
    ...screen.split('\n').map((row) => `    | ${row}`),
  ].join('\n');
}

/** Requests to the MCP endpoint reach the studio no sooner than `until` (Date.now() ms). */
function holdMcpRequests(server: Server, until: number): void {
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    const url = (args[0] as { url?: string } | undefined)?.url ?? '';
    const wait = until - Date.now();
    if (event !== 'request' || !url.startsWith(STUDIO_PATHS.mcp) || wait <= 0) return emit(event, ...args);
    setTimeout(() => emit(event, ...args), wait);
    return true;
  }) as Server['emit'];
}

export async function startClaudeCrew(
  agents: CrewAgent[],
  script: StubScript,
  options: {
    dataDirPrefix?: string;
    /** Another Claude Code than the pinned one (the version matrix). */
    claudeCommand?: string;
    studio?: Pick<StudioOptions, 'pingPong' | 'resourceTiming'>;
    /** Sets up the machine `ssh` agents run on, once the model stub's URL is known. */
    remote?: (stubUrl: string) => Promise<CrewRemote>;
    /**
     * The folders ~/.claude.json says the person trusted: the crew's folder and every worktree
     * (the default), the crew's folder (its repository) only, or none.
     */
    trust?: 'all' | 'repository' | 'none';
    /** A HOME Claude Code has never run in (no ~/.claude.json: its first start checks its service). */
    freshHome?: boolean;
    /** Set over the agents' environment (undefined removes one, e.g. ANTHROPIC_API_KEY). */
    env?: NodeJS.ProcessEnv;
    /** Start the agents and return without waiting for them to be idle. */
    noWait?: boolean;
    /**
     * The studio answers MCP only this long after the agents start, as a loaded machine may:
     * Claude Code then draws its prompt before it has the studio's tools.
     */
    mcpLateMs?: number;
  } = {},
): Promise<ClaudeCrew> {
  const stub = await startModelStub(script);
  const remote = options.remote ? await options.remote(stub.url) : undefined;
  if (agents.some((a) => a.ssh) && !remote) throw new Error('ssh agents need the remote option');
  const home = tempDir('ccstudio-claude-home-');
  // A worktree crew's repository lives outside the temp folder, which Claude Code's sandbox lets
  // every command write: there, only what the studio allows (the repository's .git) is writable.
  const work =
    agents.some((a) => a.worktree) && existsSync(OUTSIDE_TMP)
      ? mkdtempSync(join(OUTSIDE_TMP, 'ccstudio-claude-work-'))
      : tempDir('ccstudio-claude-work-');
  const dataDir = tempDir(options.dataDirPrefix ?? 'ccstudio-claude-data-');
  const worktrees = agents
    .filter((a) => a.worktree && !a.ssh)
    .map((a) => join(defaultWorktreeParent(work), a.name));
  if (worktrees.length) makeRepo(work, { 'README.md': "The crew's project.\n" });
  const trust = options.trust ?? 'all';
  if (!options.freshHome)
    seedClaudeHome(home, trust === 'all' ? [work, ...worktrees] : trust === 'repository' ? [work] : []);
  // Agents commit in their worktrees: git needs an identity on a machine that has none set.
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...GIT_TEST_ENV,
    ...claudeStubEnv(home, stub.url),
    ...options.env,
  };
  const listener = await listen({ port: 0 });
  if (options.mcpLateMs) holdMcpRequests(listener.server, Date.now() + options.mcpLateMs);
  // Every hook body the real CLI sends must fit the studio's schemas (main/contract/hooks.ts): a
  // refused one is a hook the studio never heard, so close() fails the test that met it.
  const refusedHooks: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (msg, fields) => {
      if (msg === 'hook refused') refusedHooks.push(JSON.stringify(fields));
    },
  };
  const studio = createStudioWithParts({
    dataDir,
    urls: listener.urls,
    logger,
    terminals: {
      spawnPty: (file, args, options) => nodePty.spawn(file, args, options),
      hookCommand: `'${process.execPath}' '${HOOK_REPORTER}'`,
      claudeCommand: options.claudeCommand ?? CLAUDE_BIN,
      ...(remote ? { sshCommand: remote.sshCommand } : {}),
      baseEnv,
    },
    ...options.studio,
  });
  const adminToken = 'ccsa_' + randomBytes(24).toString('base64url');
  const uiToken = 'ccsu_' + randomBytes(24).toString('base64url');
  // The built UI (dist/renderer), for a browser test over a real crew.
  const uiDir = findUiDir();
  const http = serveStudio(listener, { studio, adminToken, uiToken, ...(uiDir ? { uiDir } : {}) });
  // studio.json as the host writes it: there is something real for a probe to try to read.
  writeStudioInfo(dataDir, studioInfoFor('127.0.0.1', listener.urls, { adminToken, uiToken }));
  for (const a of agents) {
    const profile: AgentProfile = {
      kind: 'claude',
      ...(a.args ? { args: a.args } : {}),
      ...(a.sandbox ? { sandbox: true } : {}),
    };
    const input = {
      name: a.name,
      cwd: work,
      profile,
      ...(a.rolePrompt ? { rolePrompt: a.rolePrompt } : {}),
      ...(a.commander ? { commander: true } : {}),
    };
    if (a.worktree && a.ssh && remote)
      // The repository there (remote.cwd); git there makes the worktree beside it.
      await studio.service.addAgent({
        ...input,
        cwd: remote.cwd,
        ssh: { dest: remote.dest, ...(remote.command ? { command: remote.command } : {}) },
        worktree: {},
      });
    else if (a.worktree) await studio.service.addAgent({ ...input, worktree: {} });
    else if (a.ssh && remote)
      await studio.service.addAgent({
        ...input,
        cwd: remote.cwd,
        ssh: { dest: remote.dest, ...(remote.command ? { command: remote.command } : {}) },
      });
    else studio.agents.add(input);
  }
  // An agent on another machine is reached (and its files written) before its terminal opens.
  for (const a of agents) if (!a.ssh) studio.sessions.start(a.name);
  await Promise.all(agents.filter((a) => a.ssh).map((a) => studio.sessions.startSettled(a.name)));
  const requestsFrom = (name: string) => stub.requests.filter((r) => !r.side && agentOf(r) === name);
  const describe = () => agents.map((a) => describeAgent(studio, a.name, requestsFrom(a.name))).join('\n');
  if (!options.noWait)
    await Promise.all(
      agents.map((a) =>
        pollFor(`${a.name} to be idle`, () => studio.agents.get(a.name)?.state === 'idle', {
          timeoutMs: 60_000,
          everyMs: 100,
          describe,
        }),
      ),
    );
  return {
    studio,
    http,
    stub,
    work,
    home,
    dataDir,
    adminToken,
    uiUrl: `${listener.urls.base}/?token=${uiToken}`,
    agent: (name) => studio.agents.require(name),
    requestsFrom,
    describe,
    waitFor: (what, check, timeoutMs = 60_000) => pollFor(what, check, { timeoutMs, everyMs: 100, describe }),
    async close() {
      await http.close();
      await studio.close();
      await stub.close();
      for (const d of [home, work, dataDir, defaultWorktreeParent(work)])
        rmSync(d, { recursive: true, force: true });
      if (refusedHooks.length)
        throw new Error(
          `The studio refused ${refusedHooks.length} hook bodies the real CLI sent; fit main/contract/hooks.ts to them: ${refusedHooks.slice(0, 3).join('; ')}`,
        );
    },
  };
}
