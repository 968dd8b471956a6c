// The workspaces figure of `npm run bench`: how long a worktree agent's changes summary takes on a
// repository of 10,000 files with a 1,000-line diff, and whether the studio's event loop stays free
// meanwhile (git runs in child processes). `BENCH_ONLY=workspace npm run bench` runs only this.
//
// A real repository (the system's git, in a temp dir): 100 folders of 100 files, committed; a
// worktree made as the studio makes it; then, on the agent's branch, 500 lines added over 10 files
// and committed, 250 added over 5 files not committed, and one untracked file of 250 lines: 1,000
// changed lines in all. Each round runs workspaceChanges() (what the badge, `agent changes` and
// the review read) and, as the baseline from the same run, `git status --porcelain` on the same
// worktree: what git alone costs to look at the tree. The event loop's delay is sampled
// (monitorEventLoopDelay, 10 ms resolution) across the measured rounds.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { systemGit } from '../../main/core/workspaces/git.js';
import { createWorktree } from '../../main/core/workspaces/agentWorktree.js';
import { workspaceChanges } from '../../main/core/workspaces/worktreeReview.js';
import { localPlace } from '../../main/core/workspaces/repoPlace.js';
import { systemGh } from '../../main/core/workspaces/pullRequest.js';
import { percentile } from './stats.js';

export const TARGET_CHANGES_MS = 300;
/** A loop delay above this would be felt in a terminal being typed into. */
export const TARGET_LOOP_DELAY_MS = 50;
const DIRS = 100;
const FILES_PER_DIR = 100;
const WARMUP_ROUNDS = 3;

export interface WorkspaceBenchResult {
  rows: Array<{ what: string; p50: number; p95: number; max: number }>;
  loopDelayMaxMs: number;
  checks: Array<{ ok: boolean; text: string }>;
  notes: string[];
}

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};
const sh = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, stdio: 'pipe' });
const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag} line ${i}`).join('\n') + '\n';

export async function runWorkspaceBench(
  rounds: number,
  log: (line: string) => void,
): Promise<WorkspaceBenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'ccstudio-bench-ws-'));
  try {
    const repo = join(root, 'repo');
    mkdirSync(repo);
    for (let d = 0; d < DIRS; d++) {
      mkdirSync(join(repo, `dir${d}`));
      for (let f = 0; f < FILES_PER_DIR; f++)
        writeFileSync(join(repo, `dir${d}`, `file${f}.txt`), lines(20, `d${d}f${f}`));
    }
    sh(repo, 'init', '--quiet', '--initial-branch=main');
    sh(repo, 'add', '-A');
    sh(repo, 'commit', '--quiet', '-m', 'ten thousand files');
    log(`repository of ${DIRS * FILES_PER_DIR} files made`);
    const git = systemGit(env);
    const place = localPlace(git, systemGh);
    const { workspace: ws } = await createWorktree(place, { folder: repo, agentName: 'bench' });
    for (let i = 0; i < 10; i++)
      appendFileSync(join(ws.path, `dir${i}`, 'file0.txt'), lines(50, 'committed'));
    sh(ws.path, 'commit', '--quiet', '-am', 'five hundred lines');
    for (let i = 10; i < 15; i++)
      appendFileSync(join(ws.path, `dir${i}`, 'file0.txt'), lines(50, 'uncommitted'));
    writeFileSync(join(ws.path, 'new-notes.txt'), lines(250, 'untracked'));

    const changes: number[] = [];
    const status: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let total = 0;
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      if (round === WARMUP_ROUNDS) loop.enable();
      let t = performance.now();
      const c = await workspaceChanges(place, ws, 'bench', Date.now());
      const changesMs = performance.now() - t;
      total = c.total.added + c.total.removed;
      t = performance.now();
      await git(ws.path, ['status', '--porcelain']);
      const statusMs = performance.now() - t;
      if (round >= WARMUP_ROUNDS) {
        changes.push(changesMs);
        status.push(statusMs);
      }
    }
    loop.disable();
    const loopDelayMaxMs = loop.max / 1e6;
    const row = (what: string, samples: number[]) => {
      const s = [...samples].sort((a, b) => a - b);
      return { what, p50: percentile(s, 0.5), p95: percentile(s, 0.95), max: s.at(-1) ?? 0 };
    };
    const rows = [row('changes summary', changes), row('baseline: git status', status)];
    const ratio = rows[0]!.p50 / rows[1]!.p50;
    if (total !== 1000) throw new Error(`the bench's diff has ${total} changed lines, not 1,000`);
    return {
      rows,
      loopDelayMaxMs,
      checks: [
        {
          ok: rows[0]!.p50 < TARGET_CHANGES_MS,
          text: `changes summary, 10,000 files and a 1,000-line diff: p50 ${rows[0]!.p50.toFixed(0)} ms (target < ${TARGET_CHANGES_MS} ms; ${ratio.toFixed(1)}x a git status of the same tree)`,
        },
        {
          ok: loopDelayMaxMs < TARGET_LOOP_DELAY_MS,
          text: `event loop while summarising: longest delay ${loopDelayMaxMs.toFixed(0)} ms (target < ${TARGET_LOOP_DELAY_MS} ms: git runs in child processes)`,
        },
      ],
      notes: [
        `Workspaces: a repository of ${DIRS * FILES_PER_DIR} files (the system's git), a worktree made as the studio makes it, ` +
          `and 1,000 changed lines on its branch (500 committed, 250 not committed, an untracked file of 250). ` +
          `${rounds} rounds after ${WARMUP_ROUNDS} of warm-up; the baseline is \`git status --porcelain\` on the same worktree in the same rounds.`,
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function workspaceTable(result: WorkspaceBenchResult): string {
  const head = '| workspaces | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|';
  const body = result.rows
    .map((r) => `| ${r.what} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`)
    .join('\n');
  return `${head}\n${body}\n| event loop, longest delay while summarising | | | ${result.loopDelayMaxMs.toFixed(1)} |`;
}
