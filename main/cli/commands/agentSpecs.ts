// What each `agent` subcommand takes, with its help and examples (the work is in agent.ts).
import type { CommandSpec, OptionSpec } from '../kit/commandKit.js';
import { SLEEP_SUBCOMMANDS } from './sleep.js';
import { MERGE_OPTIONS } from './work.js';

const JSON_OUT: OptionSpec = { name: 'json', help: 'print JSON' };

const ADD: CommandSpec = {
  name: 'add',
  args: '[name]',
  summary:
    'Add an agent: Claude Code in a terminal here, on another machine over --ssh, or a --remote client.',
  options: [
    { name: 'role', value: 'R', help: 'its role (engineer, reviewer, ...)' },
    { name: 'summary', value: 'S', help: 'one line on what it does' },
    { name: 'prompt', value: 'P', help: 'its role prompt' },
    { name: 'command', value: 'CMD', help: 'the program it runs (default: claude)' },
    { name: 'takes-prompts', help: 'that program takes typed prompts (Codex, Gemini CLI)' },
    { name: 'cwd', value: 'DIR', help: 'the folder it works in (with --ssh: a folder there)' },
    { name: 'worktree', help: 'give it a git worktree of its own, on branch ccstudio/NAME/work' },
    { name: 'base', value: 'BRANCH', help: "the worktree's base branch" },
    { name: 'worktree-dir', value: 'DIR', help: 'where the worktree goes (default: REPO-worktrees/)' },
    { name: 'sandbox', help: "run its Claude Code in a sandbox, the studio's data out of reach" },
    { name: 'ssh', value: 'DEST', help: 'run it on another machine through your ssh (user@host)' },
    { name: 'remote', help: 'a client the studio does not launch: prints a token and MCP URL' },
    JSON_OUT,
  ],
  examples: [
    'ccstudio agent add reviewer --role reviewer --worktree',
    'ccstudio agent add builder --ssh me@buildbox --cwd /srv/app',
  ],
};

/** A subcommand that takes an agent's name and nothing else. */
const byName = (name: string, summary: string, options: OptionSpec[] = []): CommandSpec => ({
  name,
  args: '[name]',
  summary,
  options,
  examples: [`ccstudio agent ${name} agent-1`],
});

export const AGENT_SUBCOMMANDS: CommandSpec[] = [
  ADD,
  {
    name: 'list',
    summary: 'List the agents and what each is doing.',
    options: [JSON_OUT],
    examples: ['ccstudio agent list'],
  },
  byName('start', "Start an agent's terminal."),
  byName('stop', "Stop an agent's terminal."),
  byName('restart', "Restart an agent's terminal."),
  byName('screen', "Print what an agent's terminal shows."),
  byName('kick', 'Wake an agent now (one asleep is resumed).'),
  ...SLEEP_SUBCOMMANDS,
  {
    name: 'keys',
    args: '[name] [keys...]',
    summary: "Answer an agent's menu: keys such as 1, enter, esc, up, down.",
    examples: ['ccstudio agent keys agent-1 1 enter'],
  },
  byName('remove', 'Remove an agent (its worktree stays unless --remove-worktree).', [
    { name: 'remove-worktree', help: 'remove its worktree and merged branches too' },
  ]),
  byName('changes', "Show an agent's work against its base, and what a merge would do.", [JSON_OUT]),
  byName('diff', "Show the diff of an agent's worktree against its base."),
  {
    ...byName('merge', "Merge an agent's branch into its base.", MERGE_OPTIONS),
    examples: ['ccstudio agent merge agent-1 --dry-run', 'ccstudio agent merge agent-1 --ff'],
  },
  byName('pr', "Open a pull request for an agent's branch."),
  byName('release', "Let a held agent's wakes through again."),
  {
    ...byName('budget', "Show or set an agent's budget: tokens or turns an hour.", [
      { name: 'tokens', value: 'N', help: 'tokens an hour' },
      { name: 'turns', value: 'N', help: 'turns an hour' },
      { name: 'off', help: 'no budget' },
    ]),
    examples: ['ccstudio agent budget agent-1 --tokens 200000', 'ccstudio agent budget agent-1 --off'],
  },
];
