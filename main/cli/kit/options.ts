// ccstudio's options, in a module of their own (no side effects): the CLI parses with them, and
// `npm start` (scripts/start.mjs, which imports the build) checks that npm left them to us.
import { shellWord } from './ccstudioCommand.js';

export const CLI_OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  role: { type: 'string' },
  summary: { type: 'string' },
  remote: { type: 'boolean' },
  ssh: { type: 'string' },
  json: { type: 'boolean' },
  body: { type: 'string' },
  to: { type: 'string' },
  priority: { type: 'string' },
  status: { type: 'string' },
  assignee: { type: 'string' },
  result: { type: 'string' },
  note: { type: 'string' },
  verbose: { type: 'boolean' },
  agents: { type: 'string' },
  'first-team': { type: 'string' },
  claude: { type: 'string' },
  'no-start': { type: 'boolean' },
  open: { type: 'boolean' },
  prompt: { type: 'string' },
  command: { type: 'string' },
  cwd: { type: 'string' },
  sandbox: { type: 'boolean' },
  'takes-prompts': { type: 'boolean' },
  print: { type: 'boolean' },
  worktree: { type: 'boolean' },
  worktrees: { type: 'boolean' },
  'no-worktrees': { type: 'boolean' },
  base: { type: 'string' },
  'worktree-dir': { type: 'string' },
  'remove-worktree': { type: 'boolean' },
  into: { type: 'string' },
  ff: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  urgent: { type: 'boolean' },
  tokens: { type: 'string' },
  turns: { type: 'string' },
  after: { type: 'string' },
  cap: { type: 'string' },
  commander: { type: 'string' },
  off: { type: 'boolean' },
  webhook: { type: 'string' },
  topic: { type: 'string' },
  test: { type: 'boolean' },
  choose: { type: 'string' },
  repo: { type: 'string' },
  run: { type: 'boolean' },
  force: { type: 'boolean' },
  'since-review': { type: 'boolean' },
  text: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The name of one of ccstudio's options (`--remove-worktree` is `remove-worktree`). */
export type OptionName = keyof typeof CLI_OPTIONS;

/** The options a command was given, by name: a string option's value, or true for a flag. */
export type CliValues = {
  [K in OptionName]?: (typeof CLI_OPTIONS)[K]['type'] extends 'string' ? string : boolean;
};

/**
 * Options that are npm's own settings too: npm acts on them (--json, --verbose as its log level,
 * --dry-run) or answers them itself (--help, --version), and a person may set them in .npmrc, so
 * their npm_config_ variables say nothing about what was typed for us.
 */
const NPM_OWN = new Set(['json', 'verbose', 'help', 'version', 'dry-run']);

/**
 * Our options that npm took for itself when it ran a script (`npm start --port 0`): npm reads
 * every `--name` before the script's `--` as its own setting, hands it to the script as
 * npm_config_<name> (`true` when the value was a separate word, which then reaches the script as
 * a stray argument; `""` for --no-<name>), and passes the script only the rest. Returns the flags
 * with the command line that would have reached us, or undefined when npm took none.
 */
export function flagsNpmTook(
  env: NodeJS.ProcessEnv,
  strays: readonly string[],
): { flags: string[]; meant: string } | undefined {
  const taken: Array<{ flag: string; value?: string }> = [];
  for (const [name, option] of Object.entries(CLI_OPTIONS)) {
    if (NPM_OWN.has(name)) continue;
    const negated = name.startsWith('no-');
    const value = env[`npm_config_${(negated ? name.slice(3) : name).replace(/-/g, '_')}`];
    if (value === undefined || (negated && value !== '' && value !== 'false')) continue;
    taken.push(option.type === 'string' ? { flag: `--${name}`, value } : { flag: `--${name}` });
  }
  if (!taken.length) return undefined;
  // `--port=0` keeps its value; `--port 0` leaves 0 among the strays, where only a lone such
  // option can be paired with its word for sure.
  const separated = taken.filter((t) => t.value === 'true');
  const words = taken.map(({ flag, value }) => {
    if (value === undefined) return flag;
    if (value !== 'true') return `${flag} ${shellWord(value)}`;
    return `${flag} ${separated.length === 1 && strays.length === 1 ? shellWord(strays[0]!) : '…'}`;
  });
  return { flags: taken.map((t) => t.flag), meant: words.join(' ') };
}

/**
 * The refusal when npm took some of our options: names the npm command that ran us (`npm start`,
 * `npm run serve`) and what to type instead. `command` goes before the options (`serve`, when
 * the npm script does not say it already).
 */
export function npmTookMessage(
  env: NodeJS.ProcessEnv,
  strays: readonly string[],
  command = '',
): string | undefined {
  const took = flagsNpmTook(env, strays);
  if (!took) return undefined;
  const npm =
    env.npm_lifecycle_event === 'start' ? 'npm start' : `npm run ${env.npm_lifecycle_event ?? 'SCRIPT'}`;
  const list =
    took.flags.length > 1 ? `${took.flags.slice(0, -1).join(', ')} and ${took.flags.at(-1)}` : took.flags[0];
  return `npm took ${list} for itself: run ${npm} -- ${command ? `${command} ` : ''}${took.meant}`;
}
