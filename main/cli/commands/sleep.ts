// Sleep from the command line: `ccstudio agent sleep|wake|pin|sleep-after NAME`, and the studio's
// own settings, `ccstudio sleep` (when agents sleep, how many may be awake at once).
import type { SleepSettings } from '../../contract/model.js';
import type { CommandSpec, CommandTree } from '../kit/commandKit.js';
import { json, out } from '../kit/io.js';
import { noStudio, type CommandContext } from '../kit/studioAccess.js';
import { count, noMore, usageError, UsageError } from '../kit/usage.js';

export const SLEEP_SUBCOMMANDS: CommandSpec[] = [
  {
    name: 'sleep',
    args: '[name]',
    summary: 'Put an idle agent to sleep now: its Claude Code ends, its session is kept, mail wakes it.',
    examples: ['ccstudio agent sleep agent-1'],
  },
  {
    name: 'wake',
    args: '[name]',
    summary: 'Wake a sleeping agent: its session resumed, its mail delivered.',
    examples: ['ccstudio agent wake agent-1'],
  },
  {
    name: 'pin',
    args: '[name]',
    summary: 'Keep an agent awake (--off lets it sleep when idle again).',
    options: [{ name: 'off', help: 'let it sleep again' }],
    examples: ['ccstudio agent pin commander', 'ccstudio agent pin agent-1 --off'],
  },
  {
    name: 'sleep-after',
    args: '[name] [minutes|default]',
    summary: "Minutes idle before this agent sleeps ('default': the studio's setting).",
    examples: ['ccstudio agent sleep-after agent-1 60', 'ccstudio agent sleep-after agent-1 default'],
  },
];

/** `ccstudio agent sleep|wake|pin|sleep-after NAME`. */
export async function agentSleepCommand(sub: string, ctx: CommandContext): Promise<number> {
  const { values, words, service, running } = ctx;
  const name = words[0];
  if (!name) throw usageError('Name the agent.', 'agent', sub);
  if (sub === 'sleep-after') {
    const minutes = words[1];
    if (!minutes) throw usageError("Give the minutes, or 'default'.", 'agent', sub);
    noMore(words.slice(2), 'agent', sub);
    if (minutes !== 'default' && !/^[1-9]\d{0,4}$/.test(minutes))
      throw usageError("Give the minutes as a whole number above 0, or 'default'.", 'agent', sub);
    const agent = await service.setSleepAfter(name, minutes === 'default' ? null : Number(minutes));
    out(
      agent.sleep.idleMinutes === null
        ? `${agent.name} sleeps after the studio's setting.`
        : `${agent.name} sleeps after ${agent.sleep.idleMinutes} min idle.`,
    );
    return 0;
  }
  noMore(words.slice(1), 'agent', sub);
  if (sub === 'pin') {
    const agent = await service.pinAgent(name, !values.off);
    out(agent.sleep.pinned ? `${agent.name} stays awake.` : `${agent.name} may sleep when idle.`);
    return 0;
  }
  // Putting one to sleep or waking it ends or starts its terminal: only a running studio can.
  if (!running) throw new UsageError(noStudio());
  if (sub === 'sleep') {
    const agent = await service.sleepAgent(name);
    out(
      `${agent.name} is asleep: its session is kept, and mail, a task or \`ccstudio agent wake\` wakes it.`,
    );
  } else {
    const agent = await service.wakeAgent(name);
    out(`${agent.name} is awake (${agent.state.replace(/_/g, ' ')}).`);
  }
  return 0;
}

export function sleepCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'sleep',
      summary: 'When idle agents sleep, how many may be awake at once, and whether the commander sleeps.',
      options: [
        { name: 'after', value: 'MIN', help: 'minutes idle, with nothing queued, before an agent sleeps' },
        { name: 'cap', value: 'N', help: "agents awake at once at most ('none' for no cap)" },
        { name: 'commander', value: 'on|off', help: 'whether the commander sleeps too' },
        { name: 'json', help: 'print JSON' },
      ],
      examples: ['ccstudio sleep --after 30 --cap 8', 'ccstudio sleep --cap none'],
    },
    sleepCommand,
  );
}

async function sleepCommand({ values, words, service }: CommandContext): Promise<number> {
  noMore(words, 'sleep');
  const patch: Partial<SleepSettings> = {};
  if (values.after !== undefined) patch.idleMinutes = count('after', values.after);
  if (values.cap !== undefined) patch.awakeCap = values.cap === 'none' ? null : count('cap', values.cap);
  if (values.commander !== undefined) {
    if (values.commander !== 'on' && values.commander !== 'off')
      throw usageError('--commander takes on or off.', 'sleep');
    patch.commander = values.commander === 'on';
  }
  const settings = Object.keys(patch).length
    ? await service.setSleepSettings(patch)
    : await service.sleepSettings();
  if (values.json) json(settings);
  else
    out(
      `Idle agents sleep after ${settings.idleMinutes} min; ` +
        `${settings.awakeCap === null ? 'no cap on agents awake' : `at most ${settings.awakeCap} awake at once`}; ` +
        `the commander ${settings.commander ? 'sleeps too' : 'stays awake'}.`,
    );
  return 0;
}
