// The shell scripts that prepare an agent on another machine, sent over SSH on stdin (so nothing in
// them, credentials least of all, is on a command line or in a shell history there), and the
// reading of what they print. They run under `sh` whatever the person's login shell is.
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../util/shellQuote.js';

/** Lines the scripts print for the studio: `ccstudio:key=value`. */
const SAY = 'ccstudio:';
/** What the studio reads back of a line (a PATH, a folder): bounded, for a remote that misbehaves. */
const MAX_VALUE_CHARS = 4096;

/** The agent's folder on the remote, under its HOME: this studio's, then the agent's own. */
export function remoteAgentDir(studioKey: string, agentName: string): string {
  return `.ccstudio/${studioKey}/${agentName}`;
}

/** A path or command as the person gave it, for `sh`: `~/` means the remote HOME. */
export function pathWord(path: string): string {
  if (path === '~') return '"$HOME"';
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/** What the remote said about itself before an agent starts there. */
export interface RemoteProbe {
  home: string;
  path: string;
  /** The agent's folder there, resolved (Claude Code names its transcripts after it). */
  cwd?: string;
  /** Where the Claude Code command is. */
  claude?: string;
  /** What `claude --version` printed. */
  versionText: string;
  curl: boolean;
  /** The agent's Claude Code session on disk there, found by its id: it resumes. */
  transcriptFile?: string;
  /** Where Claude Code keeps its transcripts there. */
  projects: string;
  problem?: 'nocwd' | 'noclaude';
}

/**
 * Looks before an agent starts: its folder, its Claude Code and version, curl (for the hook
 * Claude Code will not post itself), and whether its last session can be resumed.
 */
export function probeScript(input: { cwd: string; command: string; sessionId: string }): string {
  const claude = pathWord(input.command || 'claude');
  return [
    `say() { printf '${SAY}%s=%s\\n' "$1" "$2"; }`,
    'say home "$HOME"',
    'say path "$PATH"',
    input.cwd
      ? `cd -- ${pathWord(input.cwd)} 2>/dev/null || { say problem nocwd; exit 0; }`
      : 'cd "$HOME" || { say problem nocwd; exit 0; }',
    'here=$(pwd -P)',
    'say cwd "$here"',
    `c=$(command -v ${claude} 2>/dev/null) || { say problem noclaude; exit 0; }`,
    'say claude "$c"',
    // Its stdin is this script: a wrapper that reads stdin must not eat the rest of it.
    'say version "$("$c" --version </dev/null 2>/dev/null | head -n 1)"',
    'if command -v curl >/dev/null 2>&1; then say curl yes; fi',
    'p="${CLAUDE_CONFIG_DIR:-$HOME/.claude}/projects"',
    'say projects "$p"',
    // Found by the session's id, not by Claude Code's name for the folder (which a shell's `tr`
    // cannot spell for a folder with non-ASCII letters in it).
    `for t in "$p"/*/${input.sessionId}.jsonl; do if [ -f "$t" ]; then say transcript "$t"; break; fi; done`,
    'say ok yes',
    '',
  ].join('\n');
}

/** Reads what probeScript printed; undefined when it did not get to the end (a broken remote shell). */
export function parseProbe(stdout: string): RemoteProbe | undefined {
  const said = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(SAY)) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    said.set(line.slice(SAY.length, eq), line.slice(eq + 1).slice(0, MAX_VALUE_CHARS));
  }
  const problem = said.get('problem');
  if (!said.has('ok') && problem !== 'nocwd' && problem !== 'noclaude') return undefined;
  const cwd = said.get('cwd');
  const claude = said.get('claude');
  return {
    home: said.get('home') ?? '',
    path: said.get('path') ?? '',
    ...(cwd ? { cwd } : {}),
    ...(claude ? { claude } : {}),
    versionText: said.get('version') ?? '',
    curl: said.get('curl') === 'yes',
    ...(said.get('transcript') ? { transcriptFile: said.get('transcript')! } : {}),
    projects: said.get('projects') ?? '',
    ...(problem === 'nocwd' || problem === 'noclaude' ? { problem } : {}),
  };
}

/**
 * Writes the agent's files into its folder on the remote, private to the remote user (0700
 * folders, 0600 files): they hold its MCP token and hook token.
 */
export function installScript(dir: string, files: Record<string, string>): string {
  const end = `CCSTUDIO_END_${randomBytes(12).toString('hex')}`;
  const lines = [
    'umask 077',
    `d="$HOME"/${shellQuote(dir)}`,
    // Each level private, the ones made before this studio too.
    `mkdir -p "$d" && chmod 700 "$HOME/.ccstudio" "$(dirname "$d")" "$d" || { printf '${SAY}problem=mkdir\\n'; exit 0; }`,
  ];
  for (const [name, content] of Object.entries(files)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`bad remote file name ${name}`);
    if (content.split('\n').includes(end)) throw new Error('file content holds the heredoc delimiter');
    lines.push(`rm -f "$d/${name}"`, `cat > "$d/${name}" <<'${end}'`, content, end, `chmod 600 "$d/${name}"`);
  }
  lines.push(`printf '${SAY}ok=yes\\n'`, '');
  return lines.join('\n');
}

