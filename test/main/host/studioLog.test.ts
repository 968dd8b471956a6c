import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STUDIO_INFO_FILE } from '../../../main/core/store/dataDir.js';
import { outputUntilGone } from '../../../main/core/util/output.js';
import { MAX_LOG_BYTES, openStudioLog, STUDIO_LOG_FILE } from '../../../main/host/studioLog.js';
import { tempDir } from '../../support/studioHarness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = tempDir('ccstudio-log-');
  dirs.push(d);
  return d;
}

/**
 * Like process.stderr with its reader gone: every write fails (on the next tick, as a pipe's does)
 * and the stream never stays destroyed, so every later write fails again.
 */
function closedStdio(): EventEmitter & { write(s: string): boolean; writes: number } {
  const stream = Object.assign(new EventEmitter(), {
    writes: 0,
    write(_s: string) {
      stream.writes++;
      process.nextTick(() =>
        stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
      );
      return false;
    },
  });
  return stream;
}

describe('output whose reader went away', () => {
  it('is written once, then never again; its error is nobody else’s problem', async () => {
    const stream = closedStdio();
    const out = outputUntilGone(stream);
    expect(outputUntilGone(stream)).toBe(out);
    out.write('one\n');
    await new Promise((r) => setImmediate(r));
    expect(out.gone).toBe(true);
    for (let i = 0; i < 100; i++) out.write('more\n');
    await new Promise((r) => setImmediate(r));
    expect(stream.writes).toBe(1);
  });
});

describe('the studio log', () => {
  it('keeps every entry in the data folder, private, after the echo has gone', async () => {
    const dir = dataDir();
    const echo = closedStdio();
    const log = openStudioLog(dir, { echo: outputUntilGone(echo) });
    log.logger.info('first');
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 3; i++) log.logger.warn('later', { i });
    log.logger.debug('not at info');
    await log.close();
    const lines = readFileSync(log.file, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'info first',
      'warn later {"i":0}',
      'warn later {"i":1}',
      'warn later {"i":2}',
    ]);
    expect(echo.writes).toBe(1);
    expect(log.file).toBe(join(dir, STUDIO_LOG_FILE));
    expect(statSync(log.file).mode & 0o777).toBe(0o600);
  });

  it('moves a log past its size aside at start, unless a running studio writes to it', async () => {
    const dir = dataDir();
    const file = join(dir, STUDIO_LOG_FILE);
    const big = 'x'.repeat(MAX_LOG_BYTES + 1);
    writeFileSync(file, big);
    // Another live process (the test runner's parent) serves this folder: its log stays put.
    writeFileSync(join(dir, STUDIO_INFO_FILE), JSON.stringify({ pid: process.ppid }));
    await openStudioLog(dir).close();
    expect(existsSync(file + '.1')).toBe(false);
    expect(statSync(file).size).toBe(big.length);

    rmSync(join(dir, STUDIO_INFO_FILE));
    const log = openStudioLog(dir);
    log.logger.info('fresh');
    await log.close();
    expect(statSync(file + '.1').size).toBe(big.length);
    expect(readFileSync(file, 'utf8')).toMatch(/^\S+ info fresh\n$/);
  });
});
