// Where the desktop app finds better-sqlite3's Electron build, and what to say when it is missing.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.
import { join, resolve } from 'node:path';

/** better-sqlite3's compiled module; scripts/electron-native.mjs writes it under this name. */
export const SQLITE_BINARY = 'better_sqlite3.node';

/**
 * Where the Electron-ABI build of better-sqlite3 is: in an installed app, the resources folder
 * (electron-builder's extraResources put it there); in a checkout, the folder
 * scripts/electron-native.mjs writes for this platform and arch. node_modules keeps Node's build,
 * which `npm test` and `ccstudio` load, so neither runtime ever loads the other's.
 */
export function electronSqliteBinding(where: {
  packaged: boolean;
  resourcesPath: string;
  appRoot: string;
  platform: string;
  arch: string;
  /** STUDIO_SQLITE_BINDING: a build made some other way (or, under a fake Electron, Node's). */
  override?: string | undefined;
}): string {
  if (where.override) return resolve(where.override);
  return where.packaged
    ? join(where.resourcesPath, 'native', SQLITE_BINARY)
    : join(where.appRoot, 'native', 'electron', `${where.platform}-${where.arch}`, SQLITE_BINARY);
}

/** What to tell the person when that build is missing, by how the app was started. */
export function missingBindingMessage(file: string, packaged: boolean): string {
  return packaged
    ? `This installation is incomplete: ${file} is missing. Reinstall Claude Code Studio.`
    : `better-sqlite3 has no build for Electron here (${file} is missing). ` +
        'Run `node scripts/electron-native.mjs`, or `npm start`, which builds it.';
}
