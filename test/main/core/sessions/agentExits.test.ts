import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_QUICK_EXITS } from '../../../../main/contract/exits.js';
import { StudioError } from '../../../../main/contract/errors.js';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { holdsFor, waitFor } from '../../../support/waitFor.js';
import { tempDir } from '../../../support/studioHarness.js';
import { createStudioWithParts } from '../../../support/studioParts.js';
import { exitLines } from '../../../../main/cli/kit/format.js';

// An agent whose program exits on its own, in real PTYs: what the studio records, says and does.
let t: FakeAgentStudio | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Rows of a tile too short to show all Claude Code's service check printed. */
const SHORT_TILE_ROWS = 5;

/** A program that prints what Claude Code prints when it is not logged in, and exits 1. */
const NOT_LOGGED_IN =
  'process.stdout.write("Welcome to Claude Code\\r\\nInvalid API key · Please run /login\\r\\n"); setTimeout(() => process.exit(1), 50)';

describe('an agent that exits by itself', () => {
  it('start says how it ended, its last lines and what to try; the studio restarts it, then gives up after three quick exits', async () => {
    t = await startFakeAgentStudio();
    const s = t;
    const { agent } = s.studio.agents.add({
      name: 'loner',
      profile: { kind: 'command', command: process.execPath, args: ['-e', NOT_LOGGED_IN] },
    });
    const err = await s.studio.sessions.startSettled('loner').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StudioError);
    // The cause first, then the lines it was read from.
    expect((err as Error).message).toMatch(
      /^loner exited with code 1 after \d+\.\d s\. Claude Code is not logged in .*run `claude` once in a terminal.* The studio will try again\.\nIts last lines:\n/,
    );
    expect((err as Error).message).toMatch(
      /Its last lines:\n {2}Welcome to Claude Code\n {2}Invalid API key · Please run \/login$/,
    );

    const first = s.studio.agents.require('loner');
    expect(first.state).toBe('exited');
    expect(first.lastExit).toMatchObject({ code: 1, quickExits: 1, gaveUp: false });
    expect(first.lastExit!.tail).toEqual(['Welcome to Claude Code', 'Invalid API key · Please run /login']);
    expect(first.lastExit!.restartAt).toBeGreaterThan(first.lastExit!.at);

    // Two more quick exits, each after a restart the studio made by itself; then it stops.
    const final = await waitFor(
      'the studio to give up',
      () => {
        const a = s.studio.agents.require('loner');
        return a.lastExit?.gaveUp ? a : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(final.lastExit).toMatchObject({ quickExits: MAX_QUICK_EXITS, gaveUp: true });
    expect(final.lastExit!.restartAt).toBeUndefined();
    // The cause first, then that the studio gave up, said once.
    expect(final.lastExit!.advice).toMatch(
      /^Claude Code is not logged in .* It keeps exiting \(3 times in a row within seconds of starting\), so the studio stopped restarting it\.$/,
    );
    expect(final.state).toBe('exited');
    await holdsFor('no further restart', () => !s.studio.sessions.isRunning(agent.id), 1500);

    // The person's own start gives it its tries back: the count starts again at one.
    await expect(s.studio.sessions.startSettled('loner')).rejects.toThrow(/exited with code 1/);
    expect(s.studio.agents.require('loner').lastExit).toMatchObject({ quickExits: 1, gaveUp: false });
    await s.studio.sessions.stop('loner');
  }, 40_000);

  it('a Claude Code that cannot reach its service: the cause is read from all it printed, not the country note at the end', async () => {
    // Claude Code 2.1.332's own output at 60 columns with no network, replayed into a real PTY 60
    // columns wide: the country note wraps over the last three lines, after "Check your internet...".
    // The tile is short: why it stopped has scrolled off its screen by the time it exits.
    const stream = JSON.parse(
      readFileSync(
        join(process.cwd(), 'test/fixtures/exits/claude-2.1.332/no-network-60-columns.stream.json'),
        'utf8',
      ),
    ) as { cols: number; rows: number; exitCode: number; output: string };
    t = await startFakeAgentStudio();
    const s = t;
    const replay = join(s.dataDir, 'replay.js');
    writeFileSync(
      replay,
      `process.stdout.write(${JSON.stringify(stream.output)}); setTimeout(() => process.exit(${stream.exitCode}), 50);\n`,
    );
    s.studio.agents.add({
      name: 'offline',
      cwd: s.dataDir,
      profile: { kind: 'command', command: process.execPath, args: [replay] },
    });
    const err = await s.studio.sessions
      .startSettled('offline', { cols: stream.cols, rows: SHORT_TILE_ROWS })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err?.message).toMatch(
      /^offline exited with code 1 after \d+\.\d s\. Claude Code cannot reach its service \(api\.anthropic\.com: ENOTFOUND\)\. /,
    );
    const exit = s.studio.agents.require('offline').lastExit!;
    expect(exit.advice).toMatch(
      /^Claude Code cannot reach its service \(api\.anthropic\.com: ENOTFOUND\)\. Check this machine's network/,
    );
    expect(exit.tail.slice(0, 2)).toEqual([
      'Unable to connect to Anthropic services',
      'Failed to connect to api.anthropic.com: ENOTFOUND',
    ]);
    // What status and agent list print under it: the cause, then the lines, the cause's among them.
    const listed = exitLines(s.studio.agents.require('offline'), '').join('\n');
    expect(listed).toMatch(/^exited with code 1 after .*\. Claude Code cannot reach its service/);
    expect(listed).toContain('| Failed to connect to api.anthropic.com: ENOTFOUND');
    await s.studio.sessions.stop('offline');
  }, 30_000);

  it('a restart that will not come is never announced: not after the studio closes, nor after a start that failed', async () => {
    t = await startFakeAgentStudio();
    const s = t;
    const exitsOnce = join(s.dataDir, 'once.js');
    writeFileSync(exitsOnce, 'process.exit(2)\n');
    s.studio.agents.add({
      name: 'once',
      cwd: s.dataDir,
      profile: { kind: 'command', command: process.execPath, args: [exitsOnce] },
    });
    await expect(s.studio.sessions.startSettled('once')).rejects.toThrow(/exited with code 2/);
    expect(s.studio.agents.require('once').lastExit!.restartAt).toBeDefined();
    // The person starts it by hand, and this start fails before any process runs.
    s.studio.agents.setLaunch(s.studio.agents.require('once').id, {
      profile: { kind: 'command', command: 'no-such-program-xyz', args: [] },
    });
    expect(() => s.studio.sessions.start('once')).toThrow(/not found/);
    expect(s.studio.agents.require('once').lastExit).toMatchObject({ code: 2 });
    expect(s.studio.agents.require('once').lastExit!.restartAt).toBeUndefined();
  });

  it('a restart the last studio had waiting is not announced by the next one', async () => {
    const dir = tempDir('ccstudio-exits-');
    let studio = createStudioWithParts({ dataDir: dir });
    const { agent } = studio.agents.add({ name: 'gone' });
    studio.agents.setExit(agent.id, {
      code: 1,
      signal: null,
      at: 1,
      ranMs: 5,
      tail: [],
      advice: 'x',
      quickExits: 1,
      gaveUp: false,
      restartAt: 1000,
    });
    await studio.close();
    studio = createStudioWithParts({ dataDir: dir });
    try {
      expect(studio.agents.require('gone').lastExit).toMatchObject({ code: 1, quickExits: 1 });
      expect(studio.agents.require('gone').lastExit!.restartAt).toBeUndefined();
    } finally {
      await studio.close();
    }
  });

  it('a stop by the person is not an exit: nothing recorded, nothing restarted', async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker');
    const started = await t.studio.sessions.startSettled('worker');
    expect(started.ready).toBe(true);
    await t.studio.sessions.stop('worker');
    await worker.waitForState('exited');
    expect(t.studio.agents.require('worker').lastExit).toBeNull();
    await holdsFor('no restart', () => !t!.studio.sessions.isRunning(worker.id), 1500);
  });

  it('a killed agent is restarted once and its tile says it was killed', async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker');
    t.studio.sessions.start('worker');
    await worker.waitForState('idle');
    const pid = t.studio.sessions.get(worker.id)!.pty.pid!;
    process.kill(pid, 'SIGKILL');
    await worker.waitForState('exited');
    expect(t.studio.agents.require('worker').lastExit).toMatchObject({ signal: 9, quickExits: 1 });
    expect(t.studio.agents.require('worker').lastExit!.advice).toMatch(/killed by signal 9/);
    await worker.waitForState('idle');
    expect(t.studio.sessions.get(worker.id)!.pty.pid).not.toBe(pid);
  });
});
