// Memory per agent from one `ps` of the machine: parsing, process trees, and the watch's samples on
// the fake clock. One test reads this machine's real `ps` for a real process tree.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseProcessTable,
  readProcessTable,
  treeMemory,
  type ProcessRow,
} from '../../../../main/core/resources/processMemory.js';
import {
  HISTORY_EVERY_MS,
  HISTORY_POINTS,
  ResourceWatch,
  SAMPLE_EVERY_MS,
} from '../../../../main/core/resources/resourceWatch.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';

const MB = 2 ** 20;

describe('process memory', () => {
  it('reads ps lines (skipping any that are not three numbers) and sums each tree, once per process', () => {
    const rows = parseProcessTable(
      '  10     1  1024\n  11    10  2048\nPID PPID RSS\n  12    11   512\n  20     1  4096\n  13    12 x\n',
    );
    expect(rows).toEqual([
      { pid: 10, ppid: 1, rss: 1024 * 1024 },
      { pid: 11, ppid: 10, rss: 2048 * 1024 },
      { pid: 12, ppid: 11, rss: 512 * 1024 },
      { pid: 20, ppid: 1, rss: 4096 * 1024 },
    ]);
    const sizes = treeMemory(rows, [10, 11, 20, 99]);
    expect(sizes.get(10)).toBe(3.5 * MB);
    expect(sizes.get(11)).toBe(2.5 * MB);
    expect(sizes.get(20)).toBe(4 * MB);
    expect(sizes.get(99)).toBe(0);
    // A loop in the table (a pid reused as its own ancestor) is counted once, not for ever.
    expect(
      treeMemory(
        [
          { pid: 5, ppid: 6, rss: 1 },
          { pid: 6, ppid: 5, rss: 1 },
        ],
        [5],
      ).get(5),
    ).toBe(2);
  });

  it("reads a real process tree on this machine: a shell's child counts in it", async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const table = await readProcessTable();
      expect(table).toBeDefined();
      const own = treeMemory(table!, [child.pid!]).get(child.pid!)!;
      const sleeper = table!.find((r) => r.ppid === child.pid)!;
      expect(sleeper).toBeDefined();
      const shell = table!.find((r) => r.pid === child.pid)!;
      expect(own).toBe(shell.rss + sleeper.rss);
      expect(own).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('the resource watch on the fake clock', () => {
  let clock: FakeClock;
  let studio: StudioWithParts;
  let table: ProcessRow[];
  let watch: ResourceWatch;
  const pids = new Map<number, number>();
  beforeEach(() => {
    clock = new FakeClock();
    studio = createStudioWithParts({ databaseFile: ':memory:', clock });
    table = [];
    pids.clear();
    watch = new ResourceWatch({
      agents: studio.agents,
      pidOf: (id) => pids.get(id),
      readTable: async () => table,
      clock,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    watch.dispose();
    await studio.close();
  });

  it("says each agent's memory and tokens in the last hour, 0 asleep, unknown where nothing runs here", async () => {
    const ann = studio.agents.add({ name: 'ann' }).agent.id;
    const bob = studio.agents.add({ name: 'bob' }).agent.id;
    studio.agents.add({ name: 'cy' });
    studio.agents.setRuntime(bob, { sleep: { asleepSince: 1, pinned: false, idleMinutes: null } });
    pids.set(ann, 100);
    table = [
      { pid: 100, ppid: 1, rss: 200 * MB },
      { pid: 101, ppid: 100, rss: 30 * MB },
    ];
    studio.agents.setRuntime(ann, {
      usage: {
        tokens: 5000,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheCreationTokens: 0,
        turns: 2,
        tokensLastHour: 1200,
        turnsLastHour: 1,
        at: 0,
      },
    });
    await watch.sample();
    expect(watch.costs()).toEqual([
      { name: 'ann', asleep: false, memoryBytes: 230 * MB, tokensLastHour: 1200, tokens: 5000 },
      { name: 'bob', asleep: true, memoryBytes: 0, tokensLastHour: 0, tokens: 0 },
      { name: 'cy', asleep: false, memoryBytes: null, tokensLastHour: 0, tokens: 0 },
    ]);
    expect(watch.memoryOf(ann)).toBe(230 * MB);
    expect(studio.status().agents.find((a) => a.name === 'ann')).not.toHaveProperty('memoryBytes');
  });

  it('reads an agent over SSH on its machine (one read for all there), unknown when that host does not answer', async () => {
    const ann = studio.agents.add({ name: 'ann' }).agent.id;
    const ray = studio.agents.add({ name: 'ray', cwd: '~', ssh: { dest: 'box' } }).agent.id;
    const sid = studio.agents.add({ name: 'sid', cwd: '~', ssh: { dest: 'box' } }).agent.id;
    pids.set(ann, 100);
    table = [{ pid: 100, ppid: 1, rss: 10 * MB }];
    const asked: string[][] = [];
    let answer = new Map([[ray, 300 * MB]]);
    const remote = new ResourceWatch({
      agents: studio.agents,
      pidOf: (id) => pids.get(id),
      readTable: async () => table,
      remote: {
        running: (id) => id === ray || id === sid,
        read: async (there) => {
          asked.push(there.map((a) => a.name));
          return answer;
        },
      },
      clock,
      logger: silentLogger,
    });
    await remote.sample();
    expect(asked).toEqual([['ray', 'sid']]);
    expect(remote.memoryOf(ann)).toBe(10 * MB);
    expect(remote.memoryOf(ray)).toBe(300 * MB);
    expect(remote.costs().find((c) => c.name === 'sid')?.memoryBytes).toBeNull();
    answer = new Map();
    await remote.sample();
    expect(remote.costs().find((c) => c.name === 'ray')?.memoryBytes).toBeNull();
    remote.dispose();
  });

  it('samples every SAMPLE_EVERY_MS once started, and keeps a point a minute for HISTORY_POINTS minutes', async () => {
    const ann = studio.agents.add({ name: 'ann' }).agent.id;
    pids.set(ann, 100);
    table = [{ pid: 100, ppid: 1, rss: 10 * MB }];
    watch.start();
    const step = async (ms: number) => {
      clock.advance(ms);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    await step(0);
    expect(watch.report().history).toHaveLength(1);
    table = [{ pid: 100, ppid: 1, rss: 20 * MB }];
    await step(SAMPLE_EVERY_MS);
    expect(watch.memoryOf(ann)).toBe(20 * MB);
    expect(watch.report().history).toHaveLength(1);
    for (let t = 0; t < HISTORY_POINTS + 10; t++) await step(HISTORY_EVERY_MS);
    const history = watch.report().history;
    expect(history).toHaveLength(HISTORY_POINTS);
    expect(history.at(-1)!.agents).toEqual([{ name: 'ann', memoryBytes: 20 * MB, tokens: 0, asleep: false }]);
  });
});
