import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Electron's binary when the electron package is installed and its download finished (the package
 * exports the path, and throws when the download failed); undefined otherwise, as on machines that
 * cannot reach GitHub. Tests that need the real app skip on undefined and say so.
 */
export function findElectron(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
