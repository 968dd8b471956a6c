// The desktop shell's decisions, under plain Node: no Electron needed.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudioWithParts } from '../../support/studioParts.js';
import { electronSqliteBinding, missingBindingMessage } from '../../../main/electron/nativeSqlite.js';

describe('the Electron build of better-sqlite3', () => {
  it('is a resource in the installed app and under native/electron/<platform>-<arch> in a checkout', () => {
    const where = {
      resourcesPath: '/opt/Claude Code Studio/resources',
      appRoot: '/src/studio',
      platform: 'linux',
      arch: 'x64',
    };
    expect(electronSqliteBinding({ ...where, packaged: true })).toBe(
      join('/opt/Claude Code Studio/resources', 'native', 'better_sqlite3.node'),
    );
    expect(electronSqliteBinding({ ...where, packaged: false })).toBe(
      join('/src/studio', 'native', 'electron', 'linux-x64', 'better_sqlite3.node'),
    );
    expect(electronSqliteBinding({ ...where, packaged: true, override: 'own/better_sqlite3.node' })).toBe(
      resolve('own/better_sqlite3.node'),
    );
    // Never node_modules: that build is Node's, and loading it in Electron fails on the ABI.
    expect(
      electronSqliteBinding({ ...where, packaged: false, platform: 'darwin', arch: 'arm64' }),
    ).not.toMatch(/node_modules/);
  });

  it('tells a developer how to build it and a user to reinstall when it is missing', () => {
    expect(missingBindingMessage('/x/better_sqlite3.node', false)).toMatch(/scripts\/electron-native\.mjs/);
    expect(missingBindingMessage('/x/better_sqlite3.node', true)).toMatch(/Reinstall/);
  });

  it('loads through better-sqlite3 as the shell passes it (here the Node build stands in for the path)', async () => {
    const nodeBuild = createRequire(import.meta.url).resolve(
      'better-sqlite3/build/Release/better_sqlite3.node',
    );
    const studio = createStudioWithParts({ databaseFile: ':memory:', nativeBinding: nodeBuild });
    try {
      expect(studio.agents.list().length).toBeGreaterThan(0);
    } finally {
      await studio.close();
    }
    // A wrong path is a clear error at open, not a crash later.
    expect(() =>
      createStudioWithParts({ databaseFile: ':memory:', nativeBinding: '/nonexistent/better_sqlite3.node' }),
    ).toThrow();
  });
});
