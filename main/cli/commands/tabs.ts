// `ccstudio tabs [end ID]`: the browser tabs let into the UI.
import type { CommandTree } from '../kit/commandKit.js';
import { formatTabs } from '../kit/format.js';
import { json, out } from '../kit/io.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore, run, unknownSub, usageError } from '../kit/usage.js';

export function tabsCommands(tree: CommandTree): void {
  const tabs = tree.studioCommand(
    tree.root,
    {
      name: 'tabs',
      args: '[subcommand]',
      summary: "The browser tabs signed in to the studio's UI.",
      options: [{ name: 'json', help: 'print JSON' }],
      examples: ['ccstudio tabs', 'ccstudio tabs end 3'],
    },
    tabsCommand,
  );
  tree.studioCommand(
    tabs,
    { name: 'end', args: '[id]', summary: 'Sign a tab out at once.', examples: ['ccstudio tabs end 3'] },
    endTab,
  );
}

/** `ccstudio tabs [end ID]`: the browser tabs let into the UI, and signing one out. */
async function tabsCommand({ values, words, service }: CommandContext): Promise<number> {
  const [sub, ...rest] = words;
  if (sub !== undefined) throw unknownSub('tabs', sub);
  noMore(rest, 'tabs');
  const tabs = await service.listTabs();
  if (values.json) json(tabs);
  else out(formatTabs(tabs));
  return 0;
}

/** `ccstudio tabs end ID`: signs one tab out. */
async function endTab({ words: rest, service }: CommandContext): Promise<number> {
  const [raw, ...more] = rest;
  noMore(more, 'tabs', 'end');
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id <= 0)
    throw usageError(
      `Give a tab's id from \`${run('tabs')}\`, e.g. \`${run('tabs end 3')}\`.`,
      'tabs',
      'end',
    );
  await service.endTab(id);
  out(`Tab #${id} is signed out.`);
  return 0;
}
