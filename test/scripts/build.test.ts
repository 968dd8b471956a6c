// `npm run build` (scripts/build.mjs), which `npm start` and `npm test` run first: a full build
// from a fresh checkout, and after that only what changed (tsc's incremental build; Vite only when
// a file the UI is made from changed). The real build runs in a copy of this checkout, so the
// dist/ that other tests use is never rebuilt under them.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIn, writeFiles } from '../support/gitRepo.js';
import { tempDir } from '../support/studioHarness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts/build.mjs');

interface BuildScript {
  UI_STAMP: string;
  uiInputs(base: string, read: string[]): Record<string, string | null>;
  uiStale(base: string): string | undefined;
}
let build: BuildScript;
beforeAll(async () => {
  // A path held in a variable: the script is plain JavaScript, imported as any user of it would.
  build = (await import(pathToFileURL(script).href)) as BuildScript;
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Child processes waited for without blocking the worker (see runBuild). */
const run = promisify(execFile);

describe('what the UI build is made from (the record in dist/ that lets npm start skip Vite)', () => {
  /** A checkout in miniature: the UI's folder, the contract it imports, the package lists, a built UI. */
  function miniature(): string {
    const base = tempDir('ccstudio-uistamp-');
    dirs.push(base);
    writeFiles(base, {
      'renderer/index.html': '<div id="root"></div>',
      'renderer/src/main.tsx': 'import { LIMIT } from "../../main/contract/limits";\n',
      'main/contract/limits.ts': 'export const LIMIT = 1;\n',
      'main/core/other.ts': 'export const unrelated = 1;\n',
      'package.json': '{}',
      'package-lock.json': '{}',
      'dist/renderer/index.html': '<built>',
    });
    // As buildUi records it: what Vite read, and every file of the UI's folder.
    const files = build.uiInputs(base, ['renderer/src/main.tsx', 'main/contract/limits.ts']);
    writeFileSync(join(base, build.UI_STAMP), JSON.stringify({ files }));
    return base;
  }

  it('is current until a file the UI was made from changes, is added to its folder, or goes', () => {
    const base = miniature();
    expect(build.uiStale(base)).toBeUndefined();
    // Touched is not changed: a checkout or a save without edits builds nothing.
    utimesSync(join(base, 'renderer/src/main.tsx'), new Date(), new Date(Date.now() + 60_000));
    expect(build.uiStale(base)).toBeUndefined();
    // Code the UI does not read is the TypeScript build's business.
    appendFileSync(join(base, 'main/core/other.ts'), '// edited\n');
    expect(build.uiStale(base)).toBeUndefined();

    appendFileSync(join(base, 'main/contract/limits.ts'), '// edited\n');
    expect(build.uiStale(base)).toBe('main/contract/limits.ts changed');
    writeFileSync(join(base, 'main/contract/limits.ts'), 'export const LIMIT = 1;\n');
    expect(build.uiStale(base)).toBeUndefined();

    writeFileSync(join(base, 'renderer/src/new.css'), 'body {}');
    expect(build.uiStale(base)).toBe('renderer/src/new.css changed');
    rmSync(join(base, 'renderer/src/new.css'));
    expect(build.uiStale(base)).toBeUndefined();

    rmSync(join(base, 'main/contract/limits.ts'));
    expect(build.uiStale(base)).toBe('main/contract/limits.ts changed');
  });

  it('is stale when the installed packages change, and with no record or no built UI', () => {
    const base = miniature();
    writeFileSync(join(base, 'package-lock.json'), '{"lockfileVersion":3}');
    expect(build.uiStale(base)).toBe('package-lock.json changed');

    const noRecord = miniature();
    rmSync(join(noRecord, build.UI_STAMP));
    expect(build.uiStale(noRecord)).toBe('nothing records what the UI was built from');

    const noUi = miniature();
    rmSync(join(noUi, 'dist/renderer'), { recursive: true });
    expect(build.uiStale(noUi)).toBe('there is no UI build');
  });
});

/** Every file under dist/ with its modification time: what a build wrote shows as a new time. */
function distTimes(base: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const e of readdirSync(join(base, 'dist'), { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const file = join(e.parentPath, e.name);
      times.set(relative(join(base, 'dist'), file), statSync(file).mtimeMs);
    }
  return times;
}

/** The dist/ files a build wrote (new, or with a new time), sorted. */
function written(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([file, time]) => before.get(file) !== time)
    .map(([file]) => file)
    .sort();
}

describe('npm run build in a fresh copy of this checkout', () => {
  let copy: string;

  /** This checkout's files as git sees them (edits and new files included), in a repository of its own. */
  function freshCopy(): string {
    const dir = tempDir('ccstudio-build-');
    dirs.push(dir);
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root })
      .toString()
      .split('\0')
      .filter((f) => f && existsSync(join(root, f)) && statSync(join(root, f)).isFile());
    for (const f of files) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(join(root, f), join(dir, f));
    }
    // The installed packages, shared as the helpers' worktrees share them (and kept out of git).
    symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
    gitIn(dir, 'init', '--quiet');
    appendFileSync(join(dir, '.git/info/exclude'), 'node_modules\n');
    gitIn(dir, 'add', '-A');
    gitIn(dir, 'commit', '--quiet', '-m', 'fresh clone');
    return dir;
  }

  /**
   * The real build, waited for without blocking this worker: a build that runs past a minute on a
   * loaded machine would otherwise hold the worker's messages to vitest until its RPC times out.
   */
  async function runBuild(): Promise<void> {
    await run(process.execPath, ['scripts/build.mjs'], { cwd: copy, maxBuffer: 64 * 1024 * 1024 }).catch(
      (err: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`the build failed: ${err.message}\n${err.stdout}\n${err.stderr}`);
      },
    );
  }

  beforeAll(() => {
    copy = freshCopy();
  });

  it('builds everything the first time, into git-ignored places only', async () => {
    await runBuild();
    for (const built of [
      'dist/main/cli/ccstudio.js',
      'dist/main/host/hookReporter.mjs',
      'dist/main/electron/main.js',
      'dist/main/electron/preload.cjs',
      'dist/server/httpServer.js',
      'dist/renderer/index.html',
    ])
      expect(existsSync(join(copy, built)), built).toBe(true);
    expect(gitIn(copy, 'status', '--porcelain')).toBe('');
  }, 300_000);

  it('then writes nothing when nothing changed, also when a file was only touched', async () => {
    const before = distTimes(copy);
    await runBuild();
    utimesSync(join(copy, 'renderer/src/app/keys.ts'), new Date(), new Date(Date.now() + 60_000));
    await runBuild();
    expect(written(before, distTimes(copy))).toEqual([]);
  }, 120_000);

  it('rebuilds the UI alone after a renderer edit, and one module after a main edit', async () => {
    let before = distTimes(copy);
    appendFileSync(join(copy, 'renderer/src/app/keys.ts'), '\nexport const buildTestMark = 1;\n');
    await runBuild();
    let changed = written(before, distTimes(copy));
    expect(changed).toContain('renderer/index.html');
    expect(changed.filter((f) => !f.startsWith('renderer/') && f !== 'renderer-inputs.json')).toEqual([]);

    before = distTimes(copy);
    appendFileSync(join(copy, 'main/cli/kit/openLink.ts'), '\n// edited by the build test\n');
    await runBuild();
    changed = written(before, distTimes(copy));
    // The edited module and its map, and tsc's record of the build: nothing else, no UI.
    expect(changed).toEqual([
      'main/cli/kit/openLink.js',
      'main/cli/kit/openLink.js.map',
      'tsconfig.build.tsbuildinfo',
    ]);
    const status = gitIn(copy, 'status', '--porcelain').split('\n');
    expect(status.map((line) => line.trim()).sort()).toEqual([
      'M main/cli/kit/openLink.ts',
      'M renderer/src/app/keys.ts',
    ]);
  }, 180_000);
});
