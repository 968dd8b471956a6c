// A repository on another machine, reached over the host's SSH connection: git runs there (with
// that machine's git, config and credentials), and the few file reads the worktree operations need
// are small `sh` scripts. Every script goes on stdin, its paths quoted in it: nothing the agent
// wrote (a file name) is ever a word of a command line.
import { StudioError } from '../../contract/errors.js';
import { GitFailure, studioGitArgs, type Git, type GitRunOptions } from '../workspaces/git.js';
import {
  MAX_UNTRACKED_READ_BYTES,
  UNTRACKED_BUDGET_BYTES,
  untrackedText,
  type RepoPlace,
  type UntrackedFile,
} from '../workspaces/repoPlace.js';
import { shellQuote } from '../util/shellQuote.js';
import { pathWord } from './remoteSetup.js';
import type { ExecResult, SshLink } from './sshLink.js';

/** git below the remote's other work, as on this machine (see git.ts). */
const GIT_NICENESS = 10;
/** A push and a pull request go over the network from there: slower than local git, still bounded. */
const FORGE_TIMEOUT_MS = 120_000;
/** What the scripts say on stderr when the folder or the program is not there. */
const NO_FOLDER = 'ccstudio:nofolder';
const NO_PROGRAM = 'ccstudio:noprogram';
/**
 * The line a script prints once it runs, before its answer: what comes before it (a banner from
 * the account's shell startup files) is not the answer, and without it there is no answer (the
 * session was refused, or `sh` is missing) rather than an empty one.
 */
const READY = 'ccstudio:ready';
/** Commands the file reads run under, where the host has `timeout` (a FIFO must not hold them). */
const READ_TIMEOUT_S = 10;
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
    `echo ${READY}`,
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

/** What the script printed after READY; undefined when it never got there. */
export function answerOf(stdout: string): string | undefined {
  const at = stdout.indexOf(`${READY}\n`);
  return at < 0 ? undefined : stdout.slice(at + READY.length + 1);
}

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

