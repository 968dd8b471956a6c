// `npm run lint` refuses an import cycle between folders (.dependency-cruiser.mjs): the real tree
// has none, and small trees written for the test show the rule live on each kind of loop.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.mjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Run {
  code: number;
  output: string;
}

/** Runs a command to its end; a non-zero exit is a result, not a throw. */
function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

/**
 * One small tree with each kind of loop beside imports that are fine, checked once with the
 * project's rules (each run of dependency-cruiser takes seconds to load TypeScript).
 */
const TREE: Record<string, string> = {
  // Two folders importing each other; one side only for a type, which counts.
  'main/core/alpha/a.ts': "import type { B } from '../beta/b.js';\nexport const a = (b: B) => b;\n",
  'main/core/beta/b.ts': "import { a } from '../alpha/a.js';\nexport type B = string;\nexport const b = a;\n",
  // A loop through three folders.
  'main/core/one/a.ts': "import { b } from '../two/b.js';\nexport const a = () => b;\n",
  'main/core/two/b.ts': "import { c } from '../three/c.js';\nexport const b = () => c;\n",
  'main/core/three/c.ts': "import { a } from '../one/a.js';\nexport const c = () => a;\n",
  // A file importing from the folder above it, whose own file imports it.
  'server/top.ts':
    "import { handle } from './endpoints/api.js';\nexport const shared = 1;\nexport const serve = handle;\n",
  'server/endpoints/api.ts': "import { shared } from '../top.js';\nexport const handle = () => shared;\n",
  // Fine: files of one folder importing each other, one folder using another, a folder its subfolder.
  'main/core/fine/a.ts': "import { c } from './c.js';\nexport const a = () => c;\n",
  'main/core/fine/c.ts':
    "import { a } from './a.js';\nimport { d } from '../below/d.js';\nexport const c = () => [a, d];\n",
  'main/core/below/d.ts': 'export const d = 1;\n',
  'main/fine.ts': "import { a } from './core/fine/a.js';\nexport const top = a;\n",
};

let tree: Run;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccstudio-cycles-'));
  try {
    for (const [path, text] of Object.entries(TREE)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    tree = await run(process.execPath, [DEPCRUISE, '--config', CONFIG, 'main', 'server'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('no import cycle between folders', () => {
  it('holds for the whole tree, and npm run lint checks it', async () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.lint).toContain('npm run --silent lint:folders');
    for (const folder of ['main', 'server', 'renderer', 'scripts', 'test'])
      expect(scripts['lint:folders']!.split(' ')).toContain(folder);
    const result = await run(npm, ['run', '--silent', 'lint:folders'], ROOT);
    expect(result.output).toMatch(/no dependency violations found/);
    expect(result.code).toBe(0);
  });

  it('refuses two folders importing each other, a type-only import counted', () => {
    expect(tree.code).not.toBe(0);
    expect(tree.output).toMatch(
      /no-folder-cycle: main\/core\/alpha →\s+main\/core\/beta →\s+main\/core\/alpha/,
    );
  });

  it('refuses a loop through three folders', () => {
    expect(tree.output).toMatch(
      /no-folder-cycle: main\/core\/one →\s+main\/core\/two →\s+main\/core\/three →\s+main\/core\/one/,
    );
  });

  it('refuses a file importing from a folder that encloses its own, whose files use it', () => {
    expect(tree.output).toMatch(/not-into-enclosing-folder: server\/endpoints\/api\.ts → server\/top\.ts/);
  });

  it('lets files of one folder import each other, one folder use another and a folder its subfolders', () => {
    // The six refusals above (a folder cycle is told once from each of its folders), and no more.
    expect(tree.output).toMatch(/\b6 dependency violations/);
    expect(tree.output).not.toMatch(/fine|below/);
  });
});
