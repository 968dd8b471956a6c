// `ccstudio inbox`: the person's unread mail.
import type { CommandTree } from '../kit/commandKit.js';
import { json, out } from '../kit/io.js';
import { printableBlock } from '../kit/printable.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore } from '../kit/usage.js';

export function inboxCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'inbox',
      summary: 'Your unread messages, marked read.',
      options: [{ name: 'json', help: 'print JSON' }],
      examples: ['ccstudio inbox'],
    },
    inboxCommand,
  );
}

/** `ccstudio inbox`: the person's unread mail, marked read. */
async function inboxCommand({ values, words, service }: CommandContext): Promise<number> {
  noMore(words, 'inbox');
  const items = await service.personInbox();
  if (values.json) json(items);
  else if (!items.length) out('No unread messages.');
  else
    for (const m of items)
      out(`#${m.id} from ${m.from}${m.type !== 'text' ? ` [${m.type}]` : ''}: ${printableBlock(m.body)}`);
  return 0;
}
