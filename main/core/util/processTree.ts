// A process's children, as Linux's /proc tells them (empty elsewhere, or once it has gone).
import { readdirSync, readFileSync } from 'node:fs';

/** The pids of a process's children: its threads' `children` lists, or every process's parent in /proc. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return childrenByParent(pid);
  }
}

/** The slow way, where the kernel keeps no `children` lists: each process's parent from its stat. */
function childrenByParent(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(e)] : [];
    } catch {
      return [];
    }
  });
}
