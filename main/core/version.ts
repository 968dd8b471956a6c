import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * This copy's version, from the package.json it came with (a checkout, the desktop app or the npm
 * package): what `ccstudio --version`, the MCP server and studio.json all say.
 */
export function studioVersion(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
      if (pkg.version) return (cached = pkg.version);
    } catch {
      // Not here; look one folder up.
    }
  }
  return (cached = 'unknown');
}
