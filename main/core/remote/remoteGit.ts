// A repository on another machine, reached over the host's SSH connection: git runs there (with
// that machine's git, config and credentials), and the few file reads the worktree operations need
// are small `sh` scripts. Every script goes on stdin, its paths quoted in it: nothing the agent
// wrote (a file name) is ever a word of a command line.
import { StudioError } from '../../contract/errors.js';
import { GitFailure, type Git, type GitRunOptions } from '../workspaces/git.js';
import {
  MAX_UNTRACKED_READ_BYTES,
  untrackedText,
  type RepoPlace,
  type UntrackedFile,
} from '../workspaces/repoPlace.js';
import { shellQuote } from '../sessions/claudeLaunch.js';
import { pathWord } from './remoteSetup.js';
import type { ExecResult, SshLink } from './sshLink.js';

/** git below the remote's other work, as on this machine (see git.ts). */
const GIT_NICENESS = 10;
/**
 * Untracked files' bytes read in one summary: base64 makes them a third larger, and a command's
 * output is cut at MAX_STDOUT_BYTES (16 MB).
 */
const UNTRACKED_BUDGET_BYTES = 8 * 1024 * 1024;
/** A push and a pull request go over the network from there: slower than local git, still bounded. */
const FORGE_TIMEOUT_MS = 120_000;
/** What the scripts say on stderr when the folder or the program is not there. */
const NO_FOLDER = 'ccstudio:nofolder';
const NO_PROGRAM = 'ccstudio:noprogram';
/** ssh's own exit code: the connection failed (or, rarely, the command exited with 255). */
const SSH_FAILED = 255;
/** The variables a parent git sets (see git.ts): never passed on to git there. */
const GIT_PARENT_VARS =
  'GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_COMMON_DIR GIT_PREFIX GIT_NAMESPACE';
/** An environment variable's name the scripts may set. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** `cd` into a folder there, or say it is missing (`~/` is the remote HOME). */
function cdOrSay(folder: string): string {
  return `cd -- ${pathWord(folder)} 2>/dev/null || { echo ${NO_FOLDER} >&2; exit 3; }`;
}

/** Runs `program args` in `cwd` there, with `env`, below normal priority, its stdin empty. */
export function programScript(
  program: string,
  cwd: string,
  args: string[],
  env: Record<string, string | undefined>,
): string {
  const exports = Object.entries(env).flatMap(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`not an environment variable name: ${k}`);
    return v === undefined ? [] : [`${k}=${shellQuote(v)}; export ${k}`];
  });
  return [
    `unset ${GIT_PARENT_VARS}`,
    ...exports,
    cdOrSay(cwd),
    `command -v ${program} >/dev/null 2>&1 || { echo ${NO_PROGRAM} >&2; exit 127; }`,
    `n=; if command -v nice >/dev/null 2>&1; then n="nice -n ${GIT_NICENESS}"; fi`,
    `exec $n ${program} ${args.map(shellQuote).join(' ')} </dev/null`,
    '',
  ].join('\n');
}

/** What git sees there: as on this machine (see gitEnv in git.ts). */
const REMOTE_GIT_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
  LANGUAGE: 'C',
};

/** One line of the script's own say, when it is the whole of stderr. */
function said(r: ExecResult, what: string): boolean {
  return r.stderr.trim().split('\n').at(-1) === what;
}

/** A failed session: the connection's fault (it is down) or the command's own exit 255. */
async function connectionLost(link: SshLink, r: ExecResult): Promise<boolean> {
  return r.code === SSH_FAILED && !(await link.alive());
}

function lost(link: SshLink, r: ExecResult): StudioError {
  return new StudioError(
    'unavailable',
    `Lost the connection to ${link.dest} while running git there: ${r.stderr.trim().split('\n').at(-1) ?? ''}. Try again once it is back.`,
  );
}

/** git on the host, over the link: the same answers and failures as the system's git here. */
export function remoteGit(link: SshLink): Git {
  const host = link.dest;
  return async (cwd: string, args: string[], options: GitRunOptions = {}) => {
    const gitArgs = ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=false', ...args];
    const env: Record<string, string | undefined> = { ...REMOTE_GIT_ENV };
    for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
    const r = await link.exec('sh -s', programScript('git', cwd, gitArgs, env));
    if (r.truncated && options.cutOutput)
      return { stdout: r.stdout, stderr: r.stderr, code: 0, truncated: true };
    if (r.code === null)
      throw new GitFailure(
        args,
        null,
        r.truncated
          ? 'git printed more than the studio reads'
          : `git took too long on ${host} and was stopped`,
      );
    if (r.code === 0 || options.okCodes?.includes(r.code))
      return { stdout: r.stdout, stderr: r.stderr, code: r.code };
    if (said(r, NO_FOLDER))
      throw new StudioError('not_found', `The folder ${cwd} on ${host} no longer exists.`);
    if (said(r, NO_PROGRAM))
      throw new StudioError(
        'unavailable',
        `git was not found on ${host}: install git there to use worktrees.`,
      );
    if (await connectionLost(link, r)) throw lost(link, r);
    throw new GitFailure(args, r.code, r.stderr);
  };
}

