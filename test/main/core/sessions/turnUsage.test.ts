import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentUsage } from '../../../../main/contract/model.js';
import { TranscriptUsage } from '../../../../main/core/claude/transcriptUsage.js';
import { TurnUsage, USAGE_REREAD_MS } from '../../../../main/core/sessions/turnUsage.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { FakeClock } from '../../../support/fakeClock.js';
import { tempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

// A turn's token use, read from a real transcript on disk at the turn's end and once more later.
const line = (id: string, output: number) =>
  JSON.stringify({
    type: 'assistant',
    timestamp: new Date().toISOString(),
    message: { id, usage: { input_tokens: 1, output_tokens: output } },
  }) + '\n';

function setup() {
  const projects = join(tempDir('ccstudio-turn-usage-'), 'projects');
  mkdirSync(join(projects, '-work'), { recursive: true });
  const file = join(projects, '-work', 'session.jsonl');
  const clock = new FakeClock();
  const seen: AgentUsage[] = [];
  const usage = new TurnUsage(new TranscriptUsage(file, projects, () => Date.now()), {
    clock,
    logger: silentLogger,
    onUsage: (u) => seen.push(u),
  });
  return { file, projects, clock, seen, usage };
}

describe('TurnUsage', () => {
  it('reads at the turn end, and again later for the lines a busy machine wrote after the hook', async () => {
    const { file, clock, seen, usage } = setup();
    writeFileSync(file, line('m1', 10));
    usage.turnEnded(undefined);
    await waitFor('the first read', () => seen.length === 1);
    expect(seen[0]).toMatchObject({ tokens: 11, turns: 1 });
    // The turn's last message lands after its Stop hook was answered.
    appendFileSync(file, line('m2', 20));
    clock.advance(USAGE_REREAD_MS);
    await waitFor('the second read', () => seen.length === 2);
    expect(seen[1]).toMatchObject({ tokens: 32, turns: 1 });
  });

  it('follows the CLI to a new transcript inside its projects folder only', async () => {
    const { file, projects, seen, usage } = setup();
    writeFileSync(file, line('m1', 10));
    const after = join(projects, '-work', 'after-clear.jsonl');
    writeFileSync(after, line('m9', 100));
    usage.turnEnded(after);
    await waitFor('a read of the new file', () => seen.length === 1);
    expect(seen[0]?.tokens).toBe(101);
    const outside = join(tempDir('ccstudio-elsewhere-'), 'x.jsonl');
    writeFileSync(outside, line('m5', 1000));
    usage.turnEnded(outside);
    await waitFor('a read that stayed put', () => seen.length === 2);
    expect(seen[1]?.tokens).toBe(101);
  });

  it('reports nothing once disposed: its process was replaced', async () => {
    const { file, clock, seen, usage } = setup();
    writeFileSync(file, line('m1', 10));
    usage.turnEnded(undefined);
    usage.dispose();
    clock.advance(USAGE_REREAD_MS * 2);
    usage.turnEnded(undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
  });
});
