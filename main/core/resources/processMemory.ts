// How much memory a process and everything it started holds, from one `ps` of the whole machine
// (Linux and macOS both print pid, ppid and resident size in KiB this way): one child process per
// sample for every agent, however many run.
import { execFile } from 'node:child_process';

export interface ProcessRow {
  pid: number;
  ppid: number;
  /** Resident memory, bytes. */
  rss: number;
}

/** `ps` gives up after this: a machine too loaded to list its processes in time skips a sample. */
const PS_TIMEOUT_MS = 5000;

/** The rows of `ps -A -o pid=,ppid=,rss=`; a line that is not three numbers is skipped. */
export function parseProcessTable(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]) * 1024 });
  }
  return rows;
}

/** Every process on this machine, or undefined when `ps` could not say. */
export function readProcessTable(): Promise<ProcessRow[] | undefined> {
  return new Promise((resolve) =>
    execFile('ps', ['-A', '-o', 'pid=,ppid=,rss='], { timeout: PS_TIMEOUT_MS }, (err, stdout) =>
      resolve(err ? undefined : parseProcessTable(stdout)),
    ),
  );
}

/**
 * The resident memory of each root and all its descendants, bytes (0 for a root that is gone).
 * Shared pages count in each process that maps them, as `ps` counts them: an upper bound.
 */
export function treeMemory(rows: readonly ProcessRow[], roots: readonly number[]): Map<number, number> {
  const children = new Map<number, ProcessRow[]>();
  const byPid = new Map<number, ProcessRow>();
  for (const r of rows) {
    byPid.set(r.pid, r);
    const list = children.get(r.ppid);
    if (list) list.push(r);
    else children.set(r.ppid, [r]);
  }
  const sizes = new Map<number, number>();
  for (const root of roots) {
    let total = 0;
    const stack = byPid.has(root) ? [byPid.get(root)!] : [];
    const seen = new Set<number>();
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p.pid)) continue;
      seen.add(p.pid);
      total += p.rss;
      stack.push(...(children.get(p.pid) ?? []));
    }
    sizes.set(root, total);
  }
  return sizes;
}
