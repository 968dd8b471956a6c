// Runs test/fixtures/fakeAgent.mjs (a fast, deterministic stand-in for Claude Code's TUI) in real
// PTYs: on its own in a PtySession, or as local agents of a real studio with its MCP server.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import * as nodePty from 'node-pty';
import type { Agent, AgentState } from '../../main/contract/model.js';
import { PtySession, type SpawnPty } from '../../main/core/sessions/ptySession.js';
import { MAX_ENTER_RETRIES } from '../../main/core/sessions/terminalWriter.js';
import type { TerminalOptions } from '../../main/core/studio.js';
import { createStudioWithParts, type StudioWithParts } from './studioParts.js';
import { systemClock } from '../../main/core/util/clock.js';
import { listen, serveStudio, type McpHttpServer } from '../../server/httpServer.js';
import { connectMcpClient, tempDir } from './studioHarness.js';
import { waitFor } from './waitFor.js';

export const FAKE_AGENT = join(process.cwd(), 'test/fixtures/fakeAgent.mjs');

export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';
/** A bracketed paste's end and its Enter plus every re-sent one. */
const ENTER_RETRIES_AFTER_PASTE = new RegExp(`\u001b\\[201~\r{1,${1 + MAX_ENTER_RETRIES}}`, 'g');

/** node-pty behind the studio's SpawnPty shape, as the real host (main/host/studioHost.ts) wires it. */
export const spawnPty: SpawnPty = (file, args, options) => nodePty.spawn(file, args, options);

export interface FakeAgentOptions {
  /** How long a turn runs (FAKE_BUSY_MS). */
  busyMs?: number;
  /** Ignore the first Enter (FAKE_DROP_FIRST_ENTER). */
  dropFirstEnter?: boolean;
  /** Ignore the first n Enters (FAKE_DROP_ENTERS). */
  dropEnters?: number;
  /** A prompt containing "perm" opens a permission dialog (FAKE_PERMISSION). */
  permission?: boolean;
  /** Never enable bracketed paste (FAKE_NO_PASTE). */
  noPaste?: boolean;
  /** Survive SIGTERM (FAKE_IGNORE_SIGTERM). */
  ignoreSigterm?: boolean;
  /** Launched as Claude Code: list the studio's MCP tools this long after the prompt, or never (FAKE_MCP_DELAY_MS). */
  mcpDelayMs?: number | 'never';
}

export interface FakeAgentInStudioOptions extends FakeAgentOptions {
  /**
   * `command` (the default): a command profile running the fake, tracked as a plain terminal.
   * `claude`: a Claude profile whose `claude` is the fake (through a wrapper script), so the studio
   * launches it with Claude Code's arguments and tracks it as Claude Code.
   */
  profile?: 'command' | 'claude';
  rolePrompt?: string;
}

/** What a fake agent logged: every raw chunk it read and every prompt it submitted. */
export class FakeAgentLogs {
  constructor(
    readonly inputLog: string,
    readonly promptLog: string,
    readonly argvLog: string,
  ) {}

  private static lines(file: string): string[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string);
  }

  /** Raw chunks read from the terminal, in order. */
  inputs(): string[] {
    return FakeAgentLogs.lines(this.inputLog);
  }

  /** Everything read from the terminal, joined. */
  typed(): string {
    return this.inputs().join('');
  }

  /**
   * typed(), with the Enters the writer re-sent folded into one. After typing a text the writer
   * reads the screen and re-sends only the Enter (up to MAX_ENTER_RETRIES times) if the text still
   * shows; a loaded machine redraws late enough for that to happen. The text itself must appear
   * exactly as often as it was meant to, so tests compare this when Enter retries are not their subject.
   */
  typedFoldingEnterRetries(): string {
    return this.typed().replace(ENTER_RETRIES_AFTER_PASTE, PASTE_END + '\r');
  }

  /** Prompts submitted (Enter on a non-empty input box), in order. */
  prompts(): string[] {
    return FakeAgentLogs.lines(this.promptLog);
  }

  /** The command-line arguments of each start, in order. */
  argvs(): string[][] {
    if (!existsSync(this.argvLog)) return [];
    return readFileSync(this.argvLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
  }

  describe(): string {
    return `inputs: ${JSON.stringify(this.inputs())}\nprompts: ${JSON.stringify(this.prompts())}`;
  }
}

