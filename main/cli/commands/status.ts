// `ccstudio status`: the studio at a glance.
import type { CommandTree } from '../kit/commandKit.js';
import { formatStatus } from '../kit/format.js';
import { json, out } from '../kit/io.js';
import { notRunning, type CommandContext } from '../kit/studioAccess.js';
import { noMore, run } from '../kit/usage.js';

export function statusCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'status',
      summary: 'Agents, unread counts, open tasks and recent activity.',
      options: [{ name: 'json', help: 'print JSON' }],
      examples: ['ccstudio status'],
    },
    statusCommand,
  );
}

/** `ccstudio status`: agents, unread counts, open tasks, recent activity. */
async function statusCommand({ values, words, service, running }: CommandContext): Promise<number> {
  noMore(words, 'status');
  const status = await service.status();
  if (values.json) json(status);
  else {
    if (!running) out(notRunning());
    out(formatStatus(status, run));
  }
  return 0;
}
