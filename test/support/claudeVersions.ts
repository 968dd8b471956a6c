// Claude Code versions for the version matrix, each installed on demand into
// test/tools/versions/<version> (later runs reuse it) so tests can run them as studio agents.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from './realClients.js';

const run = promisify(execFile);
const VERSIONS_DIR = join(TOOLS_DIR, 'versions');
/** One version's install from the registry: its binary is a few hundred MB. */
export const INSTALL_TIMEOUT = 300_000;

/** Installs one version into its own folder (once) and returns its `claude`. */
export async function installClaude(version: string): Promise<string> {
  const dir = join(VERSIONS_DIR, version);
  const bin = join(dir, 'node_modules/.bin/claude');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, name: `claude-${version}` }));
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', `@anthropic-ai/claude-code@${version}`],
    { cwd: dir, timeout: INSTALL_TIMEOUT },
  );
  return bin;
}
