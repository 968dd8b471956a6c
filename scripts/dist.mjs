#!/usr/bin/env node
// `npm run dist`: the installers for this machine's platform, into release/.
//   Linux: AppImage and .deb (x64). macOS: .dmg for Apple silicon and Intel.
// Builds the bundles, makes better-sqlite3 for Electron's ABI for every arch being packaged
// (scripts/electron-native.mjs), then runs electron-builder. Extra arguments go to electron-builder
// (e.g. `npm run dist -- --dir` for the unpacked app only). Nothing is published from here: the
// release workflow uploads what lands in release/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distConfig } from './builder-config.mjs';
import { build as buildElectronSqlite, nativeDir } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** What each platform ships; the same lists as electron-builder.yml's targets. */
const PLATFORMS = {
  linux: { flag: '--linux', arches: ['x64'] },
  darwin: { flag: '--mac', arches: ['arm64', 'x64'] },
};

/** A Developer ID identity electron-builder would find in the keychain by itself. */
function developerIdInKeychain() {
  const r = spawnSync('security', ['find-identity', '-v', '-p', 'codesigning'], { encoding: 'utf8' });
  return r.status === 0 && /Developer ID Application/.test(r.stdout);
}

function step(label, cmd, args) {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

const target = PLATFORMS[process.platform];
if (!target) {
  console.error(`Installers are built on Linux or macOS, not ${process.platform}.`);
  process.exit(1);
}
step('build the bundles', npm, ['run', 'build', '--silent']);
for (const arch of target.arches) {
  process.stdout.write(`\n== better-sqlite3 for Electron, ${process.platform}-${arch}\n`);
  try {
    buildElectronSqlite({ arch });
  } catch (err) {
    console.error(`\nbetter-sqlite3 could not be built for Electron (${arch}): ${err.message}`);
    process.exit(1);
  }
  // electron-builder only warns about a missing extraResources folder; an app without it cannot open its database.
  const file = join(nativeDir(root, process.platform, arch), 'better_sqlite3.node');
  if (!existsSync(file)) {
    console.error(`${file} is missing; the app would not start.`);
    process.exit(1);
  }
}
// electron-builder.yml plus the exclusions for Electron's own packages (scripts/builder-config.mjs).
mkdirSync(join(root, 'release'), { recursive: true });
const configFile = join(root, 'release', 'electron-builder.dist.json');
const config = distConfig();
if (
  process.platform === 'darwin' &&
  !process.env.CSC_LINK &&
  !process.env.CSC_NAME &&
  !developerIdInKeychain()
) {
  // No certificate: sign ad hoc. Apple silicon refuses to run unsigned code at all; an ad hoc
  // signature lets the person open the app once they clear the quarantine flag (see README).
  // Notarizing needs a Developer ID signature, so it is off too.
  config.mac = { ...config.mac, identity: '-', notarize: false };
  console.log(
    '\nNo signing certificate (CSC_LINK, CSC_NAME or one in the keychain): the app is signed ad hoc.',
  );
}
writeFileSync(configFile, JSON.stringify(config, null, 2));
const archFlags = target.arches.map((a) => `--${a}`);
step('electron-builder', process.execPath, [
  join(root, 'node_modules', 'electron-builder', 'cli.js'),
  '--config',
  configFile,
  target.flag,
  ...archFlags,
  '--publish',
  'never',
  ...process.argv.slice(2),
]);
console.log(`\nInstallers are in ${join(root, 'release')}.`);
