// The installers' configuration and the app folder electron-builder lays out. Electron's binary
// and electron-builder's tool downloads are out of reach here, so the dry run is a LAYOUT CHECK
// ONLY: Electron is a placeholder script and no installer is made. It proves what goes where
// (bundles in the asar, native modules unpacked, the Electron build of better-sqlite3 as a
// resource), not that the app starts; the release workflow builds real installers.
import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/studioHarness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  optionalDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const configFile = join(root, 'electron-builder.yml');
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  npmRebuild: boolean;
  linux: { category: string; icon: string; target: unknown };
  mac: { icon: string; target: unknown };
}
const config = yaml.load(readFileSync(configFile, 'utf8')) as BuilderConfig;

// electron-builder's own schema check (the one every build runs first), called directly.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const validate = (c: unknown) => validateConfiguration(c, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('is refused with a clear message when an option is misspelled (the check is live)', async () => {
    await expect(
      validate({ ...config, linux: { ...config.linux, categroy: 'Development' } }),
    ).rejects.toThrow(/configuration\.linux/);
  });

  it('names the product the CLI uses for its data folder, and targets what the issue asks for', () => {
    expect(config.productName).toBe(pkg.productName);
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.linux.category).toBe('Development');
    expect(config.linux.target).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.asar).toBe(true);
    // Rebuilding node_modules for Electron would break better-sqlite3 for npm test.
    expect(config.npmRebuild).toBe(false);
  });

  it('has the icons it points at: a PNG set for Linux and an .icns for macOS', () => {
    const icons = readdirSync(join(root, config.linux.icon)).sort();
    expect(icons).toContain('256x256.png');
    expect(icons).toContain('512x512.png');
    for (const name of icons) {
      const png = readFileSync(join(root, config.linux.icon, name));
      const size = Number(/^(\d+)x\1\.png$/.exec(name)?.[1]);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR width and height, big-endian at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    const icns = readFileSync(join(root, config.mac.icon));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4))
      types.push(icns.subarray(at, at + 4).toString('latin1'));
    // 1024 (ic10) and 512 (ic09) are what Finder and the Dock draw on a Retina display.
    expect(types).toEqual(expect.arrayContaining(['ic10', 'ic09', 'ic08', 'ic07']));
  });

  it('keeps Electron and the UI libraries out of the runtime dependencies the app packs', () => {
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.optionalDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
    for (const ui of ['react', 'react-dom', '@xterm/xterm', '@dnd-kit/core']) {
      expect(pkg.dependencies[ui], ui).toBeUndefined();
      expect(pkg.devDependencies[ui], ui).toBeDefined();
    }
  });
});

describe("leaving Electron's packages out of the app", () => {
  it('excludes what only electron reaches, and keeps a package another runtime dependency shares', async () => {
    const { electronOnlyPackages } = (await import(
      pathToFileURL(join(root, 'scripts/builder-config.mjs')).href
    )) as {
      electronOnlyPackages(tree: unknown): string[];
    };
    // As npm ls prints it: debug's subtree (ms) appears once, under electron's branch, though
    // express needs it too.
    const tree = {
      dependencies: {
        electron: {
          dependencies: {
            '@electron/get': {
              dependencies: {
                debug: { dependencies: { ms: {} } },
                got: { dependencies: { 'p-cancelable': {} } },
              },
            },
            'extract-zip': { dependencies: { debug: {} } },
          },
        },
        express: { dependencies: { debug: {} } },
        'node-pty': {},
      },
    };
    expect(electronOnlyPackages(tree)).toEqual([
      '@electron/get',
      'electron',
      'extract-zip',
      'got',
      'p-cancelable',
    ]);
    // Absent (this machine: its download failed) or missing, there is nothing to leave out.
    expect(electronOnlyPackages({ dependencies: { 'node-pty': {} } })).toEqual([]);
    expect(electronOnlyPackages({ dependencies: { electron: { missing: true }, 'node-pty': {} } })).toEqual(
      [],
    );
  });
});