/** Arguments that launch the fake agent with its own logs in `dir`. */
export function fakeAgentArgs(
  dir: string,
  name: string,
  options: FakeAgentOptions = {},
): { args: string[]; settings: string[]; logs: FakeAgentLogs } {
  mkdirSync(dir, { recursive: true });
  const logs = new FakeAgentLogs(
    join(dir, `${name}.input.jsonl`),
    join(dir, `${name}.prompts.jsonl`),
    join(dir, `${name}.argv.jsonl`),
  );
  const settings: Record<string, string | undefined> = {
    FAKE_INPUT_LOG: logs.inputLog,
    FAKE_PROMPT_LOG: logs.promptLog,
    FAKE_ARGV_LOG: logs.argvLog,
    FAKE_BUSY_MS: options.busyMs !== undefined ? String(options.busyMs) : undefined,
    FAKE_DROP_FIRST_ENTER: options.dropFirstEnter ? '1' : undefined,
    FAKE_DROP_ENTERS: options.dropEnters !== undefined ? String(options.dropEnters) : undefined,
    FAKE_PERMISSION: options.permission ? '1' : undefined,
    FAKE_NO_PASTE: options.noPaste ? '1' : undefined,
    FAKE_IGNORE_SIGTERM: options.ignoreSigterm ? '1' : undefined,
    FAKE_MCP_DELAY_MS: options.mcpDelayMs !== undefined ? String(options.mcpDelayMs) : undefined,
  };
  const pairs = Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return { args: [FAKE_AGENT, ...pairs], settings: pairs, logs };
}

/** The idle input box is drawn and empty (what the classifier needs to call the screen idle). */
export function showsIdleBox(screen: string): boolean {
  const lines = screen.split('\n').map((l) => l.trimEnd());
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return (
    lines.length >= 4 &&
    /auto mode on \(shift\+tab to cycle\)$/.test(lines[lines.length - 1]!) &&
    lines[lines.length - 3] === '❯'
  );
}

export interface FakePty {
  pty: PtySession;
  logs: FakeAgentLogs;
  dir: string;
  /** Resolves once the fake agent has drawn its empty idle box. */
  ready(): Promise<void>;
  dispose(): Promise<void>;
}

