// One word for a POSIX shell: the hook commands Claude Code runs, the scripts sent over ssh, the
// command lines the studio prints. Shared by local launches, remote ones and the host.

/** Quotes a word for a POSIX shell: single quotes, each ' inside closed, escaped and reopened. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