/** Reads what a script printed, or fails as the connection did. */
async function run(link: SshLink, script: string): Promise<ExecResult> {
  const r = await link.exec('sh -s', script);
  if (await connectionLost(link, r)) throw lost(link, r);
  return r;
}

/**
 * Prints `index base64` for each untracked file it reads: regular files only (`-f` and not a
 * link), none over the size limit, until the budget is spent.
 */
export function untrackedScript(root: string, paths: string[]): string {
  const max = MAX_UNTRACKED_READ_BYTES;
  return [
    `cd -- ${pathWord(root)} 2>/dev/null || exit 0`,
    'command -v base64 >/dev/null 2>&1 || exit 0',
    'total=0; i=0',
    `for p in ${paths.map(shellQuote).join(' ')}; do`,
    `  if [ "$total" -le ${UNTRACKED_BUDGET_BYTES} ] && [ -f "$p" ] && [ ! -h "$p" ]; then`,
    `    n=$(wc -c < "$p" 2>/dev/null | tr -d ' ')`,
    `    if [ -n "$n" ] && [ "$n" -le ${max} ]; then`,
    '      total=$((total + n))',
    `      printf '%s ' "$i"; head -c ${max} < "$p" | base64 | tr -d '\\n'; echo`,
    '    fi',
    '  fi',
    '  i=$((i + 1))',
    'done',
    '',
  ].join('\n');
}

/** Its answer: the files in order, those not read with no text. */
export function parseUntracked(paths: string[], out: string): UntrackedFile[] {
  const files: UntrackedFile[] = paths.map((p) => ({ path: p, text: null, binary: false }));
  for (const line of out.split('\n')) {
    const m = /^(\d+) ([A-Za-z0-9+/=]*)$/.exec(line);
    const file = m ? files[Number(m[1])] : undefined;
    if (!file) continue;
    const buf = Buffer.from(m![2]!, 'base64');
    if (buf.length > MAX_UNTRACKED_READ_BYTES) continue;
    Object.assign(file, untrackedText(buf));
  }
  return files;
}

/** The host's repositories, over its SSH connection. */
export function remotePlace(link: SshLink): RepoPlace {
  const host = link.dest;
  const git = remoteGit(link);
  return {
    git,
    host,
    exists: async (path) =>
      (await run(link, `if [ -e ${pathWord(path)} ]; then echo yes; fi\n`)).stdout.trim() === 'yes',
    listDir: async (path) => {
      // Every entry, hidden ones too (the three globs), NUL-separated: a name may hold a newline.
      const r = await run(
        link,
        `cd -- ${pathWord(path)} 2>/dev/null || exit 0\n` +
          `for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -h "$f" ]; then printf '%s\\000' "$f"; fi; done\n`,
      );
      return r.stdout.split('\0').filter(Boolean);
    },
    readText: async (path) =>
      (await run(link, `if [ -f ${pathWord(path)} ]; then head -c 65536 < ${pathWord(path)}; fi\n`)).stdout,
    realDir: async (path) => {
      const r = await run(link, `cd -P -- ${pathWord(path)} 2>/dev/null && pwd -P\n`);
      return r.stdout.trim() || path;
    },
    readUntracked: async (root, paths) => {
      if (!paths.length) return [];
      return parseUntracked(paths, (await run(link, untrackedScript(root, paths))).stdout);
    },
    gh: async (cwd, args) => {
      const r = await link.exec(
        'sh -s',
        programScript('gh', cwd, args, { GH_PROMPT_DISABLED: '1' }),
        FORGE_TIMEOUT_MS,
      );
      if (r.code === 0) return r.stdout;
      if (said(r, NO_PROGRAM))
        throw new StudioError(
          'unavailable',
          `The GitHub CLI (gh) is not installed on ${host}: install it there and run \`gh auth login\` to open pull requests.`,
        );
      if (said(r, NO_FOLDER))
        throw new StudioError('not_found', `The folder ${cwd} on ${host} no longer exists.`);
      if (await connectionLost(link, r)) throw lost(link, r);
      throw new StudioError('unavailable', `gh failed on ${host}: ${(r.stderr || r.stdout).trim()}`);
    },
  };
}
