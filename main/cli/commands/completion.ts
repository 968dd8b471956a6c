// `ccstudio completion bash|zsh`: the shell completion script, printed.
import { bashCompletion, completionTable, zshCompletion } from '../kit/completion.js';
import type { CommandTree } from '../kit/commandKit.js';
import { stdout } from '../kit/io.js';
import { noMore, usageError } from '../kit/usage.js';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion } as const;

export function completionCommands(tree: CommandTree): void {
  tree.command(
    tree.root,
    {
      name: 'completion',
      args: '[shell]',
      summary: 'Print the shell completion script for bash or zsh.',
      examples: [
        'source <(ccstudio completion bash)          # in ~/.bashrc',
        'ccstudio completion zsh > "${fpath[1]}/_ccstudio"   # then restart zsh',
      ],
    },
    async (_values, words) => {
      const [shell, ...more] = words;
      noMore(more, 'completion');
      if (shell !== 'bash' && shell !== 'zsh')
        throw usageError(
          shell ? `No completion for "${shell}": bash or zsh.` : 'Name the shell: bash or zsh.',
          'completion',
        );
      stdout.write(SHELLS[shell](completionTable(tree.root)));
      return 0;
    },
  );
}
