// The words that run this ccstudio from where the person is, for every command line the CLI
// prints for them to type (serve's banner, hints in errors, usage). From a checkout `ccstudio` is
// "command not found"; what runs there is `npx ccstudio`, or this script by its path.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CommandPlace {
  /** This ccstudio script, its real path. */
  script: string;
  /** The real path of the `ccstudio` the person's shell finds on PATH, if there is one. */
  onPath: string | undefined;
  /** The person's working folder: INIT_CWD when npm runs us, else the current folder. */
  userCwd: string;
  /** The folder with this package's package.json. */
  packageRoot: string;
}

/** `a` is `b` or inside it. */
function isInside(a: string, b: string): boolean {
  const rel = relative(b, a);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/** A word as a POSIX shell reads it: quoted only when it has to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `ccstudio` when the one on PATH is this very script; `npx ccstudio` when npx finds this package
 * from the person's folder (inside the package, or inside the project whose node_modules holds
 * it); otherwise node with this script's path.
 */
export function ccstudioCommand(place: CommandPlace): string {
  if (place.onPath !== undefined && place.onPath === place.script) return 'ccstudio';
  if (isInside(place.userCwd, place.packageRoot)) return 'npx ccstudio';
  const holder = dirname(place.packageRoot);
  if (holder.split(sep).pop() === 'node_modules' && isInside(place.userCwd, dirname(holder)))
    return 'npx ccstudio';
  return `node ${shellWord(place.script)}`;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The executable `ccstudio` on PATH, as the person's shell would find it. Folders named
 * node_modules/.bin are skipped: npm puts them on PATH only for the scripts it runs, so a
 * `ccstudio` found there is not one the person can type afterwards.
 */
export function ccstudioOnPath(path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || /[\\/]node_modules[\\/]\.bin[\\/]?$/.test(dir)) continue;
    const file = join(dir, 'ccstudio');
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return realpathOrSelf(file);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Where this process was started, as the person sees it (npm runs scripts from the package root). */
function userCwd(env: NodeJS.ProcessEnv): string {
  return env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

function packageRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}

let cached: string | undefined;

/** The command for this process's ccstudio, worked out once. */
export function thisCcstudioCommand(env: NodeJS.ProcessEnv = process.env): string {
  if (cached === undefined) {
    const script = realpathOrSelf(fileURLToPath(new URL('../ccstudio.js', import.meta.url)));
    cached = ccstudioCommand({
      script,
      onPath: ccstudioOnPath(env.PATH),
      userCwd: userCwd(env),
      packageRoot: packageRootOf(script),
    });
  }
  return cached;
}
