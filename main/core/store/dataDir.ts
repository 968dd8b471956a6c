import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Same folder name Electron's app.getPath('userData') gives the packaged app, so both share one store. */
export const PRODUCT_NAME = 'Claude Code Studio';
export const DATABASE_FILE = 'studio.db';
export const STUDIO_INFO_FILE = 'studio.json';

/** --data beats STUDIO_DATA_DIR beats the per-user app data folder. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (flag) return resolve(flag);
  if (env.STUDIO_DATA_DIR) return resolve(env.STUDIO_DATA_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}
