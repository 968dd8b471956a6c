import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodePty from 'node-pty';
import { shellQuote } from '../core/util/shellQuote.js';
import type { SpawnPty } from '../core/sessions/ptySession.js';
import { securePrivateTree } from '../core/store/dataDir.js';
import { acquireStudioLock } from '../core/store/studioLock.js';
import { createStudio, type Studio } from '../core/studio.js';
import { loadOrCreateUiToken } from './uiToken.js';
import { removeStudioInfo, studioInfoFor, writeStudioInfo } from '../core/studioInfo.js';
import type { Logger } from '../core/util/logger.js';
import { findPortOwner, listenFailure, portInUseMessage } from './listenFailure.js';
import { listen, serveStudio, type Listener, type McpHttpServer } from '../../server/httpServer.js';

/** What Claude Code runs for each hook of a studio agent (see hookReporter.mts). */
const HOOK_REPORTER = fileURLToPath(new URL('./hookReporter.mjs', import.meta.url));

/** Fixed by default so remote agents' `claude mcp add` lines stay valid across restarts. */
export const DEFAULT_PORT = 47100;

export interface HostOptions {
  dataDir: string;
  port?: number;
  host?: string;
  logger: Logger;
  /** Make sure a commander and this many agents exist (the seed's launch script did this). */
  agents?: number;
  /** A newcomer's first run: when the studio has no agents at all, add a commander and this many. */
  firstTeam?: number;
  /** Where new team members work, and the folder the UI suggests (default: the current folder). */
  teamCwd?: string;
  /** When the port is taken, listen on a free one instead of failing (the desktop app). */
  portFallback?: boolean;
  /** The Claude Code command (default `claude` on PATH). */
  claudeCommand?: string;
  /** Do not start the saved team (tests, or a studio serving only remote agents). */
  noStart?: boolean;
  /** Engineers of --agents or --first-team in worktrees of their own (see Studio.ensureTeam). */
  worktrees?: boolean;
  env?: NodeJS.ProcessEnv;
  /** A better-sqlite3 build for this runtime: the desktop app's, made for Electron's ABI. */
  nativeBinding?: string;
}

/**
 * The command Claude Code runs for each hook: this runtime running hookReporter.mjs. Inside the
 * desktop app the runtime is Electron's binary, which starts as Node only when told to (otherwise
 * every hook would launch a second app instance), and the script is read from outside the asar.
 */
export function hookCommandFor(
  execPath: string,
  script: string,
  electron: boolean,
  exists: (path: string) => boolean = existsSync,
): string {
  const unpacked = script.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  const file = electron && unpacked !== script && exists(unpacked) ? unpacked : script;
  return `${electron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}${shellQuote(execPath)} ${shellQuote(file)}`;
}

const spawnPty: SpawnPty = (file, args, options) => nodePty.spawn(file, args, options);

/**
 * The built renderer: dist/renderer under the package root, found by walking up from this file
 * (it runs from dist/ when built and installed, and from the source tree under the test runner).
 */