/** A script that never reached its answer: the session failed, or it was stopped. */
function noAnswer(link: SshLink, r: ExecResult, what: string): StudioError {
  const why =
    r.code === null
      ? `it took too long and was stopped`
      : r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`;
  return new StudioError('unavailable', `Could not ${what} on ${link.dest}: ${why}.`);
}

/** Why a programScript never reached its program: no folder, the program missing, or no session. */
async function notRun(
  link: SshLink,
  r: ExecResult,
  program: string,
  cwd: string,
  noProgram: string,
): Promise<StudioError> {
  if (said(r, NO_FOLDER))
    return new StudioError('not_found', `The folder ${cwd} on ${link.dest} no longer exists.`);
  if (said(r, NO_PROGRAM)) return new StudioError('unavailable', noProgram);
  if (await connectionLost(link, r)) return lost(link, r);
  return noAnswer(link, r, `run ${program}`);
}

/** git on the host, over the link: the same answers and failures as the system's git here. */
export function remoteGit(link: SshLink): Git {
  const host = link.dest;
  return async (cwd: string, args: string[], options: GitRunOptions = {}) => {
    const gitArgs = studioGitArgs(args, options);
    const env: Record<string, string | undefined> = { ...REMOTE_GIT_ENV };
    for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
    const r = await link.exec('sh -s', programScript('git', cwd, gitArgs, env));
    const stdout = answerOf(r.stdout);
    if (stdout === undefined)
      throw await notRun(
        link,
        r,
        'git',
        cwd,
        `git was not found on ${host}: install git there to use worktrees.`,
      );
    if (r.truncated && options.cutOutput) return { stdout, stderr: r.stderr, code: 0, truncated: true };
    if (r.code === null)
      throw new GitFailure(
        args,
        null,
        r.truncated
          ? 'git printed more than the studio reads'
          : `git took too long on ${host} and was stopped`,
      );
    if (r.code === 0 || options.okCodes?.includes(r.code)) return { stdout, stderr: r.stderr, code: r.code };
    if (await connectionLost(link, r)) throw lost(link, r);
    throw new GitFailure(args, r.code, r.stderr);
  };
}

/** What a file-reading script answered (see READY), or why there is no answer. */
async function run(link: SshLink, script: string, what: string): Promise<string> {
  const r = await link.exec('sh -s', `echo ${READY}\n${script}`);
  const answer = answerOf(r.stdout);
  if (answer !== undefined && r.code === 0) return answer;
  if (await connectionLost(link, r)) throw lost(link, r);
  throw noAnswer(link, r, what);
}

/** `timeout N` where the host has it (GNU coreutils), else nothing. */
const BOUNDED = `t=; if command -v timeout >/dev/null 2>&1; then t="timeout ${READ_TIMEOUT_S}"; fi`;

/**
 * Prints `index base64` for each untracked file it reads: regular files only (`-f` and not a
 * link), none over the size limit, until `budget` bytes are spent (then `index +` for each file
 * past it). The reads run under `timeout` where there is one: a file swapped for a FIFO between
 * the check and the read must not hold the command. (That swap, or one for a link, is a race
 * the agent could win only against itself: it runs as the same account there.)
 */
export function untrackedScript(root: string, paths: string[], budget = UNTRACKED_BUDGET_BYTES): string {
  const max = MAX_UNTRACKED_READ_BYTES;
  return [
    `cd -- ${pathWord(root)} 2>/dev/null || exit 0`,
    'command -v base64 >/dev/null 2>&1 || exit 0',
    BOUNDED,
    'left=' + Math.max(0, Math.floor(budget)) + '; i=0',
    `for p in ${paths.map(shellQuote).join(' ')}; do`,
    '  if [ "$left" -lt 0 ]; then echo "$i +"',
    '  elif [ -f "$p" ] && [ ! -h "$p" ]; then',
    '    n=$($t wc -c -- "$p" 2>/dev/null); n=${n#"${n%%[! ]*}"}; n=${n%% *}',
    `    if [ -n "$n" ] && [ "$n" -le ${max} ]; then`,
    '      if [ "$n" -gt "$left" ]; then left=-1; echo "$i +"',
    `      else left=$((left - n)); printf '%s ' "$i"; $t head -c ${max} -- "$p" 2>/dev/null | base64 | tr -d '\\n'; echo`,
    '      fi',
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
    const m = /^(\d+) ([A-Za-z0-9+/=]*|\+)$/.exec(line);
    const file = m ? files[Number(m[1])] : undefined;
    if (!file) continue;
    if (m![2] === '+') {
      file.overBudget = true;
      continue;
    }
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
    exists: async (path) => {
      const answer = await run(
        link,
        `if [ -e ${pathWord(path)} ]; then echo yes; else echo no; fi\n`,
        'look',
      );
      return answer.trim() === 'yes';
    },
    listDir: async (path) => {
      // Every entry, hidden ones too (the three globs), NUL-separated: a name may hold a newline.
      const answer = await run(
        link,
        `cd -- ${pathWord(path)} 2>/dev/null || exit 0\n` +
          `for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -h "$f" ]; then printf '%s\\000' "$f"; fi; done\n`,
        'list a folder',
      );
      return answer.split('\0').filter(Boolean);
    },
    readText: async (path) =>
      run(
        link,
        `${BOUNDED}\nif [ -f ${pathWord(path)} ]; then $t head -c 65536 -- ${pathWord(path)}; fi\nexit 0\n`,
        'read a file',
      ),
    realDir: async (path) => {
      const answer = await run(link, `cd -P -- ${pathWord(path)} 2>/dev/null && pwd -P\nexit 0\n`, 'look');
      return answer.trim() || path;
    },
    readUntracked: async (root, paths, budget) => {
      if (!paths.length) return [];
      return parseUntracked(paths, await run(link, untrackedScript(root, paths, budget), 'read files'));
    },
    gh: async (cwd, args) => {
      const r = await link.exec(
        'sh -s',
        programScript('gh', cwd, args, { GH_PROMPT_DISABLED: '1' }),
        FORGE_TIMEOUT_MS,
      );
      const stdout = answerOf(r.stdout);
      if (stdout !== undefined && r.code === 0) return stdout;
      if (stdout === undefined)
        throw await notRun(
          link,
          r,
          'gh',
          cwd,
          `The GitHub CLI (gh) is not installed on ${host}: install it there and run \`gh auth login\` to open pull requests.`,
        );
      if (await connectionLost(link, r)) throw lost(link, r);
      if (r.code === null) throw noAnswer(link, r, 'run gh');
      throw new StudioError('unavailable', `gh failed on ${host}: ${(r.stderr || stdout).trim()}`);
    },
  };
}
