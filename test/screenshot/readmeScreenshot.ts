// `npm run screenshot`: regenerates docs/screenshot.png, the README's picture of the studio. A real
// studio host (what `ccstudio serve` runs) with a commander and two agents, each the real Claude
// Code CLI (pinned in test/tools) driven by the scripted model stub, working on a small git project
// in a throwaway HOME; the UI in Debian's Chromium at a fixed viewport. The shot is taken once the
// scene has played out: tasks in several columns, messages in the feed, two agents mid-turn.
// Not part of `npm test`: vitest only collects *.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startStudioHost, type RunningStudio } from '../../main/host/studioHost.js';
import { withParts } from '../support/studioParts.js';
import { silentLogger } from '../../main/core/util/logger.js';
import { browserPrerequisites, launchChromium } from '../support/browserHarness.js';
import { claudeStubEnv, seedClaudeHome } from '../support/claudeEnv.js';
import { CLAUDE_BIN, claudeMissing } from '../support/claudeHarness.js';
import { startModelStub, type ModelStub } from '../support/modelStub.js';
import { tempDir } from '../support/studioHarness.js';
import { sleep, waitFor } from '../support/waitFor.js';
import { createHold, REQUEST, sceneScript, TASK, writeProject } from './scene.js';

const OUT = join(process.cwd(), 'docs', 'screenshot.png');
const VIEWPORT = { width: 1600, height: 960 };
/** The real CLI takes seconds per start and per turn; the whole scene a minute or two. */
const SCENE_TIMEOUT_MS = 180_000;

function log(line: string): void {
  process.stdout.write(`screenshot: ${line}\n`);
}

/** Claude Code draws ⎿ (U+23BF) under each tool call and ⏵⏸ in its footer; DejaVu has neither. */
function warnOnMissingGlyphs(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':charset=23bf', 'family'], { encoding: 'utf8' });
  } catch {
    return; // not fontconfig: nothing to check
  }
  if (!families.trim())
    log("no font here draws Claude Code's ⎿ and ⏵ (they show as boxes): apt-get install fonts-symbola");
}

/** Work done before the scene opens: a finished task and one in the backlog; its mail already read. */
function seedBoard(running: RunningStudio): void {
  const studio = withParts(running.studio);
  const commander = studio.agents.require('commander');
  const agent1 = studio.agents.require('agent-1');
  studio.board.create(commander, { title: 'Set up the CLI and tests', assignee: 'agent-1' });
  studio.board.update(agent1, { id: TASK.setup, status: 'in_progress' });
  studio.board.update(agent1, {
    id: TASK.setup,
    status: 'done',
    result: 'src/count.js, src/cli.js and node --test; 2 tests pass.',
  });
  studio.board.create(studio.agents.person, { title: 'Publish 0.2.0 to npm', priority: 'low' });
  for (const agent of [commander, agent1]) while (studio.bus.inbox(agent).items.length);
}

async function main(): Promise<void> {
  if (claudeMissing)
    throw new Error(
      'test/tools/node_modules/.bin/claude or dist/ is missing: run npm test once, or npm run build.',
    );
  browserPrerequisites();
  warnOnMissingGlyphs();
  const root = tempDir('ccstudio-screenshot-');
  const home = join(root, 'home');
  const project = join(home, 'tally');
  const hold = createHold();
  let stub: ModelStub | undefined;
  let running: RunningStudio | undefined;
  let browser: Browser | undefined;
  try {
    stub = await startModelStub(sceneScript(project, hold));
    const env = { ...process.env, ...claudeStubEnv(home, stub.url) };
    mkdirSync(project, { recursive: true });
    writeProject(project, env);
    seedClaudeHome(home, [project]);
    // The person's own Claude Code settings: the default permission mode (auto mode's check would
    // need Anthropic's servers), with edits and shell commands allowed.
    writeFileSync(
      join(home, '.claude', 'settings.json'),
      JSON.stringify({
        permissions: { defaultMode: 'default', disableAutoMode: 'disable', allow: ['Edit', 'Bash'] },
      }),
    );
    running = await startStudioHost({
      dataDir: join(root, 'data'),
      port: 0,
      agents: 2,
      teamCwd: project,
      claudeCommand: CLAUDE_BIN,
      env,
      logger: silentLogger,
      noStart: true,
    });
    const studio = withParts(running.studio);
    seedBoard(running);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(running.uiUrl);
    await page.locator('[data-testid="tile-agent-2"]').waitFor();
    // Start the agents once the tiles have sized their terminals: Claude Code draws at the final size.
    await sleep(500);
    for (const s of await studio.sessions.startSaved()) if (s.error) throw new Error(`${s.name}: ${s.error}`);
    const names = ['commander', 'agent-1', 'agent-2'];
    log('starting Claude Code x3');
    await waitFor(
      'the crew to be idle',
      () => names.every((n) => studio.agents.require(n).state === 'idle'),
      {
        timeoutMs: 90_000,
        everyMs: 200,
      },
    );

    log('the person asks the commander');
    studio.bus.send(studio.agents.person, 'commander', REQUEST);
    const status = (id: number) => studio.board.detail(id).status;
    const describe = () =>
      [
        ...names.map((n) => `${n}: ${studio.agents.require(n).state}`),
        `held: ${[...hold.waiting].join(', ') || 'none'}`,
        `tasks: ${studio.board
          .list({})
          .map((t) => `#${t.id} ${t.status}`)
          .join(', ')}`,
        ...names.map((n) => `--- ${n}'s screen:\n${studio.sessions.screen(n).trimEnd()}`),
      ].join('\n');
    await waitFor(
      'the scene to play out',
      () =>
        hold.waiting.has('agent-1') &&
        hold.waiting.has('commander') &&
        studio.agents.require('agent-2').state === 'idle' &&
        status(TASK.json) === 'in_progress' &&
        status(TASK.ties) === 'review' &&
        status(TASK.readme) === 'assigned',
      { timeoutMs: SCENE_TIMEOUT_MS, everyMs: 250, describe },
    );
    // Let the tiles draw the last output and Claude Code's spinners turn a few times.
    await sleep(3000);
    await page.mouse.move(0, 0);
    mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
    await page.screenshot({ path: OUT });
    log(`wrote ${OUT}`);
  } finally {
    hold.releaseAll();
    await browser?.close();
    await running?.stop();
    await stub?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`screenshot failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
