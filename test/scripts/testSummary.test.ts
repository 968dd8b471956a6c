// `npm test`'s summary (scripts/test.mjs) names the slowest test files before its closing line,
// timed by scripts/vitest-file-times.mjs: a file's beforeAll counts (where an install would hide).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/studioHarness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface TestScript {
  SLOWEST_SHOWN: number;
  slowestFiles(times: Array<{ file: string; ms: number }>, base: string, count: number): string[];
}
let summary: TestScript;
beforeAll(async () => {
  // A path held in a variable: the script is plain JavaScript, imported as any user of it would.
  summary = (await import(pathToFileURL(join(root, 'scripts/test.mjs')).href)) as TestScript;
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** How long the slow file's beforeAll waits: longer than anything else the run does. */
const SETUP_MS = 1500;

describe("npm test's slowest test files", () => {
  it('times each file with its beforeAll, in a real vitest run', async () => {
    const project = tempDir('ccstudio-filetimes-');
    dirs.push(project);
    symlinkSync(realpathSync(join(root, 'node_modules')), join(project, 'node_modules'));
    writeFileSync(
      join(project, 'slow.test.mjs'),
      `import { beforeAll, it } from 'vitest';\n` +
        `beforeAll(() => new Promise((r) => setTimeout(r, ${SETUP_MS})));\n` +
        `it('is quick itself', () => {});\n`,
    );
    writeFileSync(
      join(project, 'quick.test.mjs'),
      `import { it } from 'vitest';\nit('is quick', () => {});\n`,
    );
    const out = join(project, 'times.json');
    // Waited for without blocking this worker (a vitest run on a loaded machine takes a while).
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        project,
        `--reporter=${join(root, 'scripts/vitest-file-times.mjs')}`,
      ],
      { cwd: project, env: { ...process.env, CCSTUDIO_FILE_TIMES: out } },
    ).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`the vitest run failed: ${err.message}\n${err.stdout}\n${err.stderr}`);
    });
    const times = JSON.parse(readFileSync(out, 'utf8')) as Array<{ file: string; ms: number }>;
    const ms = (name: string) => times.find((t) => t.file === join(project, name))?.ms;
    expect(ms('slow.test.mjs')).toBeGreaterThanOrEqual(SETUP_MS);
    expect(ms('quick.test.mjs')).toBeLessThan(SETUP_MS);
    expect(summary.slowestFiles(times, project, summary.SLOWEST_SHOWN)[0]).toMatch(
      /^ +\d+\.\d s {2}slow\.test\.mjs$/,
    );
  }, 60_000);

  it('lists the slowest first, at most SLOWEST_SHOWN, with seconds and the path from the project', () => {
    const times = Array.from({ length: 14 }, (_, i) => ({
      file: join(root, `test/f${i}.test.ts`),
      ms: i * 1000 + 50,
    }));
    const lines = summary.slowestFiles(times, root, summary.SLOWEST_SHOWN);
    expect(summary.SLOWEST_SHOWN).toBe(10);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('    13.1 s  test/f13.test.ts');
    expect(lines[9]).toBe('     4.0 s  test/f4.test.ts');
  });
});