/**
 * Reads a transcript there from `offset`: its size on the first line, then up to `max` bytes. Only
 * a regular file (not a link) in a folder inside the projects folder; otherwise it exits 3.
 */
export function transcriptReadScript(file: string, projects: string, offset: number, max: number): string {
  return [
    `f=${shellQuote(file)}`,
    `p=${shellQuote(projects)}`,
    '[ -f "$f" ] && [ ! -L "$f" ] || exit 3',
    'dir=$(cd "$(dirname "$f")" 2>/dev/null && pwd -P) || exit 3',
    'root=$(cd "$p" 2>/dev/null && pwd -P) || exit 3',
    'case "$dir/" in "$root"/*) ;; *) exit 3 ;; esac',
    'printf \'%s\\n\' "$(wc -c < "$f" | tr -d \' \')"',
    `tail -c +${Math.floor(offset) + 1} "$f" | head -c ${Math.floor(max)}`,
    '',
  ].join('\n');
}

/** Takes the agent's folder off the remote (the agent was removed). */
export function removeScript(dir: string): string {
  return `rm -rf "$HOME"/${shellQuote(dir)}\n`;
}

/** How long the launcher gives an agent's previous process to end before it kills it (tenths of a second). */
const END_PREVIOUS_TENTHS = 30;

/**
 * The agent's launcher on the remote: into its folder, then Claude Code with its arguments. The
 * terminal runs `sh` on it, which every login shell can start. A link that went silent (Wi-Fi
 * changed) leaves the last process running there, since sshd does not notice a client that is
 * gone: the launcher ends it first, so two never work on one session. Its pid file is checked
 * against the process's own command line, which names this agent's files, so a reused pid is
 * never killed.
 */
export function launchScript(input: {
  /** The agent's folder under the remote HOME (remoteAgentDir). */
  dir: string;
  cwd: string;
  claude: string;
  env: Record<string, string>;
  args: string[];
}): string {
  const env = Object.entries(input.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [
    `d="$HOME"/${shellQuote(input.dir)}`,
    'old=$(cat "$d/claude.pid" 2>/dev/null)',
    'if [ -n "$old" ] && ps -ww -o args= -p "$old" 2>/dev/null | grep -qF "$d/mcp.json"; then',
    '  kill -TERM "$old" 2>/dev/null',
    '  i=0',
    `  while kill -0 "$old" 2>/dev/null && [ $i -lt ${END_PREVIOUS_TENTHS} ]; do sleep 0.1; i=$((i + 1)); done`,
    '  kill -KILL "$old" 2>/dev/null',
    'fi',
    // exec keeps the pid: this is Claude Code's.
    'echo $$ > "$d/claude.pid"',
    `cd -- ${shellQuote(input.cwd)} || exit 1`,
    // Tools reach the model directly, not through tool search (as on this machine), unless the remote says otherwise.
    `exec env ENABLE_TOOL_SEARCH="\${ENABLE_TOOL_SEARCH:-false}" ${env.join(' ')} ${shellQuote(input.claude)} ${input.args.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * The agent's waiter on the remote (Claude Code's asyncRewake hook, as hookReporter's `wait` is
 * here): one request held open on the studio through the forwarded port until mail comes. The
 * notice, asked for as text, goes to stderr with exit 2, which wakes the model; an end (a newer
 * waiter, the agent stopped) or a dropped link exits 0 and wakes nothing. curl gives up with
 * Claude Code's own timeout for the hook.
 */
export function waitScript(input: { headersFile: string; waitUrl: string; maxSeconds: number }): string {
  return [
    // The hook's input on stdin: a start that resumed the session (only SessionStart's input has a
    // source) says so, and its delivery reads "as its session resumed".
    'r=false',
    `if grep -q '"source" *: *"resume"'; then r=true; fi`,
    `n=$(curl -sf -m ${Math.floor(input.maxSeconds)} -X POST -H @${shellQuote(input.headersFile)} ` +
      `-H 'Content-Type: application/json' -H 'Accept: text/plain' ` +
      `--data-binary "{\\"waiter\\":\\"sh-$$-$(date +%s)\\",\\"resumed\\":$r}" ${shellQuote(input.waitUrl)}) || exit 0`,
    '[ -n "$n" ] || exit 0',
    `printf '%s\\n' "$n" >&2`,
    'exit 2',
    '',
  ].join('\n');
}

/** A hook the studio answers at once; a permission request is held longer (PERMISSION_HOOK_TIMEOUT_S). */
const CURL_HOOK_MAX_S = 10;

/**
 * The SessionStart hook on the remote, which Claude Code runs as a command (it does not post that
 * one itself): curl posts the hook to the studio through the forwarded port and prints the answer.
 * The token is read from a private file (`-H @file`), never put on curl's command line.
 */
export function curlHookCommand(headersFile: string, hookUrl: string, maxSeconds = CURL_HOOK_MAX_S): string {
  return (
    `curl -sf -m ${maxSeconds} -X POST -H @${shellQuote(headersFile)} -H 'Content-Type: application/json' ` +
    `--data-binary @- ${shellQuote(hookUrl)} || true`
  );
}