describe("electron-builder's own node_modules filter, given npm run dist's configuration", () => {
  // The filter electron-builder applies to every dependency's files (an internal of
  // app-builder-lib, pinned with it), fed a tree where Electron is installed, as on a build runner.
  it('drops Electron and what only it uses, and keeps everything else', async () => {
    const { distConfig } = (await import(pathToFileURL(join(root, 'scripts/builder-config.mjs')).href)) as {
      distConfig(tree: unknown): { files: unknown[] };
    };
    const tree = {
      dependencies: {
        electron: {
          dependencies: { '@electron/get': { dependencies: { got: {}, debug: {} } }, 'extract-zip': {} },
        },
        express: { dependencies: { debug: {} } },
        'node-pty': {},
      },
    };
    const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
      getNodeModuleFileMatcher(
        appDir: string,
        destination: string,
        expand: (s: string) => string,
        platformOptions: object,
        packager: object,
      ): { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
    };
    const appDir = '/app';
    const keep = getNodeModuleFileMatcher(
      appDir,
      '/out',
      (x) => x,
      {},
      {
        config: { files: distConfig(tree).files },
        debugLogger: { isEnabled: false },
      },
    ).createFilter();
    const file = { isDirectory: () => false };
    const kept = (path: string) => keep(join(appDir, path), file);
    for (const gone of [
      'node_modules/electron/dist/electron',
      'node_modules/electron/package.json',
      'node_modules/@electron/get/dist/index.js',
      'node_modules/got/dist/source/index.js',
      'node_modules/extract-zip/index.js',
    ]) {
      expect(kept(gone), gone).toBe(false);
    }
    for (const stays of [
      'node_modules/debug/src/index.js',
      'node_modules/express/index.js',
      'node_modules/node-pty/lib/index.js',
      'node_modules/electron-store/index.js',
      'node_modules/@electron/getter/index.js',
    ]) {
      expect(kept(stays), stays).toBe(true);
    }
  });
});

