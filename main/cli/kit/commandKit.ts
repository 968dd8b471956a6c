// ccstudio's commands on commander: each command declares the options it takes (by their names in
// CLI_OPTIONS, so `npm start` still knows them all), its help and examples, and a handler that
// returns the exit code. Options and words are read per command: an option another command takes
// is refused here, in the CLI's own words (parseRefusal), with exit code 2.
import { Command, Help, type CommanderError } from 'commander';
import { resolveDataDir } from '../../core/store/dataDir.js';
import { thisCcstudioCommand } from './ccstudioCommand.js';
import { CLI_OPTIONS, type CliValues, type OptionName } from './options.js';
import { openService, type CommandContext } from './studioAccess.js';
import { runnable, setDataFolderWords, USAGE, usageOf, UsageError } from './usage.js';

/** One option a command takes: its name in CLI_OPTIONS, what its value is called, what it does. */
export interface OptionSpec {
  name: OptionName;
  /** The value's name in help (`--port N`); string options only. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** Its words as help shows them: `[name]`, `[text...]`. */
  args?: string;
  summary: string;
  options?: OptionSpec[];
  /** Command lines shown under its --help, each starting `ccstudio `. */
  examples?: string[];
}

/** A command's work: its options and words, the data folder; resolves to the exit code. */
export type Handler = (values: CliValues, words: string[], dataDir: string) => Promise<number>;

/** --help or --version was answered: nothing else to do, exit code 0. */
export class Answered extends Error {}

/** Every command takes the data folder: a hint it prints names it (see usage.ts). */
const DATA: OptionSpec = {
  name: 'data',
  value: 'DIR',
  help: 'the studio data folder (default: STUDIO_DATA_DIR, or the per-user app data folder)',
};

const EXAMPLES = new WeakMap<Command, string[]>();

/** The words that name `cmd` under the root: `agent add` is ["agent", "add"]. */
export function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

/** Help: the root's is USAGE; a command's has its usage lines, options and examples. */
function formatHelp(cmd: Command, helper: Help): string {
  if (!cmd.parent) return `${runnable(USAGE)}\n`;
  const [group, sub] = commandPath(cmd);
  const lines = usageOf(group!, sub);
  const text = Help.prototype.formatHelp.call(helper, cmd, helper);
  const body = lines ? text.replace(/^Usage: .*\n/, `Usage:\n${lines}\n`) : text;
  const examples = EXAMPLES.get(cmd);
  return examples?.length
    ? `${body}\nExamples:\n${runnable(examples.map((e) => `  ${e}`).join('\n'))}\n`
    : body;
}

/**
 * A parse error in the CLI's words, for the command it happened in: commander quotes the option
 * in its own way. Anything it does not name is left as commander said it.
 */
export function parseRefusal(err: CommanderError, cmd: Command): string {
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option =
    quoted
      .split(/[\s,]+/)
      .filter((w) => w.startsWith('-'))
      .pop() ?? 'that option';
  const help = `\`${thisCcstudioCommand()} --help\` lists the options.`;
  if (err.code === 'commander.unknownOption') {
    // `--json=yes`: commander reads a flag given a value as an option it does not know.
    const [name, value] = option.split(/=(.*)/s);
    if (value !== undefined && cmd.options.some((o) => o.long === name && !o.required))
      return `Option ${name} takes no value. ${help}`;
    return `Unknown option ${option}. ${help}`;
  }
  if (err.code === 'commander.optionMissingArgument')
    return `Option ${option} needs a value (${option} VALUE, or ${option}=VALUE for one that starts with -). ${help}`;
  return `${err.message.replace(/^error: /, '')} ${help}`;
}

/** The tree of commands, and the exit code of the one that ran. */
export class CommandTree {
  readonly root: Command;
  code = 0;
  private readonly rootValues: CliValues = {};

  constructor(version: string, rootAction: (values: CliValues, words: string[]) => Promise<number>) {
    // Set before any command is made: commander copies these settings into each new command.
    this.root = new Command('ccstudio')
      .enablePositionalOptions()
      .allowExcessArguments()
      .helpCommand(false)
      .showSuggestionAfterError(false)
      .configureHelp({ formatHelp, helpWidth: 100 })
      .configureOutput({ outputError: () => {} })
      .version(version, '-v, --version', 'print the version')
      .argument('[command]');
    this.takeOptions(this.root, [DATA], this.rootValues);
    this.root.action(async () => {
      this.code = await rootAction(this.rootValues, this.root.args);
    });
  }

  /** A command under `parent` (the root, or a group such as `agent`). */
  command(parent: Command, spec: CommandSpec, handler: Handler): Command {
    const cmd = parent.command(spec.name).description(spec.summary);
    if (spec.args) cmd.argument(spec.args);
    const values: CliValues = {};
    this.takeOptions(cmd, [...(spec.options ?? []), DATA], values);
    if (spec.examples) EXAMPLES.set(cmd, spec.examples);
    cmd.action(async () => {
      const given = { ...this.rootValues, ...values };
      const dataDir = resolveDataDir(given.data);
      setDataFolderWords(given.data !== undefined ? dataDir : undefined);
      this.code = await handler(given, cmd.args, dataDir);
    });
    return cmd;
  }

  /** A command that works on a studio: the running one, or its files. */
  studioCommand(
    parent: Command,
    spec: CommandSpec,
    handler: (ctx: CommandContext) => Promise<number>,
  ): Command {
    return this.command(parent, spec, async (values, words, dataDir) => {
      const { service, mcpUrl, running, close } = await openService(dataDir);
      try {
        return await handler({ values, words, service, mcpUrl, running });
      } finally {
        await close();
      }
    });
  }

  /**
   * After every command is made: each refuses a mistake in its own words (a UsageError), and
   * --help and --version end the run with Answered.
   */
  seal(cmd: Command = this.root): void {
    cmd.exitOverride((err) => {
      if (err.exitCode === 0) throw new Answered();
      throw new UsageError(parseRefusal(err, cmd));
    });
    for (const sub of cmd.commands) this.seal(sub);
  }

  /** Declares `options` on `cmd`, each recorded into `values` under its CLI_OPTIONS name as given. */
  private takeOptions(cmd: Command, options: OptionSpec[], values: CliValues): void {
    for (const { name, value, help } of options) {
      const takesValue = CLI_OPTIONS[name].type === 'string';
      cmd.option(`--${name}${takesValue ? ` <${value ?? 'VALUE'}>` : ''}`, help);
      cmd.on(`option:${name}`, (given: string | undefined) => {
        (values as Record<string, string | boolean>)[name] = given ?? true;
      });
    }
  }
}
