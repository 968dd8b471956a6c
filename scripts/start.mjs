#!/usr/bin/env node
// `npm start` (after the build): the desktop app when Electron's binary is installed, otherwise
// the same UI served to a browser by `ccstudio serve --open`. Extra arguments pass through.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  build as buildElectronSqlite,
  electronSkippedReason,
  installedElectron,
} from './electron-native.mjs';
import { npmTookMessage } from '../dist/main/cli/kit/options.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/main/cli/ccstudio.js', import.meta.url));
/** npm runs us in the package's folder: the person's relative folders are from where they typed. */
const personFolder = process.env.npm_lifecycle_event === 'start' ? process.env.INIT_CWD : undefined;
const PATH_OPTIONS = new Set(['--cwd', '--data']);
/** Extra arguments with the folders of --cwd and --data made absolute from the person's folder. */
function fromPersonFolder(args) {
  if (!personFolder) return args;
  return args.map((arg, i) => {
    const [flag, value] = arg.includes('=') ? arg.split(/=(.*)/s) : [args[i - 1], arg];
    if (!PATH_OPTIONS.has(flag) || value === undefined || isAbsolute(value)) return arg;
    const absolute = resolve(personFolder, value);
    return arg.includes('=') ? `${flag}=${absolute}` : absolute;
  });
}
const extra = fromPersonFolder(process.argv.slice(2));

// `npm start --port 0`: npm reads --port as its own setting and passes on only the 0. Refused, so
// that the studio never starts on a port (or data folder) the person did not ask for.
const tookByNpm = npmTookMessage(process.env, extra);
if (tookByNpm) {
  console.error(tookByNpm);
  process.exit(2);
}

/** Runs the child with our terminal and ends with its exit code. */
function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal already; it also gets one SIGTERM from us (which
  // covers a SIGINT sent to this process alone). A SIGTERM, not a second SIGINT: a second SIGINT
  // is how a person forces the studio down while it is still stopping its terminals.
  let forwarded = false;
  const forward = () => {
    if (forwarded || child.exitCode !== null) return;
    forwarded = true;
    child.kill('SIGTERM');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (err) => {
    console.error(`Could not run ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
  });
}

/**
 * The Electron build of better-sqlite3 (npm install's postinstall normally made it already; this
 * covers an Electron upgraded since). False, with the reason printed, when it cannot be had.
 */
function electronSqliteReady() {
  try {
    buildElectronSqlite();
    return true;
  } catch (err) {
    console.log(`\nbetter-sqlite3 could not be built for Electron: ${err.message}`);
    return false;
  }
}

/** Why npm install left Electron out on this Node (see electronSkippedReason), if it did. */
function skippedForNode() {
  try {
    return electronSkippedReason(
      JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')),
      process.versions.node,
    );
  } catch {
    return undefined;
  }
}

const installed = installedElectron();
const electron = installed?.binaryPath;
const skipped = installed ? undefined : skippedForNode();
if (electron && electronSqliteReady()) {
  // The checkout's folder, not main.js: Electron then reads package.json (main, productName), so
  // the app is named as installed and shares its per-user data folder with ccstudio.
  run(electron, [root, ...extra]);
} else {
  console.log(
    electron
      ? 'Serving the same UI in browser mode instead.\n'
      : skipped
        ? `${skipped}\nServing the same UI in browser mode instead.\n`
        : "Electron's binary is not installed here (it is downloaded from GitHub when `npm install` runs; " +
          'this machine could not reach it). Serving the same UI in browser mode instead.\n',
  );
  // A newcomer's first run: the page asks where the team works, as the desktop app's window does,
  // suggesting the folder npm start was run in (npm names it in INIT_CWD; we run in the package).
  const userFolder =
    process.env.npm_lifecycle_event === 'start' &&
    process.env.INIT_CWD &&
    !extra.some((a) => /^--cwd(=|$)/.test(a))
      ? ['--cwd', process.env.INIT_CWD]
      : [];
  run(process.execPath, [cli, 'serve', '--open', ...userFolder, ...extra]);
}