describe('packaging dry run (layout check only: Electron is a placeholder, no installer is made)', () => {
  let work: string;
  let appDir: string;
  let asar: string;
  let entries: string[];

  beforeAll(async () => {
    for (const bundle of [
      'dist/main/electron/main.js',
      'dist/main/electron/preload.cjs',
      'dist/renderer/index.html',
    ]) {
      if (!existsSync(join(root, bundle)))
        throw new Error(`${bundle} is missing: npm test builds it first (npm run build)`);
    }
    work = tempDir();
    // The placeholder stands where Electron's unpacked distribution would: electron-builder copies
    // it and renames the binary. It is a shell script that says what it is.
    const placeholder = join(work, 'electron-placeholder');
    mkdirSync(placeholder);
    writeFileSync(
      join(placeholder, 'electron'),
      '#!/bin/sh\necho "placeholder for the Electron binary (layout check)" >&2\nexit 1\n',
    );
    chmodSync(join(placeholder, 'electron'), 0o755);
    // The Electron build of better-sqlite3 cannot be made here (its download is unreachable); a copy
    // of the Node build stands in, so the check sees where the real one lands.
    const native = join(work, 'native');
    mkdirSync(native);
    copyFileSync(
      require.resolve('better-sqlite3/build/Release/better_sqlite3.node'),
      join(native, 'better_sqlite3.node'),
    );
    // The configuration npm run dist uses, with the placeholder and a temporary output folder.
    const { distConfig } = (await import(pathToFileURL(join(root, 'scripts/builder-config.mjs')).href)) as {
      distConfig(): Record<string, unknown>;
    };
    const overlay = join(work, 'electron-builder.layout.json');
    writeFileSync(
      overlay,
      JSON.stringify({
        ...distConfig(),
        electronDist: placeholder,
        electronVersion: pkg.optionalDependencies.electron,
        directories: { output: join(work, 'out'), buildResources: 'build' },
        extraResources: [{ from: native, to: 'native', filter: ['*.node'] }],
      }),
    );
    // Asynchronous: a blocked test worker misses its own heartbeat.
    await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/electron-builder/cli.js'), '--dir', '--linux', '--x64', '--config', overlay],
      { cwd: root, timeout: 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
    ).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`electron-builder --dir failed: ${err.message}\n${err.stdout}\n${err.stderr}`);
    });
    appDir = join(work, 'out', 'linux-unpacked');
    asar = join(appDir, 'resources', 'app.asar');
    entries = listPackage(asar, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
  }, 300_000);

  it('puts the main, preload and renderer bundles inside app.asar, with package.json pointing at main', () => {
    for (const f of [
      '/dist/main/electron/main.js',
      '/dist/main/electron/preload.cjs',
      '/dist/main/electron/windowState.js',
      '/dist/main/host/studioHost.js',
      '/dist/server/httpServer.js',
      '/dist/renderer/index.html',
      '/package.json',
    ]) {
      expect(entries, f).toContain(f);
    }
    expect(entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e))).toBe(true);
    const packed = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
    expect(packed.main).toBe(pkg.main);
    expect(entries).toContain('/' + packed.main);
  });

  it('leaves sources, tests, maps and build tools out', () => {
    const unwanted = entries.filter(
      (e) =>
        e.endsWith('.map') ||
        (e.endsWith('.ts') && !e.endsWith('.d.ts')) ||
        /^\/(main|server|renderer|test|scripts|build|native)\//.test(e) ||
        /^\/dist\/test\//.test(e) ||
        // Electron itself is an optional dependency, which electron-builder would pack; where it is
        // installed (GitHub's runners) this is the check that builder-config.mjs keeps it out.
        /\/node_modules\/(electron|@electron\/get|electron-builder|vite|vitest|react|react-dom|typescript|playwright-core)(\/|$)/.test(
          e,
        ),
    );
    expect(unwanted).toEqual([]);
  });

  it('unpacks the native modules next to the asar and keeps their JavaScript loadable', () => {
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked');
    expect(existsSync(join(unpacked, 'node_modules/node-pty/build/Release/pty.node'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules/node-pty/lib/index.js'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules/better-sqlite3/lib/index.js'))).toBe(true);
    // Claude Code's hooks run this file with Electron as Node, from outside the archive.
    expect(existsSync(join(unpacked, 'dist/main/host/hookReporter.mjs'))).toBe(true);
    // The archive's index lists every .node file as unpacked: none stays inside, where dlopen
    // cannot reach it.
    const natives = entries.filter((e) => e.endsWith('.node'));
    expect(natives.length).toBeGreaterThan(0);
    const packedNatives = natives.filter(
      (e) => !(statFile(asar, e.slice(1)) as { unpacked?: boolean }).unpacked,
    );
    expect(packedNatives).toEqual([]);
    // better-sqlite3's Node build is left behind: the app loads only the Electron one.
    expect(existsSync(join(unpacked, 'node_modules/better-sqlite3/build'))).toBe(false);
  });

  it('ships the Electron build of better-sqlite3 where the shell looks for it (resources/native)', () => {
    expect(existsSync(join(appDir, 'resources', 'native', 'better_sqlite3.node'))).toBe(true);
  });

  it("runs from the packed files: the studio opens its database with the resources' SQLite build, serves the UI and starts a terminal (Node standing in for Electron)", async () => {
    // The archive and its unpacked half, extracted side by side as Electron's asar support shows
    // them to the app. Only the packed node_modules are reachable from there, so a runtime file
    // the patterns dropped would fail here.
    const extracted = join(work, 'extracted');
    extractAll(asar, extracted);
    const probe = join(extracted, 'packed-smoke.mjs');
    // What main.ts does on launch, minus the window: startStudioHost() with the resources' nativeBinding.
    writeFileSync(
      probe,
      `import { startStudioHost } from './dist/main/host/studioHost.js';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const running = await startStudioHost({ dataDir: process.argv[2], port: 0, logger: quiet, noStart: true, nativeBinding: process.argv[3] });
const ui = await fetch(running.uiUrl);
const html = await ui.text();
await running.studio.service.addAgent({ name: 'probe', profile: { kind: 'command', command: '/bin/sh', args: ['-c', 'echo packed-pty-ok; sleep 30'] } });
await running.studio.service.startAgent('probe');
let screen = '';
for (let i = 0; i < 100 && !screen.includes('packed-pty-ok'); i++) {
  await new Promise((r) => setTimeout(r, 100));
  screen = await running.studio.service.readScreen('probe');
}
await running.stop();
console.log(JSON.stringify({ uiBuilt: running.uiBuilt, uiStatus: ui.status, hasRoot: html.includes('id="root"'), screen }));
`,
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [probe, join(work, 'smoke-data'), join(appDir, 'resources', 'native', 'better_sqlite3.node')],
      { cwd: extracted, timeout: 60_000, env: { ...process.env, NODE_PATH: '' } },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      uiBuilt: boolean;
      uiStatus: number;
      hasRoot: boolean;
      screen: string;
    };
    expect(result).toMatchObject({ uiBuilt: true, uiStatus: 200, hasRoot: true });
    expect(result.screen).toContain('packed-pty-ok');
  }, 90_000);

  it('names the executable after the package and copies the placeholder in its place', () => {
    const bin = join(appDir, 'claude-code-studio');
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8')).toContain('placeholder for the Electron binary');
  });
});
