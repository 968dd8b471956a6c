// `ccstudio agent ...`: the team's agents, their terminals, budgets and work.
import type { CommandTree } from '../kit/commandKit.js';
import { agentStateLabel, formatAgents, formatBudget, trimScreen, waitingHint } from '../kit/format.js';
import { json, out } from '../kit/io.js';
import { noStudio, notRunning, type CommandContext } from '../kit/studioAccess.js';
import { count, noMore, run, unknownSub, usageError, UsageError } from '../kit/usage.js';
import { agentAdd } from './agentAdd.js';
import { AGENT_SUBCOMMANDS } from './agentSpecs.js';
import { agentSleepCommand, SLEEP_SUBCOMMANDS } from './sleep.js';
import { workCommand } from './work.js';

export function agentCommands(tree: CommandTree): void {
  const agent = tree.command(
    tree.root,
    {
      name: 'agent',
      args: '[subcommand]',
      summary: 'Agents: add, list, start, stop, keys, remove, merge, budget, ...',
    },
    async (_values, words) => {
      throw unknownSub('agent', words[0]);
    },
  );
  for (const spec of AGENT_SUBCOMMANDS)
    tree.studioCommand(agent, spec, (ctx) => agentCommand(spec.name, ctx));
}

async function agentCommand(sub: string, ctx: CommandContext): Promise<number> {
  const { values, words: rest, service, running } = ctx;
  if (sub === 'add') return agentAdd(ctx);
  if (SLEEP_SUBCOMMANDS.some((s) => s.name === sub)) return agentSleepCommand(sub, ctx);
  if (sub === 'list') {
    noMore(rest, 'agent', 'list');
    const agents = await service.listAgents();
    if (values.json) json(agents);
    else {
      if (!running) out(notRunning());
      out(formatAgents(agents, run));
    }
    return 0;
  }
  if (sub === 'start' || sub === 'stop' || sub === 'restart' || sub === 'screen' || sub === 'kick') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', sub);
    noMore(rest.slice(1), 'agent', sub);
    if (!running && sub !== 'stop') {
      throw new UsageError(noStudio());
    }
    // What happened, not what was asked: a program that exits at once is an error (startAgent).
    if (sub === 'start' || sub === 'restart') {
      const agent = await (sub === 'start' ? service.startAgent(name) : service.restartAgent(name));
      const hint = waitingHint(agent, run);
      out(
        `${sub === 'start' ? 'Started' : 'Restarted'} ${agent.name}: ${agent.state === 'idle' ? 'ready at its prompt' : `running (${agentStateLabel(agent)})`}.${hint ? ` ${hint}` : ''}`,
      );
    } else if (sub === 'screen') out(trimScreen(await service.readScreen(name)));
    else if (sub === 'kick') {
      await service.kickAgent(name);
      out(`Woke ${name}.`);
    } else {
      await service.stopAgent(name);
      out(`Stopped ${name}.`);
    }
    return 0;
  }
  if (sub === 'keys') {
    const [name, ...keys] = rest;
    if (!name || !keys.length) throw usageError('Name the agent and the keys to send it.', 'agent', 'keys');
    if (!running) throw new UsageError(noStudio());
    await service.sendKeys(name, keys);
    out(`Sent ${keys.join(' ')} to ${name}.`);
    return 0;
  }
  if (sub === 'remove') {
    if (!rest[0]) throw usageError('Name the agent to remove.', 'agent', 'remove');
    noMore(rest.slice(1), 'agent', 'remove');
    const agent = (await service.listAgents()).find((a) => a.name.toLowerCase() === rest[0]!.toLowerCase());
    await service.removeAgent(rest[0], values['remove-worktree'] ? { removeWorktree: true } : {});
    const kept = agent?.workspace && !values['remove-worktree'];
    out(
      `Removed ${rest[0]}.${kept ? ` Its worktree stays at ${agent.workspace!.path} (branch ${agent.workspace!.branch}); remove it with --remove-worktree, or add an agent of the same name to take it up again.` : values['remove-worktree'] ? ' Its worktree and merged branches are gone.' : ''}`,
    );
    return 0;
  }
  if (sub === 'release') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', 'release');
    noMore(rest.slice(1), 'agent', 'release');
    const before = (await service.listAgents()).find((a) => a.name.toLowerCase() === name.toLowerCase());
    const agent = await service.releaseAgent(name);
    out(
      before?.hold ? `Released ${agent.name}: its mail goes through again.` : `${agent.name} was not held.`,
    );
    return 0;
  }
  if (sub === 'budget') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', 'budget');
    noMore(rest.slice(1), 'agent', 'budget');
    const tokens = values.tokens !== undefined ? count('tokens', values.tokens) : undefined;
    const turns = values.turns !== undefined ? count('turns', values.turns) : undefined;
    if (values.off && (tokens || turns))
      throw usageError('Give a budget or --off, not both.', 'agent', 'budget');
    if (!values.off && tokens === undefined && turns === undefined) {
      const agent = (await service.listAgents()).find((a) => a.name.toLowerCase() === name.toLowerCase());
      if (!agent) throw new UsageError(`No agent called ${name}.`);
      out(formatBudget(agent));
      return 0;
    }
    const agent = await service.setBudget(
      name,
      values.off
        ? null
        : {
            ...(tokens !== undefined ? { tokensPerHour: tokens } : {}),
            ...(turns !== undefined ? { turnsPerHour: turns } : {}),
          },
    );
    out(formatBudget(agent));
    return 0;
  }
  if (sub === 'changes' || sub === 'diff' || sub === 'merge' || sub === 'pr') {
    const name = rest[0];
    if (!name) throw usageError('Name the agent.', 'agent', sub);
    noMore(rest.slice(1), 'agent', sub);
    return workCommand(sub, { agent: name }, values, service);
  }
  throw unknownSub('agent', sub);
}
