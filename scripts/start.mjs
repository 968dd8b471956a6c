#!/usr/bin/env node
// `npm start` (after the build): the desktop app when Electron's binary is installed, otherwise
// the same UI served to a browser by `ccstudio serve --open`. Extra arguments pass through.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronMain = fileURLToPath(new URL('../dist/main/electron/main.js', import.meta.url));
const cli = fileURLToPath(new URL('../dist/main/cli/ccstudio.js', import.meta.url));
const extra = process.argv.slice(2);

/** The binary's path when `electron` is installed and its download completed; otherwise undefined. */
function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws if its download never finished.
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
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

const electron = electronBinary();
if (electron) {
  run(electron, [electronMain, ...extra]);
} else {
  console.log(
    "Electron's binary is not installed here (it is downloaded from GitHub when `npm install` runs; " +
      'this machine could not reach it). Serving the same UI in browser mode instead.\n',
  );
  // A newcomer's first run gets a team to look at, as the desktop app does.
  run(process.execPath, [cli, 'serve', '--open', '--first-team', '2', ...extra]);
}
