#!/usr/bin/env node
// `npm run pack:cli`: the headless `ccstudio` as an npm package, for machines with no display.
// Writes release/ccstudio-<version>.tgz (install it with `npm install -g <file>`);
// `--out DIR` writes it (and the staging folder) there instead.
//
// A package of its own rather than `npm pack` of the checkout: the checkout is the desktop app,
// whose package.json pulls in Electron (a 100 MB download a server has no use for), the build
// tools and their scripts. This one carries the built CLI, MCP server and browser UI, and only the
// runtime dependencies; its native modules build for whatever Node installs it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The name `npm install -g` knows it by; the command is `ccstudio` either way. */
const PACKAGE_NAME = 'ccstudio';

const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const needed of ['dist/main/cli/ccstudio.js', 'dist/server', 'dist/renderer/index.html']) {
  if (!existsSync(join(root, needed))) {
    console.error(`${needed} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
}

const outFlag = process.argv.indexOf('--out');
const out =
  outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(root, 'release');
const stage = join(out, 'cli-package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
// The desktop shell is Electron's; source maps point at sources the package does not carry.
const skip = (src) => src.endsWith('.map') || src.includes(`${sep}dist${sep}main${sep}electron`);
for (const dir of ['dist/main', 'dist/server', 'dist/renderer']) {
  cpSync(join(root, dir), join(stage, dir), { recursive: true, filter: (src) => !skip(src) });
}
for (const file of ['README.md', 'LICENSE']) cpSync(join(root, file), join(stage, file));

const pkg = {
  name: PACKAGE_NAME,
  version: app.version,
  description: `${app.description} Headless: the studio, its MCP server and the UI in a browser.`,
  license: app.license,
  author: app.author,
  homepage: app.homepage,
  repository: app.repository,
  keywords: ['claude-code', 'mcp', 'agents', 'terminal', 'multi-agent'],
  type: 'module',
  bin: { ccstudio: 'dist/main/cli/ccstudio.js' },
  engines: app.engines,
  // The app's runtime dependencies are exactly the CLI's: the UI libraries are bundled by Vite and
  // listed as dev dependencies, and Electron is optional there.
  dependencies: app.dependencies,
  files: ['dist', 'README.md', 'LICENSE'],
};
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

const r = spawnSync(npm, ['pack', '--pack-destination', out, '--json'], {
  cwd: stage,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (r.status !== 0) {
  console.error('npm pack failed.');
  process.exit(1);
}
const [info] = JSON.parse(r.stdout);
const tgz = join(out, info.filename);
console.log(`${tgz} (${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KB)`);
console.log(`Install: npm install -g ${tgz}`);