export function findUiDir(from = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const ui = join(dir, 'dist', 'renderer');
      return existsSync(join(ui, 'index.html')) ? ui : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export interface RunningStudio {
  /**
   * What became of the saved agents the host started (ready, still starting, or why not), once
   * each has settled: the terminals are launched before the host returns, but nothing waits for
   * this to serve (the desktop window opens at once). A start that failed is logged.
   */
  started: Promise<Array<{ name: string; ready?: boolean; error?: string }>>;
  studio: Studio;
  http: McpHttpServer;
  adminToken: string;
  /** The UI in a browser, the UI token included (treat it like a password); the tab trades it for a session. */
  uiUrl: string;
  /** False when this copy has no built renderer (npm run build makes it). */
  uiBuilt: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a studio host (the CLI's `serve`, the desktop app): takes the data folder's lock, binds
 * the listener (so every URL is known), builds the studio, serves it, writes studio.json for the
 * other commands, and starts the saved team. One studio per data folder: a second start stops at
 * the lock, however close together the two were started.
 */
export async function startStudioHost(options: HostOptions): Promise<RunningStudio> {
  const nativeBinding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  securePrivateTree(options.dataDir);
  const lock = acquireStudioLock(options.dataDir, nativeBinding);
  let listener: Listener;
  try {
    listener = await bind(options);
  } catch (err) {
    lock.release();
    throw err;
  }
  const teamCwd = options.teamCwd ?? process.cwd();
  let studio: Studio;
  const sshCommand = (options.env ?? process.env).CCSTUDIO_SSH;
  try {
    studio = createStudio({
      teamCwd,
      dataDir: options.dataDir,
      lock,
      urls: listener.urls,
      backup: true,
      logger: options.logger,
      ...nativeBinding,
      terminals: {
        spawnPty,
        hookCommand: hookCommandFor(process.execPath, HOOK_REPORTER, Boolean(process.versions.electron)),
        ...(options.claudeCommand ? { claudeCommand: options.claudeCommand } : {}),
        // Agents on other machines go through `ssh` from PATH, or the one CCSTUDIO_SSH names.
        ...(sshCommand ? { sshCommand } : {}),
        ...(options.env ? { baseEnv: options.env } : {}),
      },
    });
  } catch (err) {
    lock.release();
    await listener.close();
    throw err;
  }
  const adminToken = 'ccsa_' + randomBytes(24).toString('base64url');
  // The same across restarts (see uiToken.ts); a new one (the old deleted to revoke it) signs out
  // every tab let in before.
  const uiToken = loadOrCreateUiToken(options.dataDir, () => studio.tabs.endAll('revoked'));
  const uiDir = findUiDir();
  const http = serveStudio(listener, { studio, adminToken, uiToken, ...(uiDir ? { uiDir } : {}) });
  const { urls } = listener;
  writeStudioInfo(options.dataDir, studioInfoFor(options.host ?? '127.0.0.1', urls, { adminToken, uiToken }));
  try {
    // --agents keeps its agents in the folder unless asked (scripts rely on it); a first team in
    // a git repository gives each engineer a worktree of its own unless told not to.
    if (options.agents !== undefined)
      await studio.ensureTeam(options.agents, teamCwd, options.worktrees ?? false);
    else if (options.firstTeam && !(await studio.service.listAgents()).some((a) => a.kind === 'agent'))
      await studio.ensureTeam(options.firstTeam, teamCwd, options.worktrees);
  } catch (err) {
    await http.close();
    await studio.close();
    removeStudioInfo(options.dataDir, process.pid);
    throw err;
  }
  const started = options.noStart ? Promise.resolve([]) : studio.startSavedAgents();
  void started.then((results) => {
    for (const s of results)
      if (s.error) options.logger.warn(`could not start ${s.name}`, { error: s.error });
  });
  let stopped = false;
  return {
    started,
    studio,
    http,
    adminToken,
    uiUrl: `${urls.base}/?token=${uiToken}`,
    uiBuilt: !!uiDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await http.close();
      await studio.close();
      removeStudioInfo(options.dataDir, process.pid);
    },
  };
}

/**
 * The fixed port when it is free; with portFallback, a free one when it is not. When it cannot
 * listen, the error says why in the person's terms (who holds the port, an address this machine
 * does not have, a port only an administrator may use) and what to do instead.
 */
async function bind(options: HostOptions): Promise<Listener> {
  const port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? '127.0.0.1';
  try {
    return await listen({ host, port, logger: options.logger });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && options.portFallback) {
      options.logger.warn(`port ${port} is in use; listening on a free one`);
      return listen({ host, port: 0, logger: options.logger });
    }
    if (code === 'EADDRINUSE') {
      const owner = await findPortOwner({
        port,
        host,
        dataDir: options.dataDir,
        env: options.env ?? process.env,
      });
      throw new Error(portInUseMessage(port, owner));
    }
    throw new Error(listenFailure(err as NodeJS.ErrnoException, host, port), { cause: err });
  }
}
