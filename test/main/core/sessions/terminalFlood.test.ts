// The terminal text that once sank the studio (`b` and 2,000,000 combining accents, printed again
// and again) in an agent's real PTY, in a real studio: its memory stays put, read_peer answers
// small, a window gets small live output and small snapshots, and the agent is still read right.
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, TERMINAL_MAX_MARKS_PER_CELL } from '../../../../main/contract/limits.js';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../../main/contract/pipe.js';
import { servePipe } from '../../../../main/core/pipe/servePipe.js';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { memoryPipePair } from '../../../support/memoryPipe.js';
import { callText } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

const MARK_FLOOD = join(process.cwd(), 'test/fixtures/markFlood.mjs');
const ACCENT = '\u0301';
/**
 * Lines of the flood: without the cap each one is a 4 MB string in one cell of the studio's
 * terminal copy (and over 60 MB while xterm builds it, a character at a time).
 */
const FLOOD_LINES = 10;
const FLOOD_MARKS = 2_000_000;
/** What the studio may keep after the flood: a screen copy of capped cells, and noise. */
const HEAP_GROWTH_LIMIT_MB = 16;
/** A window's share of the flood: its lines as the cap leaves them, and the screen around them. */
const VIEWER_LIMIT_CHARS = 100_000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

let s: FakeAgentStudio | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function addFlooder(studio: FakeAgentStudio, name: string, lines: number, marks: number) {
  return studio.studio.agents.add({
    name,
    cwd: process.cwd(),
    profile: { kind: 'command', command: process.execPath, args: [MARK_FLOOD, String(lines), String(marks)] },
  }).agent;
}

/** A window on the studio over an in-memory pipe, drawing (acknowledging) all it gets. */
function windowOn(studio: FakeAgentStudio, agentId: number) {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  servePipe(studio.studio, pair.right);
  const client = createPipeClient(pair.left);
  const got = { live: 0, largest: 0 };
  client.onDidOutput((o) => {
    if (o.agentId !== agentId) return;
    got.live += o.data.length;
    got.largest = Math.max(got.largest, o.data.length);
    client.ackOutput(o.agentId, o.data.length);
  });
  return { client, got };
}

describe('a flood of combining marks in an agent terminal', () => {
  it('leaves the studio its memory; read_peer, live output and snapshots stay small', async () => {
    s = await startFakeAgentStudio();
    const studio = s;
    const flooder = addFlooder(studio, 'flooder', FLOOD_LINES, FLOOD_MARKS);
    const reader = await studio.connect(studio.addRemoteAgent('reader'));
    const before = heapMb();
    studio.studio.sessions.start('flooder');
    const { client, got } = windowOn(studio, flooder.id);
    const first = await client.attachTerminal('flooder');
    const mirror = studio.studio.sessions.get(flooder.id)!.pty.mirror;
    await waitFor(
      'the flood to be drawn in the studio',
      async () => {
        await mirror.settled();
        return mirror.tail(3).join('\n').includes('FLOOD DONE');
      },
      { timeoutMs: 120_000, everyMs: 200 },
    );
    const grown = heapMb() - before;

    const peer = await callText(reader, 'read_peer', { name: 'flooder' });
    const snapshot = await client.attachTerminal('flooder');
    const whole = await callText(reader, 'read_peer', { name: 'flooder', lines: 500 });
    expect({
      heapGrowthMb: Math.round(grown),
      peerBytes: Buffer.byteLength(peer),
      snapshotChars: snapshot.data.length,
      liveChars: first.data.length + got.live,
    }).toEqual({
      heapGrowthMb: expect.toSatisfy((mb: number) => mb < HEAP_GROWTH_LIMIT_MB),
      peerBytes: expect.toSatisfy((b: number) => b < 10_000),
      snapshotChars: expect.toSatisfy((n: number) => n < VIEWER_LIMIT_CHARS),
      liveChars: expect.toSatisfy((n: number) => n < VIEWER_LIMIT_CHARS),
    });
    expect(Buffer.byteLength(whole)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    // Each line as the cap leaves it, its accents whole (they crossed PTY reads split in two).
    const floodLine = 'b' + ACCENT.repeat(TERMINAL_MAX_MARKS_PER_CELL);
    expect(peer.split('\n').filter((l) => l === floodLine)).toHaveLength(FLOOD_LINES);
    expect(peer).toContain('FLOOD DONE');
    expect(peer).not.toContain('\ufffd');
    // The agent is still read: a terminal that went quiet is idle.
    await waitFor('the flooder to be idle', () => studio.studio.agents.require('flooder').state === 'idle');
  }, 180_000);

  it('read_peer on a wide screen full of marks answers within MAX_ANSWER_BYTES, dropping the oldest lines', async () => {
    s = await startFakeAgentStudio();
    const studio = s;
    // 500 rows of 1000 cells, each cell at the cap: over 9 MB of screen text.
    const cell = 'b' + ACCENT.repeat(TERMINAL_MAX_MARKS_PER_CELL);
    const script = `const row = ${JSON.stringify(cell)}.repeat(1000); for (let i = 0; i < 499; i++) process.stdout.write(row + '\\n'); process.stdout.write('LAST'); setInterval(() => {}, 60000);`;
    studio.studio.agents.add({
      name: 'wide',
      cwd: process.cwd(),
      profile: { kind: 'command', command: process.execPath, args: ['-e', script] },
    });
    const reader = await studio.connect(studio.addRemoteAgent('reader'));
    studio.studio.sessions.start('wide', { cols: 1000, rows: 500 });
    const mirror = studio.studio.sessions.get(studio.studio.agents.require('wide').id)!.pty.mirror;
    await waitFor('the wide screen to be drawn', async () => {
      await mirror.settled();
      return mirror.tail(1)[0] === 'LAST';
    });
    const answer = await callText(reader, 'read_peer', { name: 'wide', lines: 500 });
    expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const lines = answer.split('\n');
    expect(lines[0]).toMatch(/^\(\d+ earlier lines left out: they would not fit in one answer\)$/);
    expect(lines.at(-1)).toBe('LAST');
    expect(lines.slice(1, -1).every((l) => l === cell.repeat(1000))).toBe(true);
    expect(lines.length).toBeGreaterThan(10);
  }, 60_000);
});
