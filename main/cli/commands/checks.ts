// `ccstudio checks`: the command each repository runs on task branches before they merge.
import { resolve } from 'node:path';
import { isRemoteRepo } from '../../contract/checks.js';
import type { CommandTree } from '../kit/commandKit.js';
import { json, out } from '../kit/io.js';
import { printableLine } from '../kit/printable.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore, unknownSub, usageError } from '../kit/usage.js';

export function checksCommands(tree: CommandTree): void {
  const checks = tree.studioCommand(
    tree.root,
    {
      name: 'checks',
      args: '[subcommand]',
      summary: "Each repository's check: the command run on task branches before they merge.",
      options: [{ name: 'json', help: 'print JSON' }],
      examples: [
        'ccstudio checks',
        'ccstudio checks set --repo ~/src/app "npm test"',
        'ccstudio checks off --repo ~/src/app',
      ],
    },
    listChecks,
  );
  tree.studioCommand(
    checks,
    {
      name: 'set',
      args: '[command...]',
      summary: 'Set the check of the repository a folder is in.',
      options: [
        {
          name: 'repo',
          value: 'DIR',
          help: "a folder in the repository (HOST:DIR for one on an SSH agent's machine)",
        },
      ],
      examples: ['ccstudio checks set --repo . "npm test"'],
    },
    (ctx) => setCheck(ctx, true),
  );
  tree.studioCommand(
    checks,
    {
      name: 'off',
      summary: "Remove a repository's check: its tasks merge without one.",
      options: [{ name: 'repo', value: 'DIR', help: 'a folder in the repository' }],
      examples: ['ccstudio checks off --repo .'],
    },
    (ctx) => setCheck(ctx, false),
  );
}

async function listChecks({ values, words, service }: CommandContext): Promise<number> {
  if (words.length) throw unknownSub('checks', words[0]);
  const { repos } = await service.checks();
  if (values.json) json(repos);
  else if (!repos.length) out('No repository has a check. `ccstudio checks set --repo DIR CMD` sets one.');
  else for (const r of repos) out(`${printableLine(r.repo)}: ${printableLine(r.command)}`);
  return 0;
}

async function setCheck({ values, words, service }: CommandContext, on: boolean): Promise<number> {
  const sub = on ? 'set' : 'off';
  if (!values.repo) throw usageError('Name the repository with --repo DIR.', 'checks', sub);
  if (!on) noMore(words, 'checks', sub);
  const command = words.join(' ').trim();
  if (on && !command) throw usageError('Give the command to run, e.g. "npm test".', 'checks', sub);
  // A folder here is named as this shell sees it (the studio may run elsewhere); HOST:DIR as given.
  const repo = isRemoteRepo(values.repo) || values.repo.startsWith('~') ? values.repo : resolve(values.repo);
  const repos = await service.setCheck({ repo, command: on ? command : null });
  out(on ? `Checks set: ${repos.map((r) => `${r.repo}: ${r.command}`).join('; ')}` : 'Check removed.');
  return 0;
}
