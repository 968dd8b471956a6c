#!/usr/bin/env node
// `npm run build` (also the first half of `npm start`, and a step of `npm test`): main, server
// and the desktop shell compiled into dist/ by tsc's incremental build, then the UI bundled by
// Vite into dist/renderer, each only when what it is made from changed since the build that is
// there. On a fresh clone everything builds. `--force` builds everything anyway.
// What the builds remember stays in dist/ (git-ignored), beside what they made, and goes with it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The UI's sources: any file in it, new ones included, counts (index.html, styles, assets). */
const UI_FOLDER = 'renderer';
/** What the installed packages are, for the libraries the UI bundles (React, xterm). */
const UI_DEPENDENCIES = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'];
/** The files the last UI build was made from, with their hashes (git-ignored, not packaged). */
export const UI_STAMP = 'dist/renderer-inputs.json';
/** The UI build's page: without it there is no UI, whatever the stamp says. */
const UI_PAGE = 'dist/renderer/index.html';

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under a folder of the checkout, as paths relative to `base`. */
function filesUnder(base, folder) {
  return readdirSync(join(base, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      relative(base, join(e.parentPath ?? e.path, e.name))
        .split(sep)
        .join('/'),
    );
}

/**
 * The files a UI build depends on, each with its content's hash: those Vite read for the last
 * build (`read`, or the stamp's list), every file in the UI's folder, and the package lists.
 */
export function uiInputs(base, read) {
  const paths = new Set([...read, ...filesUnder(base, UI_FOLDER), ...UI_DEPENDENCIES]);
  const hashes = {};
  for (const path of [...paths].sort())
    hashes[path] = existsSync(join(base, path)) ? sha256(join(base, path)) : null;
  return hashes;
}

/**
 * Why the UI must be built again, or undefined when the one in dist/ was made from exactly the
 * files there are now (same contents; a file that is only touched counts as unchanged).
 */
export function uiStale(base) {
  if (!existsSync(join(base, UI_PAGE))) return 'there is no UI build';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(base, UI_STAMP), 'utf8'));
  } catch {
    return 'nothing records what the UI was built from';
  }
  const now = uiInputs(base, Object.keys(stamp.files ?? {}));
  const changed = Object.keys(now).find((path) => now[path] !== stamp.files?.[path]);
  return changed ? `${changed} changed` : undefined;
}

/** A Vite plugin that collects the files of the checkout the build read (not node_modules). */
function recordReads(base, into) {
  return {
    name: 'ccstudio-record-reads',
    generateBundle() {
      for (const id of this.getModuleIds()) {
        const file = id.split('?')[0];
        if (!isAbsolute(file) || !existsSync(file)) continue;
        const path = relative(base, file).split(sep).join('/');
        if (!path.startsWith('..') && !path.split('/').includes('node_modules')) into.add(path);
      }
    },
  };
}

/** The files the last UI build recorded it read (none when there is no record). */
function lastReads(base) {
  try {
    return Object.keys(JSON.parse(readFileSync(join(base, UI_STAMP), 'utf8')).files ?? {});
  } catch {
    return [];
  }
}

/**
 * Builds the UI and records what it was made from. The old record goes first, in case the build
 * fails; files are hashed before the build where known, so an edit saved during it is seen next time.
 */
async function buildUi(base) {
  const before = uiInputs(base, lastReads(base));
  rmSync(join(base, UI_STAMP), { force: true });
  const { build } = await import('vite');
  const read = new Set();
  await build({
    configFile: join(base, UI_FOLDER, 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [recordReads(base, read)],
  });
  const after = uiInputs(base, read);
  const files = Object.fromEntries(Object.keys(after).map((p) => [p, p in before ? before[p] : after[p]]));
  writeFileSync(join(base, UI_STAMP), JSON.stringify({ files }, null, 1) + '\n');
}

/** tsc's build mode: nothing is compiled when no source changed, and only what a change reaches. */
function buildTypeScript(base, force) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [base] });
  const args = [tsc, '-b', 'tsconfig.build.json', ...(force ? ['--force'] : [])];
  return spawnSync(process.execPath, args, { cwd: base, stdio: 'inherit' }).status === 0;
}

async function main() {
  const force = process.argv.includes('--force');
  if (!buildTypeScript(root, force)) {
    console.error('\nThe TypeScript build failed (above).');
    process.exit(1);
  }
  if (force || uiStale(root)) await buildUi(root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
