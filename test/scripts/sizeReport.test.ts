// scripts/size-report.mjs: the functions over 120 lines and the files over 600 that issue 24's
// "Done when" counts, found by TypeScript's parser in real files on disk.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/studioHarness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts/size-report.mjs');

interface SizeScript {
  MAX_FUNCTION_LINES: number;
  MAX_FILE_LINES: number;
  sizeReport(folders: string[], options?: { skip?: string[] }): string[];
}
let size: SizeScript;
beforeAll(async () => {
  // A path held in a variable: the script is plain JavaScript, imported as any user of it would.
  size = (await import(pathToFileURL(script).href)) as SizeScript;
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A body of `lines` lines in all, its first and last lines included. */
const body = (lines: number) =>
  Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');

function project(): string {
  const dir = tempDir('ccstudio-size-');
  dirs.push(dir);
  mkdirSync(join(dir, 'src/deep'), { recursive: true });
  // Exactly at the bound: not reported.
  writeFileSync(join(dir, 'src/fine.ts'), `export function fine() {\n${body(120)}\n}\n`);
  // One line over, as an arrow function held by a variable, and as a component in a .tsx file.
  writeFileSync(join(dir, 'src/deep/long.ts'), `export const tooLong = () => {\n${body(121)}\n};\n`);
  writeFileSync(
    join(dir, 'src/deep/View.tsx'),
    `export function View() {\n${body(130)}\n  return <div />;\n}\n`,
  );
  // A file over 600 lines made of short functions; and a stylesheet, which is no source.
  writeFileSync(
    join(dir, 'src/big.ts'),
    Array.from({ length: 601 }, (_, i) => `export const f${i} = () => ${i};`).join('\n') + '\n',
  );
  writeFileSync(join(dir, 'src/styles.css'), '.a { color: red; }\n'.repeat(700));
  return dir;
}

describe('size-report', () => {
  it('names each function over 120 lines and each file over 600, nothing at the bounds', () => {
    const dir = project();
    const over = size.sizeReport([join(dir, 'src')]).map((l) => l.replace(/^.*src\//, 'src/'));
    expect(size.MAX_FUNCTION_LINES).toBe(120);
    expect(size.MAX_FILE_LINES).toBe(600);
    expect(over).toEqual([
      'src/big.ts: file of 601 lines (over 600)',
      'src/deep/View.tsx:1: View is 131 lines (over 120)',
      'src/deep/long.ts:1: tooLong is 121 lines (over 120)',
    ]);
    expect(size.sizeReport([join(dir, 'src')], { skip: ['deep/', 'big.ts'] })).toEqual([]);
  });

  it('exits 1 with the list when something is over, 0 when nothing is', () => {
    const dir = project();
    const over = spawnSync(process.execPath, [script, join(dir, 'src')], { encoding: 'utf8' });
    expect(over.status).toBe(1);
    expect(over.stdout).toMatch(/tooLong is 121 lines/);
    const fine = spawnSync(process.execPath, [script, join(dir, 'src/fine.ts')], { encoding: 'utf8' });
    expect(fine.status).toBe(0);
    expect(fine.stdout).toBe('size-report: nothing over the bounds.\n');
    const bad = spawnSync(process.execPath, [script, '--function-lines', 'x', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
