// The configuration `npm run dist` hands electron-builder: electron-builder.yml, plus exclusions
// for Electron's own package and whatever only it pulls in. Electron is an optional dependency
// (so `npm install` survives a machine where its binary cannot download), and electron-builder
// packs optional dependencies as runtime ones: without this, the installed Electron (200 MB) and
// its downloader would ride along inside the app.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Package names reachable from `electron` in an `npm ls --all --json` tree and from no other
 * runtime dependency. npm prints a shared package's subtree once, under whichever parent comes
 * first, so reachability is worked out over names across the whole tree, never per branch.
 */
export function electronOnlyPackages(tree) {
  const children = new Map();
  const visit = (deps) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (node?.missing) continue;
      const set = children.get(name) ?? new Set();
      children.set(name, set);
      for (const child of Object.keys(node?.dependencies ?? {})) set.add(child);
      visit(node?.dependencies);
    }
  };
  visit(tree.dependencies);
  const reach = (starts) => {
    const seen = new Set();
    const stack = [...starts];
    while (stack.length) {
      const name = stack.pop();
      if (seen.has(name) || !children.has(name)) continue;
      seen.add(name);
      stack.push(...children.get(name));
    }
    return seen;
  };
  if (!children.has('electron')) return [];
  const others = reach(Object.keys(tree.dependencies ?? {}).filter((n) => n !== 'electron'));
  return [...reach(['electron'])].filter((n) => !others.has(n)).sort();
}

/** The installed runtime tree as npm sees it (what electron-builder's collector reads too). */
function runtimeTree() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let out;
  try {
    out = execFileSync(npm, ['ls', '--all', '--omit=dev', '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    // npm ls exits 1 on problems such as a missing optional package, and still prints the tree.
    out = err.stdout;
  }
  let tree;
  try {
    tree = JSON.parse(out || '');
  } catch {
    tree = undefined;
  }
  // Without the tree nothing would be left out, and an installed Electron would be packed whole.
  if (!tree?.dependencies) throw new Error('`npm ls --all --omit=dev --json` printed no dependency tree');
  return tree;
}

/** electron-builder.yml as an object, with Electron's packages left out of the app. */
export function distConfig(tree = runtimeTree()) {
  const yaml = require('js-yaml');
  const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
  const leaveOut = electronOnlyPackages(tree).map((name) => `!**/node_modules/${name}{,/**}`);
  return { ...config, files: [...config.files, ...leaveOut] };
}
