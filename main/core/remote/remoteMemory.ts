// How much memory each agent's Claude Code holds on another machine, read there: one `ps` per host
// per sample over the host's command connection, each agent's process tree found from the pid its
// launcher wrote (launchScript), checked against that process's own command line.
import { parseProcessTable, treeMemory } from '../resources/processMemory.js';
import { shellQuote } from '../util/shellQuote.js';
import { remoteAgentDir } from './remoteSetup.js';
import type { SshLinks } from './sshLink.js';

/** An agent running on another machine, as the reader needs it. */
export interface RemoteAgent {
  id: number;
  name: string;
  dest: string;
}

/** A sample is worth a few seconds at most: a host that answers slower than this skips it. */
const MEMORY_READ_MS = 10_000;
/** The line that starts the process table; what comes before it is one pid line per agent. */
const TABLE_MARK = 'ccstudio:table';

/**
 * Prints `ccstudio:pid<i>=<pid>` for each agent folder whose pid file names a live process that
 * runs that agent's files (a reused pid names someone else's), then the whole process table.
 */
export function memoryScript(dirs: readonly string[]): string {
  const lines = dirs.map(
    (dir, i) =>
      `d="$HOME"/${shellQuote(dir)}; p=$(cat "$d/claude.pid" 2>/dev/null); ` +
      `if [ -n "$p" ] && ps -ww -o args= -p "$p" 2>/dev/null | grep -qF "$d/mcp.json"; then printf 'ccstudio:pid${i}=%s\\n' "$p"; fi`,
  );
  return [...lines, `printf '${TABLE_MARK}\\n'`, 'ps -A -o pid=,ppid=,rss=', ''].join('\n');
}

/** Each agent's tree memory (bytes) by its index in the script; an agent without a live pid is left out. */
export function parseMemory(stdout: string): Map<number, number> {
  const mark = stdout.indexOf(`${TABLE_MARK}\n`);
  if (mark < 0) return new Map();
  const pids = new Map<number, number>();
  for (const line of stdout.slice(0, mark).split('\n')) {
    const m = /^ccstudio:pid(\d+)=(\d+)$/.exec(line);
    if (m) pids.set(Number(m[1]), Number(m[2]));
  }
  const sizes = treeMemory(parseProcessTable(stdout.slice(mark)), [...pids.values()]);
  return new Map([...pids].map(([i, pid]) => [i, sizes.get(pid) ?? 0]));
}

/**
 * Reads the memory of agents on other machines, one command per host, hosts side by side. A host
 * whose connection is down or that does not answer is left out (its agents read unknown).
 */
export async function readRemoteMemory(
  links: SshLinks,
  studioKey: string,
  agents: readonly RemoteAgent[],
): Promise<Map<number, number>> {
  const byHost = new Map<string, RemoteAgent[]>();
  for (const a of agents) byHost.set(a.dest, [...(byHost.get(a.dest) ?? []), a]);
  const found = new Map<number, number>();
  await Promise.all(
    [...byHost].map(async ([dest, there]) => {
      const link = links.forHost(dest);
      if (!link.up) return;
      const script = memoryScript(there.map((a) => remoteAgentDir(studioKey, a.name)));
      const got = await link.exec('sh -s', script, MEMORY_READ_MS).catch(() => undefined);
      if (got?.code !== 0) return;
      for (const [i, bytes] of parseMemory(got.stdout)) found.set(there[i]!.id, bytes);
    }),
  );
  return found;
}
