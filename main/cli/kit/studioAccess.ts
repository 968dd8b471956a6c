// What a command that works on a studio gets: the running studio over its API, or the data
// folder's files when none runs, and the hints that say what the person can run in either case.
import type { StudioCalls } from '../../contract/service.js';
import type { StudioErrorSubject } from '../../contract/errors.js';
import { studioUrls } from '../../contract/urls.js';
import { createStudio } from '../../core/studio.js';
import { isProcessAlive, readStudioInfo } from '../../core/studioInfo.js';
import { securePrivateTree } from '../../core/store/dataDir.js';
import { tryStudioLock } from '../../core/store/studioLock.js';
import { DEFAULT_PORT } from '../../host/studioHost.js';
import { shellWord } from './ccstudioCommand.js';
import { waitingHint } from './format.js';
import type { CliValues } from './options.js';
import { remoteStudioService } from './remoteService.js';
import { run } from './usage.js';

/** What a command gets: its options, its words, and the studio to talk to. */
export interface CommandContext {
  values: CliValues;
  /** The words after the command's name (`agent start bob`: ["bob"]). */
  words: string[];
  service: StudioCalls;
  /** The MCP URL to hand out (agent add --remote). */
  mcpUrl: string;
  /** A studio is running (the command talks to it), rather than working on its files. */
  running: boolean;
}

/** How long a command waits for a studio that is starting (it holds the lock before studio.json). */
const STUDIO_START_WAIT_MS = 10_000;

/**
 * The running studio if there is one (so its events reach the wake engine and UI), else the files.
 * The data folder's lock decides, not studio.json: a stale file whose pid now belongs to another
 * process is ignored, and a command never writes the files under a running studio.
 */
export async function openService(
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

/** Where the person looks for what a studio error did not find (the MCP tools name their own). */
export const LOOK_HERE: Record<StudioErrorSubject, () => string> = {
  task: () => `\`${run('task list')}\` shows the tasks.`,
};

/** A command that needs a running studio, run with none. */
export const noStudio = (): string =>
  `No studio is running on this data folder: start one with \`${run('serve')}\`.`;

/** Above a listing made from the files while no studio runs: nothing in it is running now. */
export const notRunning = (): string =>
  `No studio is running on this data folder, so none of its agents runs now: start it with \`${run('serve')}\` (the agents that were running when it stopped start with it).`;

/**
 * A note about mail or a task nobody will be woken by, with what the person can run about it
 * now: a command only when it will work in the state things are in.
 */
export async function withHint(
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
