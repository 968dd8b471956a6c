// scripts/electron-native.mjs: the Electron-ABI build of better-sqlite3 beside the Node one.
// The download and compile need electronjs.org and GitHub, out of reach here; what is tested is
// every decision around them and that npm install's run of it never harms the Node build.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { findElectron } from '../support/electronBinary.js';
import { skipTitle } from '../support/skipReason.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts', 'electron-native.mjs');

interface NativeScript {
  nativeDir(base: string, platform: string, arch: string): string;
  electronVersion(pkg: Record<string, unknown>, installed?: string): string;
  isCurrent(stamp: unknown, want: Record<string, string>): boolean;
  buildEnv(env: Record<string, string | undefined>): Record<string, string>;
  electronSkippedReason(lock: unknown, node: string): string | undefined;
}
let native: NativeScript;
beforeAll(async () => {
  // A path held in a variable: the script is plain JavaScript, imported as any user of it would.
  native = (await import(pathToFileURL(script).href)) as NativeScript;
});

/** Where Electron's binary is installed, npm start and the postinstall use it instead. */
const electronInstalled = findElectron() !== undefined;

function run(args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('electron-native', () => {
  it('writes to native/electron/<platform>-<arch>, the folder electron-builder ships', () => {
    expect(native.nativeDir('/app', 'darwin', 'arm64')).toBe(
      join('/app', 'native', 'electron', 'darwin-arm64'),
    );
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toContain('from: native/electron/${platform}-${arch}');
  });

  it('builds for the installed Electron, else for the exact version package.json pins', () => {
    expect(native.electronVersion({ optionalDependencies: { electron: '41.10.0' } }, '41.11.2')).toBe(
      '41.11.2',
    );
    expect(native.electronVersion({ optionalDependencies: { electron: '41.10.0' } })).toBe('41.10.0');
    expect(native.electronVersion({ devDependencies: { electron: '^40.1.0' } })).toBe('40.1.0');
    // A range could resolve to an Electron the build was not made for.
    expect(() => native.electronVersion({ optionalDependencies: { electron: '>=40' } })).toThrow(
      /exact version/,
    );
    expect(() => native.electronVersion({})).toThrow(/exact version/);
  });

  it('says when npm left Electron out because it asks for a newer Node than this one', () => {
    const lock = (node: string) => ({
      packages: { 'node_modules/electron': { version: '41.10.0', optional: true, engines: { node } } },
    });
    expect(native.electronSkippedReason(lock('>= 22.12.0'), '20.19.0')).toBe(
      'npm install left out Electron 41.10.0: it asks for Node 22.12.0 or newer, and this is Node 20.19.0. ' +
        'For the desktop window, run npm install again with Node 22.12.0 or newer.',
    );
    expect(native.electronSkippedReason(lock('>= 22.12.0'), '22.11.9')).toMatch(/this is Node 22\.11\.9/);
    for (const node of ['22.12.0', '22.13.1', '24.0.0'])
      expect(native.electronSkippedReason(lock('>= 22.12.0'), node)).toBeUndefined();
    // Electron 41.7.1 and older asked for any Node from 12.20.55; a range it cannot read, or none, says nothing.
    expect(native.electronSkippedReason(lock('>= 12.20.55'), '20.19.0')).toBeUndefined();
    expect(native.electronSkippedReason(lock('^22.12.0 || >=24'), '20.19.0')).toBeUndefined();
    expect(native.electronSkippedReason({ packages: {} }, '20.19.0')).toBeUndefined();
    expect(native.electronSkippedReason(undefined, '20.19.0')).toBeUndefined();
  });

  it('rebuilds when Electron, better-sqlite3, platform or arch changed', () => {
    const want = { electron: '41.10.0', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' };
    expect(native.isCurrent({ ...want, source: 'prebuilt' }, want)).toBe(true);
    expect(native.isCurrent(undefined, want)).toBe(false);
    for (const key of Object.keys(want) as Array<keyof typeof want>) {
      expect(native.isCurrent({ ...want, [key]: 'other' }, want), key).toBe(false);
    }
  });

  it("drops npm's build-shaping settings (nodedir would silently build for Node) and keeps the rest", () => {
    const env = native.buildEnv({
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_runtime: 'node',
      npm_config_target: '20.20.2',
      npm_config_arch: 'ia32',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_build_from_source: 'true',
      npm_config_https_proxy: 'http://proxy:3128',
      npm_config_registry: 'https://registry.npmjs.org/',
      PATH: '/usr/bin',
      HOME: '/home/me',
    });
    expect(env).toEqual({
      npm_config_https_proxy: 'http://proxy:3128',
      npm_config_registry: 'https://registry.npmjs.org/',
      PATH: '/usr/bin',
      HOME: '/home/me',
    });
  });

  // Where Electron is installed the postinstall builds for it instead, which needs the network.
  const electronHere = electronInstalled
    ? 'Electron is installed here, so the postinstall builds for it'
    : undefined;
  it.skipIf(electronHere)(
    skipTitle(
      "as npm install's postinstall, skips with one line when Electron's binary is absent, leaving the Node build alone",
      electronHere,
    ),
    () => {
      const nodeBuild = createRequire(join(root, 'package.json')).resolve(
        'better-sqlite3/build/Release/better_sqlite3.node',
      );
      const before = statSync(nodeBuild).mtimeMs;
      const r = run(['--postinstall']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(
        /Electron's binary is not installed, so no Electron build of better-sqlite3 is needed/,
      );
      expect(statSync(nodeBuild).mtimeMs).toBe(before);
    },
  );

  it('refuses unknown or malformed arguments with a clear message and exit code 2', () => {
    for (const args of [['--bogus'], ['--arch'], ['--arch', 'x64;rm -rf /'], ['--platform', '../../etc']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^electron-native: /);
    }
  });
});
