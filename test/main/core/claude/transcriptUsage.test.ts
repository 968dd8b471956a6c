import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranscriptUsage, USAGE_WINDOW_MS } from '../../../../main/core/claude/transcriptUsage.js';
import { tempDir } from '../../../support/studioHarness.js';

const line = (id: string, at: number, usage: Record<string, number>, type = 'assistant') =>
  JSON.stringify({ type, timestamp: new Date(at).toISOString(), message: { id, usage } }) + '\n';

describe('TranscriptUsage', () => {
  const setup = () => {
    const projects = join(tempDir('ccstudio-transcript-'), 'projects');
    mkdirSync(join(projects, '-work'), { recursive: true });
    return { projects, file: join(projects, '-work', 'session.jsonl') };
  };

  it('sums each assistant message once (the CLI writes a line per content block), only what was appended', async () => {
    const { projects, file } = setup();
    let now = 10 * USAGE_WINDOW_MS;
    const usage = new TranscriptUsage(file, projects, () => now);
    expect((await usage.read()).tokens).toBe(0);
    const u = {
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 2,
    };
    writeFileSync(
      file,
      line('m1', now - USAGE_WINDOW_MS - 1, u) +
        line('m1', now, u) +
        line('u1', now, u, 'user') +
        'not json\n',
    );
    usage.noteTurn();
    let r = await usage.read();
    expect(r).toMatchObject({
      tokens: 117,
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 100,
      turns: 1,
    });
    // Its first line dates from more than an hour ago: not in the hour a budget counts.
    expect(r.tokensLastHour).toBe(0);
    // A half-written line waits for the rest.
    appendFileSync(file, line('m2', now, { input_tokens: 1, output_tokens: 1 }).slice(0, 20));
    expect((await usage.read()).tokens).toBe(117);
    appendFileSync(file, line('m2', now, { input_tokens: 1, output_tokens: 1 }).slice(20));
    r = await usage.read();
    expect(r.tokens).toBe(119);
    expect(r.tokensLastHour).toBe(2);
    now += USAGE_WINDOW_MS + 1;
    expect((await usage.read()).turnsLastHour).toBe(0);
  });

  it('reads one at a time: reads asked for together never skip or repeat a line', async () => {
    const { projects, file } = setup();
    const usage = new TranscriptUsage(file, projects, () => Date.now());
    writeFileSync(
      file,
      Array.from({ length: 500 }, (_, i) => line(`m${i}`, Date.now(), { output_tokens: 1 })).join(''),
    );
    const all = await Promise.all([usage.read(), usage.read(), usage.read()]);
    expect(all.map((r) => r.tokens)).toEqual([500, 500, 500]);
    appendFileSync(file, line('m500', Date.now(), { output_tokens: 1 }));
    expect((await usage.read()).tokens).toBe(501);
  });

  it('follows the CLI to a new transcript after /clear, but never out of its projects folder or into a FIFO', async () => {
    const { projects, file } = setup();
    const usage = new TranscriptUsage(file, projects, () => Date.now());
    writeFileSync(file, line('a', Date.now(), { output_tokens: 7 }));
    expect((await usage.read()).tokens).toBe(7);
    const next = join(projects, '-work', 'after-clear.jsonl');
    writeFileSync(next, line('b', Date.now(), { output_tokens: 3 }));
    usage.follow(next);
    expect((await usage.read()).tokens).toBe(10);
    // Outside the projects folder, not a transcript, or a link out of it: not followed or not read.
    const outside = join(tempDir('ccstudio-outside-'), 'x.jsonl');
    writeFileSync(outside, line('c', Date.now(), { output_tokens: 1000 }));
    usage.follow(outside);
    usage.follow('/etc/passwd');
    const link = join(projects, '-work', 'link.jsonl');
    symlinkSync(outside, link);
    usage.follow(link);
    expect((await usage.read()).tokens).toBe(10);
    const fifo = join(projects, '-work', 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    usage.follow(fifo);
    // Returns at once: a FIFO is never opened.
    expect((await usage.read()).tokens).toBe(10);
  });
});
