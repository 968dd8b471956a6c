import { statSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStudioWithParts } from '../../../support/studioParts.js';
import { tempDir } from '../../../support/studioHarness.js';

describe('checkpointer', () => {
  it('copies the WAL into the database from a worker while commits skip checkpointing', async () => {
    const dir = tempDir();
    const studio = createStudioWithParts({ dataDir: dir });
    try {
      const file = join(dir, 'studio.db');
      // From the person (no hourly budget) to twenty recipients, each well within the person's
      // share of its unread quota.
      const person = studio.agents.person;
      for (let r = 0; r < 20; r++) studio.agents.add({ name: `bob${r}` });
      const before = statSync(file).size;
      for (let i = 0; i < 3000; i++)
        studio.bus.send(person, `bob${i % 20}`, `message ${i} `.padEnd(200, 'x'));
      // The worker announces itself, then the main connection stops checkpointing on commit.
      const deadline = Date.now() + 5000;
      while (
        Date.now() < deadline &&
        (studio.db.pragma('wal_autocheckpoint', { simple: true }) !== 0 || statSync(file).size <= before)
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(studio.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(statSync(file).size).toBeGreaterThan(before + 3000 * 200);
    } finally {
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
