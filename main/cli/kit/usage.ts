// How ccstudio is typed: the usage text --help prints, the lines of it an error shows, and the
// checks on words and values every command shares. Command lines printed for the person to run
// are made to run where they are (see ccstudioCommand.ts) and on the data folder they named.
import { DEFAULT_PORT } from '../../host/studioHost.js';
import { shellWord, thisCcstudioCommand } from './ccstudioCommand.js';

export const USAGE = `Claude Code Studio (headless)

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
  ccstudio agent merge NAME [--into BRANCH] [--ff] [--dry-run] [--force] [--json]
  ccstudio agent pr NAME
  ccstudio agent release NAME
  ccstudio agent budget NAME [--tokens N] [--turns N] [--off]
  ccstudio status [--json]
  ccstudio send NAME TEXT [--urgent]
  ccstudio notify [--webhook URL [--topic T] | --off] [--test] [--json]
  ccstudio inbox [--json]
  ccstudio queue [--json]                (everything that waits for you, oldest first)
  ccstudio answer ITEM allow|deny [--note TEXT]
  ccstudio answer ITEM --choose N | --text TEXT
  ccstudio answer ITEM release|restart
  ccstudio task add TITLE [--body B] [--to NAME] [--priority low|normal|high|urgent] [--json]
  ccstudio task list [--status S] [--assignee NAME] [--json]
  ccstudio task show ID [--json]
  ccstudio task update ID [--status S] [--to NAME] [--result R] [--note N] [--json]
  ccstudio task diff ID [--since-review]
  ccstudio task merge ID [--into BRANCH] [--ff] [--dry-run] [--force] [--json]
  ccstudio task back ID [--note N]         (with your pending line comments)
  ccstudio task comment ID FILE:LINE TEXT
  ccstudio task comments ID [--json]
  ccstudio task pr ID
  ccstudio task checks ID [--run] [--json]
  ccstudio checks [--json]
  ccstudio checks set --repo DIR CMD     (run CMD on every task branch there before it merges)
  ccstudio checks off --repo DIR
  ccstudio completion bash|zsh
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
/** A mistake in how a command was typed: exit code 2, the message and usage on stderr. */
export class UsageError extends Error {}

/**
 * `--data DIR` as the person gave it (its full path), for the command lines the CLI prints: a hint
 * without it would act on the default data folder, another studio. Set once the arguments are read.
 */
let dataWords = '';

/** Records the data folder the person named, so every printed command line names it too. */
export function setDataFolderWords(dataDir: string | undefined): void {
  dataWords = dataDir === undefined ? '' : ` --data ${shellWord(dataDir)}`;
}

/**
 * A command line for the person to run on this studio: this ccstudio as it runs where they are
 * (`ccstudio`, `npx ccstudio`, or its path), then `words`, then the data folder they named.
 */
export const run = (words: string): string => `${thisCcstudioCommand()} ${words}${dataWords}`;

/** Command lines as printed: each `ccstudio` made what runs here (see ccstudioCommand.ts). */
export function runnable(text: string): string {
  return text.replace(/^( *)ccstudio(?= )/gm, (_m, indent: string) => indent + thisCcstudioCommand());
}

/**
 * A command's lines of USAGE (all of its subcommands' when `sub` is not given), so that what an
 * error shows is what --help says.
 */
export function usageOf(command: string, sub?: string): string {
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
export function usageError(message: string, command: string, sub?: string): UsageError {
  return new UsageError(`${message}\nUsage:\n${usageOf(command, sub)}`);
}

/** A subcommand its group does not have, or none: the group's usage lines. */
export function unknownSub(command: string, sub: string | undefined): UsageError {
  return usageError(
    sub ? `Unknown subcommand "${sub}" for ${command}.` : `${command} needs a subcommand.`,
    command,
  );
}

/** Refuses words a command does not take (`ccstudio serve 0`, where npm took --port). */
export function noMore(words: Array<string | undefined>, command: string, sub?: string): void {
  const extra = words.filter((w): w is string => w !== undefined);
  if (!extra.length) return;
  const quoted = extra.map((w) => `"${w}"`).join(' ');
  throw usageError(
    `Unexpected ${extra.length > 1 ? 'arguments' : 'argument'} ${quoted} for ${sub ? `${command} ${sub}` : command}.`,
    command,
    sub,
  );
}

/** `value` if it is one of `allowed` (an option's value), else a usage error naming them. */
export function oneOf<T extends string>(
  label: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`--${label} must be one of: ${allowed.join(', ')}`);
  return value as T;
}

/** A whole number above 0 given to option `label`. */
export function count(label: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${label} must be a whole number above 0, e.g. --${label} 50000.`);
  return n;
}

/** A task's id, the first word after `task SUB`. */
export function taskIdArg(raw: string | undefined, sub: string): number {
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id <= 0)
    throw usageError(`Give a task id, e.g. \`${run(`task ${sub} 3`)}\`.`, 'task', sub);
  return id;
}
