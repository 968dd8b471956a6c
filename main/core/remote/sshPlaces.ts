// Where a studio keeps its SSH control sockets here, and what it calls itself on other machines.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * A Unix socket's path must fit in 104 bytes on macOS (103 characters), and ssh first binds its
 * master's socket at the path plus 17 characters: the folder, a slash and the 16-character name
 * (sshCommand.ts) leave room only up to this.
 */
const MAX_CONTROL_DIR_CHARS = 64;
/** Long enough that two studios on one machine never meet on a remote. */
const STUDIO_KEY_CHARS = 12;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** The studio's folder of control sockets: in its data folder, or a short private one if that is too deep. */
export function sshControlDir(dataDir: string): string {
  const dir = join(dataDir, 'ssh');
  return dir.length <= MAX_CONTROL_DIR_CHARS
    ? dir
    : // Short on every system (macOS's own temp folder is 50 characters deep). SshLink refuses
      // it unless it is this user's own folder.
      join('/tmp', `ccs-${process.getuid?.() ?? 0}-${hash(dataDir).slice(0, 8)}`);
}

/** Where the studio keeps its name on other machines (Settings). */
const REMOTE_KEY_SETTING = 'remoteKey';

/**
 * This studio's folder name under ~/.ccstudio on other machines: made once at random and kept, so
 * two studios (two laptops with the same user name and data folder) never share one on a host.
 */
export function remoteKey(settings: {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}): string {
  const kept = settings.get<string>(REMOTE_KEY_SETTING);
  if (typeof kept === 'string' && /^[0-9a-f]{12}$/.test(kept)) return kept;
  const key = randomBytes(STUDIO_KEY_CHARS / 2).toString('hex');
  settings.set(REMOTE_KEY_SETTING, key);
  return key;
}