/** The fake agent alone in a PtySession (no studio), started. */
export function startFakePty(options: FakeAgentOptions & { cols?: number; rows?: number } = {}): FakePty {
  const dir = tempDir('ccstudio-fakepty-');
  const { args, logs } = fakeAgentArgs(dir, 'fake', options);
  const pty = new PtySession(
    {
      command: process.execPath,
      args,
      cwd: dir,
      env: { ...(process.env as Record<string, string>), TERM: 'xterm-256color' },
      cols: options.cols ?? 120,
      rows: options.rows ?? 36,
    },
    spawnPty,
    systemClock,
  );
  pty.start();
  return {
    pty,
    logs,
    dir,
    async ready() {
      await waitFor(
        'the fake agent to draw its idle box',
        async () => {
          await pty.mirror.settled();
          return showsIdleBox(pty.mirror.text());
        },
        { describe: () => pty.mirror.text() },
      );
    },
    async dispose() {
      if (pty.running) await pty.stop();
      pty.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FakeAgent {
  name: string;
  id: number;
  logs: FakeAgentLogs;
  /** Its working folder (also where its logs are). */
  dir: string;
  agent(): Agent;
  /** The state the studio's tracker holds for it. */
  state(): AgentState;
  screen(): string;
  /** Starts it with studio.sessions.start and waits until it is idle. */
  start(): Promise<void>;
  waitForState(state: AgentState, timeoutMs?: number): Promise<void>;
  /** Waits until the prompt log has `n` prompts and returns them. */
  waitForPrompts(n: number, timeoutMs?: number): Promise<string[]>;
  describe(): string;
}

export interface FakeAgentStudio {
  studio: StudioWithParts;
  http: McpHttpServer;
  adminToken: string;
  /** The printed link's token: traded for a tab's session (see uiSession.ts), which opens /ui. */
  uiToken: string;
  dataDir: string;
  addFakeAgent(name: string, options?: FakeAgentInStudioOptions): FakeAgent;
  /** A remote agent (no terminal) that can send mail; returns its token. */
  addRemoteAgent(name: string): string;
  /** A connected SDK client acting as the token's agent. */
  connect(token: string): Promise<Client>;
  close(): Promise<void>;
}

/** An executable `claude` that runs the fake agent with whatever arguments it is given. */
export function writeFakeClaude(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'claude');
  writeFileSync(
    file,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_AGENT)} "$@"\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

/**
 * A real studio on disk with its MCP server on port 0, whose local agents run the fake agent in
 * real PTYs. Timings default to quick ones so tests stay fast. `claude` is the fake (see
 * writeFakeClaude) and HOME is a fresh folder, unless the options say otherwise.
 */
export async function startFakeAgentStudio(
  terminals: Partial<Omit<TerminalOptions, 'spawnPty' | 'hookCommand'>> = {},
): Promise<FakeAgentStudio> {
  const dataDir = tempDir('ccstudio-fakestudio-');
  // Agents work outside the data folder, as a person's projects do (a sandboxed agent must).
  const workRoot = tempDir('ccstudio-fakework-');
  const home = join(dataDir, 'home');
  mkdirSync(home);
  const listener = await listen({ port: 0 });
  const studio = createStudioWithParts({
    dataDir,
    urls: listener.urls,
    terminals: {
      spawnPty,
      hookCommand: 'true',
      claudeCommand: writeFakeClaude(join(dataDir, 'bin')),
      baseEnv: { ...process.env, HOME: home },
      enterDelayMs: 60,
      verifyDelayMs: 300,
      wakeCooldownMs: 200,
      ...terminals,
    },
  });
  const adminToken = 'admin-' + Math.random().toString(36).slice(2);
  const uiToken = 'ui-' + Math.random().toString(36).slice(2);
  const http = serveStudio(listener, { studio, adminToken, uiToken });
  const clients: Client[] = [];

  const addFakeAgent = (name: string, options: FakeAgentInStudioOptions = {}): FakeAgent => {
    const dir = join(workRoot, name);
    const { args, settings, logs } = fakeAgentArgs(dir, name, options);
    const { agent } = studio.agents.add({
      name,
      cwd: dir,
      profile:
        options.profile === 'claude'
          ? { kind: 'claude', args: settings }
          : { kind: 'command', command: process.execPath, args, takesPrompts: true },
      ...(options.rolePrompt ? { rolePrompt: options.rolePrompt } : {}),
    });
    const id = agent.id;
    const live = () => studio.sessions.get(id);
    const describe = () =>
      `state: ${live()?.tracker.state ?? '(no session)'}\nscreen:\n${live()?.pty.mirror.text() ?? ''}\n${logs.describe()}`;
    const fake: FakeAgent = {
      name,
      id,
      logs,
      dir,
      agent: () => studio.agents.require(name),
      state: () => live()?.tracker.state ?? studio.agents.require(name).state,
      screen: () => live()?.pty.mirror.text() ?? '',
      async start() {
        studio.sessions.start(name);
        await fake.waitForState('idle');
      },
      async waitForState(state, timeoutMs = 10_000) {
        await waitFor(`${name} to be ${state}`, () => fake.state() === state, { timeoutMs, describe });
      },
      async waitForPrompts(n, timeoutMs = 10_000) {
        return waitFor(
          `${name} to have ${n} prompt(s)`,
          () => {
            const p = logs.prompts();
            return p.length >= n && p;
          },
          { timeoutMs, describe },
        );
      },
      describe,
    };
    return fake;
  };

  return {
    studio,
    http,
    adminToken,
    uiToken,
    dataDir,
    addFakeAgent,
    addRemoteAgent: (name) => studio.agents.add({ name, remote: true }).token,
    async connect(token) {
      const client = await connectMcpClient(http.url, token);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await http.close();
      await studio.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(workRoot, { recursive: true, force: true });
    },
  };
}
