// `ccstudio send NAME TEXT`: mail from the person to an agent.
import type { CommandTree } from '../kit/commandKit.js';
import { out, warn } from '../kit/io.js';
import { withHint, type CommandContext } from '../kit/studioAccess.js';
import { usageError } from '../kit/usage.js';

export function sendCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'send',
      args: '[name] [text...]',
      summary: 'Send an agent a message: typed to it when idle, at its turn end when busy.',
      options: [{ name: 'urgent', help: 'reach a busy agent at its next tool call' }],
      examples: ['ccstudio send agent-1 "Please rebase on main."', 'ccstudio send agent-1 Stop now --urgent'],
    },
    sendCommand,
  );
}

/** `ccstudio send NAME TEXT [--urgent]`, as the person. */
async function sendCommand({ values, words, service, running }: CommandContext): Promise<number> {
  const [sub, ...rest] = words;
  const text = rest.join(' ');
  if (!sub || !text) throw usageError('Name the agent and give the text to send.', 'send');
  const m = await service.sendMessage({ to: sub, body: text, ...(values.urgent ? { urgent: true } : {}) });
  out(`Sent ${values.urgent ? 'urgent ' : ''}message #${m.id} to ${sub}.`);
  if (m.warning) warn(await withHint(m.warning, service, running, sub));
  return 0;
}
