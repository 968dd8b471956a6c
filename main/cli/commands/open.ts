// `ccstudio open`: the running studio's UI, opened in a browser or its link printed.
import type { CommandTree } from '../kit/commandKit.js';
import { out } from '../kit/io.js';
import {
  canOpenBrowser,
  codeLink,
  fetchUiCode,
  openInBrowser,
  runningStudio,
  tokenLink,
  writeOpenPage,
} from '../kit/openLink.js';
import type { CliValues } from '../kit/options.js';
import { noMore, run, UsageError } from '../kit/usage.js';

export function openCommands(tree: CommandTree): void {
  tree.command(
    tree.root,
    {
      name: 'open',
      summary: "Open the running studio's UI in your browser, or print a link to it.",
      options: [{ name: 'print', help: 'only print the link' }],
      examples: ['ccstudio open', 'ccstudio open --print'],
    },
    async (values, words, dataDir) => {
      noMore(words, 'open');
      return openUi(values, dataDir);
    },
  );
}

/** `ccstudio open`: a current link to the running studio's UI, opened or printed. */
async function openUi(values: CliValues, dataDir: string): Promise<number> {
  const info = runningStudio(dataDir);
  if (!info) throw new UsageError(`No studio is running on ${dataDir}: start one with \`${run('serve')}\`.`);
  if (
    !values.print &&
    canOpenBrowser(process.env) &&
    (await openInBrowser(writeOpenPage(dataDir, codeLink(info.baseUrl, await fetchUiCode(info)))))
  ) {
    out(`Opened the studio in your browser. To open it elsewhere: ${run('open --print')}
(A browser installed as a snap or flatpak cannot read the private page it was handed, in the data
folder: if yours says so, use the link that prints.)`);
    return 0;
  }
  out(`${tokenLink(info)}
(The link carries the studio's UI token: treat it like a password. It stays valid across restarts.)`);
  return 0;
}
