// A pull request for an agent's branch: pushed from the machine the repository is on, with that
// machine's credentials, and opened there with the GitHub CLI (gh). The one place the studio's git
// runs a hook (the person's pre-push) and talks to a forge.
import { execFile } from 'node:child_process';
import { StudioError } from '../../contract/errors.js';
import type { Task, Workspace } from '../../contract/model.js';
import { pullRequestBody, pullRequestTitle } from './commitText.js';
import { pushRemote } from './gitReads.js';
import { ownGit } from './repoAccess.js';
import type { RepoPlace } from './repoPlace.js';

/** A push and a pull request over the network: slower than local git, still bounded. */
const FORGE_TIMEOUT_MS = 120_000;

/** This machine's gh, never prompting (there is no one to answer), saying what to install when missing. */
export const systemGh = (cwd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(
      'gh',
      args,
      { cwd, timeout: FORGE_TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, GH_PROMPT_DISABLED: '1' } },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(
            new StudioError(
              'unavailable',
              'The GitHub CLI (gh) is not installed: install it and run `gh auth login` to open pull requests.',
            ),
          );
        reject(new StudioError('unavailable', `gh failed: ${(stderr || err.message).trim()}`));
      },
    ),
  );

/**
 * Pushes `branch` to the repository's remote (origin, else the first) and asks gh for its pull
 * request against the worktree's base; returns what gh printed last (the pull request's address).
 */
export async function proposeBranch(
  place: RepoPlace,
  ws: Workspace,
  pr: { branch: string; agent: string; task?: Task },
): Promise<string> {
  const { branch } = pr;
  const git = await ownGit(place, ws.repo);
  const remote = await pushRemote(git, ws.repo);
  if (!remote)
    throw new StudioError(
      'unavailable',
      `${ws.repo} has no remote to push ${branch} to: add one (git remote add origin URL).`,
    );
  // The branch name may come from the agent's worktree: checked, and pushed as a full ref
  // (a name starting with "-" can never reach git as an option).
  await git(ws.repo, ['check-ref-format', `refs/heads/${branch}`]).catch(() => {
    throw new StudioError('invalid', `"${branch}" is not a branch name git accepts.`);
  });
  await place.gh(ws.repo, ['--version']);
  // The person's pre-push hook is meant to run on a push: the one hook the studio's git runs.
  await git(ws.repo, ['push', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
    hooks: true,
  });
  const out = await place.gh(ws.repo, [
    'pr',
    'create',
    '--base',
    ws.base,
    '--head',
    branch,
    '--title',
    pullRequestTitle(pr.agent, branch, pr.task),
    '--body',
    pullRequestBody(pr.agent, pr.task),
  ]);
  return out.trim().split('\n').at(-1) ?? '';
}
