#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into native/electron/<platform>-<arch>/, beside (never
// over) the Node build in node_modules that `npm test` and `ccstudio` load. The desktop shell
// hands that file to better-sqlite3 as `nativeBinding`; electron-builder ships it as a resource.
// node-pty needs nothing: it is N-API, one build loads in both runtimes.
//
//   node scripts/electron-native.mjs                 this machine's platform and arch
//   node scripts/electron-native.mjs --arch arm64    another arch (the macOS installers build both)
//   node scripts/electron-native.mjs --postinstall   from npm install: skips when Electron is absent
//                                                    and never fails the install
//
// First a prebuilt binary (prebuild-install, which better-sqlite3 itself uses), then a compile
// against Electron's headers (node-gyp). Both happen in a temporary copy of the package, so a
// failure halfway leaves node_modules exactly as it was.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
/** Where Electron's headers live; node-gyp's default is Node's. */
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
/** The compiled module's name inside build/Release, as better-sqlite3's binding.gyp names it. */
const BINARY = 'better_sqlite3.node';
/** A download or compile that takes longer than this is stuck (a compile takes 1 to 3 minutes). */
const STEP_TIMEOUT_MS = 10 * 60_000;

/** native/electron/<platform>-<arch>: the folder electron-builder's extraResources reads. */
export function nativeDir(base, platform, arch) {
  return join(base, 'native', 'electron', `${platform}-${arch}`);
}

/** The Electron version to build for: the installed package's, else the one package.json pins. */
export function electronVersion(pkg, installed) {
  if (installed) return installed;
  const wanted =
    pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  const exact = typeof wanted === 'string' ? /^[~^=]?(\d+\.\d+\.\d+)$/.exec(wanted.trim()) : null;
  if (!exact)
    throw new Error(`package.json must pin electron to an exact version (found ${wanted ?? 'none'})`);
  return exact[1];
}

/** Negative, zero or positive, as version `a` (x.y.z) is older than, the same as or newer than `b`. */
function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * Why Electron is not installed, when the reason is its engines field: npm skips an optional
 * package that asks for a newer Node without a word (Electron 41.7.2 and later ask for 22.12).
 * `lock` is package-lock.json's content, `node` this Node's version (process.versions.node).
 * Undefined when the lock says Electron would install on this Node.
 */
export function electronSkippedReason(lock, node) {
  const entry = lock?.packages?.['node_modules/electron'];
  const wants = /^>=\s*(\d+\.\d+\.\d+)$/.exec(entry?.engines?.node?.trim() ?? '')?.[1];
  if (!wants || compareVersions(node, wants) >= 0) return undefined;
  return (
    `npm install left out Electron ${entry.version}: it asks for Node ${wants} or newer, and this is ` +
    `Node ${node}. For the desktop window, run npm install again with Node ${wants} or newer.`
  );
}

/** True when the build in `dir` was made for this Electron and this better-sqlite3. */
export function isCurrent(stamp, want) {
  return (
    !!stamp &&
    stamp.electron === want.electron &&
    stamp.betterSqlite3 === want.betterSqlite3 &&
    stamp.platform === want.platform &&
    stamp.arch === want.arch
  );
}

/**
 * The environment for prebuild-install and node-gyp. npm hands its config to scripts as
 * npm_config_*; `nodedir=/usr` among them would make node-gyp build against Node's headers and
 * silently produce a Node-ABI module, so every build-shaping setting is dropped and the target
 * is given on the command line instead. Proxy and registry settings pass through.
 */
export function buildEnv(env) {
  const shaping =
    /^npm_config_(nodedir|runtime|target|arch|target_arch|platform|disturl|dist_url|build_from_source|node_gyp|devdir)$/i;
  const out = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !shaping.test(k)) out[k] = v;
  return out;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The installed electron package: its version, and its binary's path when the download finished
 * (the package exports that path, and throws when the download failed). Undefined when absent.
 */
export function installedElectron() {
  let pkgFile;
  try {
    pkgFile = require.resolve('electron/package.json', { paths: [root] });
  } catch {
    return undefined;
  }
  let binaryPath;
  try {
    const path = require(dirname(pkgFile));
    if (typeof path === 'string' && existsSync(path)) binaryPath = path;
  } catch {
    // The package is there but its postinstall download failed.
  }
  return { version: readJson(pkgFile)?.version, binaryPath };
}

function nodeGypScript() {
  const candidates = [
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((p) => p && existsSync(p));
}

function run(label, args, cwd, env) {
  process.stdout.write(`electron-native: ${label}\n`);
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: 'inherit', timeout: STEP_TIMEOUT_MS });
  return r.status === 0;
}

