// Where a studio keeps its SSH control sockets here, and what it calls itself on other machines.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Unix socket's path must fit in 104 bytes (macOS; 108 on Linux): room for the socket's own name. */
const MAX_CONTROL_DIR_CHARS = 80;
/** Long enough that two studios on one machine never meet on a remote. */
const STUDIO_KEY_CHARS = 12;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** The studio's folder of control sockets: in its data folder, or a short private one if that is too deep. */
export function sshControlDir(dataDir: string): string {
  const dir = join(dataDir, 'ssh');
  return dir.length <= MAX_CONTROL_DIR_CHARS
    ? dir
    : join(tmpdir(), `ccstudio-ssh-${hash(dataDir).slice(0, 8)}`);
}

/** This studio's folder name under ~/.ccstudio on other machines, from its data folder. */
export function studioKeyOf(dataDir: string): string {
  const real = existsSync(dataDir) ? realpathSync(dataDir) : dataDir;
  return hash(real).slice(0, STUDIO_KEY_CHARS);
}
