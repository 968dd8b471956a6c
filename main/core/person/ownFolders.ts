// The studio's own folders: where the code of this studio runs from. A team put there would edit
// the studio itself, so they are never suggested as a team's folder (see team.ts).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above `file` holding a package.json: a checkout, an npm install, app.asar. */
export function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The installed app holding this executable: the `.app` bundle on macOS, else its folder. */
export function appFolder(execPath: string): string {
  const bundle = execPath.split(sep).findIndex((part) => part.endsWith('.app'));
  return bundle > 0
    ? execPath
        .split(sep)
        .slice(0, bundle + 1)
        .join(sep)
    : dirname(execPath);
}

/**
 * This studio's own folders: the package its code came from (the checkout `npm start` runs in,
 * the global npm install, or the desktop app's app.asar) and, in the desktop app, the app's
 * install folder. Plain Node's own folder (/usr/bin for one) is no studio's and is left out.
 */
export function studioOwnFolders(
  from: { moduleFile: string; execPath: string; electron: boolean } = {
    moduleFile: fileURLToPath(import.meta.url),
    execPath: process.execPath,
    electron: Boolean(process.versions.electron),
  },
): string[] {
  const root = packageRoot(from.moduleFile);
  return [...(root ? [root] : []), ...(from.electron ? [appFolder(from.execPath)] : [])];
}

/** The real path of a folder that exists (links followed), else the path as given. */
export function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