/** Loads the build inside Electron (as Node) when that binary can run here: proof of the ABI. */
function verifyInElectron(electronPath, file) {
  const driver = dirname(require.resolve('better-sqlite3/package.json', { paths: [root] }));
  const probe =
    `const D = require(${JSON.stringify(driver)});` +
    `const db = new D(':memory:', { nativeBinding: ${JSON.stringify(file)} });` +
    `process.stdout.write(db.prepare('select sqlite_version() v').get().v);`;
  const r = spawnSync(electronPath, ['-e', probe], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`the Electron build does not load in Electron: ${r.stderr || r.error}`);
  return r.stdout.trim();
}

export function build({ platform = process.platform, arch = process.arch, force = false } = {}) {
  const pkg = readJson(join(root, 'package.json'));
  const electron = installedElectron();
  const version = electronVersion(pkg, electron?.version);
  const sqlitePkgFile = require.resolve('better-sqlite3/package.json', { paths: [root] });
  const want = { electron: version, betterSqlite3: readJson(sqlitePkgFile).version, platform, arch };
  const outDir = nativeDir(root, platform, arch);
  const stampFile = join(outDir, 'abi.json');
  if (!force && existsSync(join(outDir, BINARY)) && isCurrent(readJson(stampFile), want)) {
    process.stdout.write(`electron-native: ${outDir} is current (Electron ${version})\n`);
    return outDir;
  }

  const work = mkdtempSync(join(tmpdir(), 'ccstudio-native-'));
  try {
    const copy = join(work, 'better-sqlite3');
    // Everything but the Node build: the copy must not mistake that for Electron's.
    const pkgDir = dirname(sqlitePkgFile);
    const nodeBuild = join(pkgDir, 'build');
    cpSync(pkgDir, copy, {
      recursive: true,
      filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + sep),
    });
    const env = buildEnv(process.env);
    const target = ['--runtime', 'electron', '--target', version, '--arch', arch, '--platform', platform];
    let source = 'prebuilt';
    const prebuild = require.resolve('prebuild-install/bin.js', { paths: [dirname(sqlitePkgFile), root] });
    if (
      !run(
        `download a prebuilt ${BINARY} for Electron ${version} ${platform}-${arch}`,
        [prebuild, ...target],
        copy,
        env,
      )
    ) {
      const gyp = nodeGypScript();
      if (!gyp)
        throw new Error('no prebuilt binary could be downloaded and node-gyp was not found to compile one');
      if (platform !== process.platform)
        throw new Error(`no prebuilt binary for ${platform}, and node-gyp cannot cross-compile to it`);
      source = 'compiled';
      const ok = run(
        `compile ${BINARY} against Electron ${version}'s headers`,
        [
          gyp,
          'rebuild',
          '--release',
          `--target=${version}`,
          `--arch=${arch}`,
          `--dist-url=${ELECTRON_HEADERS_URL}`,
        ],
        copy,
        env,
      );
      if (!ok) throw new Error(`compiling better-sqlite3 for Electron ${version} failed (see above)`);
    }
    const built = join(copy, 'build', 'Release', BINARY);
    if (!existsSync(built)) throw new Error(`${built} was not produced`);
    mkdirSync(outDir, { recursive: true });
    cpSync(built, join(outDir, BINARY));
    let sqlite;
    if (electron?.binaryPath && platform === process.platform && arch === process.arch) {
      sqlite = verifyInElectron(electron.binaryPath, join(outDir, BINARY));
    }
    writeFileSync(
      stampFile,
      JSON.stringify({ ...want, source, ...(sqlite ? { verifiedSqlite: sqlite } : {}) }, null, 2) + '\n',
    );
    process.stdout.write(
      `electron-native: wrote ${join(outDir, BINARY)} (${source}${sqlite ? `, loads in Electron: SQLite ${sqlite}` : ''})\n`,
    );
    return outDir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(argv) {
  const opts = { postinstall: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--postinstall') opts.postinstall = true;
    else if (a === '--force') opts.force = true;
    else if (a === '--arch' || a === '--platform') {
      const v = argv[++i];
      if (!v || !/^[a-z0-9_]+$/.test(v)) throw new Error(`${a} needs a value like x64 or arm64`);
      opts[a.slice(2)] = v;
    } else throw new Error(`unknown argument ${a}; see the top of scripts/electron-native.mjs`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`electron-native: ${err.message}`);
    process.exit(2);
  }
  if (opts.postinstall) {
    const electron = installedElectron();
    if (!electron?.binaryPath) {
      // Nothing could run the build; npm start serves the browser UI instead. Not an error.
      process.stdout.write(
        "electron-native: Electron's binary is not installed, so no Electron build of better-sqlite3 is needed.\n",
      );
      process.exit(0);
    }
  }
  try {
    build(opts);
  } catch (err) {
    console.error(`electron-native: ${err.message}`);
    // npm install must not fail over the desktop app: npm test and ccstudio need only the Node build,
    // and npm start says what is missing.
    process.exit(opts.postinstall ? 0 : 1);
  }
}
