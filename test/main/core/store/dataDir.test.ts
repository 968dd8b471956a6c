import { chmodSync, chownSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { securePrivateTree } from '../../../../main/core/store/dataDir.js';
import { skipTitle } from '../../../support/skipReason.js';
import { tempDir } from '../../../support/studioHarness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = tempDir('ccstudio-datadir-');
  dirs.push(d);
  return d;
}
const mode = (p: string) => statSync(p).mode & 0o7777;

describe('securePrivateTree', () => {
  it("tightens the folder and the studio's own files, and leaves a person's other files alone", () => {
    const dir = join(scratch(), 'data');
    mkdirSync(join(dir, 'agents', 'a'), { recursive: true });
    chmodSync(dir, 0o755);
    for (const f of ['studio.db', 'studio.db-wal', 'studio.json', 'notes.txt', 'agents/a/mcp.json'])
      writeFileSync(join(dir, f), 'x', { mode: 0o644 });
    securePrivateTree(dir);
    expect(mode(dir)).toBe(0o700);
    for (const f of ['studio.db', 'studio.db-wal', 'studio.json', 'agents/a/mcp.json'])
      expect(mode(join(dir, f)), f).toBe(0o600);
    expect(mode(join(dir, 'agents'))).toBe(0o700);
    expect(mode(join(dir, 'notes.txt'))).toBe(0o644);
  });

  it('never makes a shared (sticky) folder private, and follows a link to the real folder', () => {
    const shared = join(scratch(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'studio.json'), '{}', { mode: 0o644 });
    securePrivateTree(shared);
    expect(mode(shared)).toBe(0o1777);
    expect(mode(join(shared, 'studio.json'))).toBe(0o600);

    const real = join(scratch(), 'real');
    mkdirSync(real, { mode: 0o755 });
    chmodSync(real, 0o755);
    const link = join(dirs[dirs.length - 1]!, 'link');
    symlinkSync(real, link);
    securePrivateTree(link);
    expect(mode(real)).toBe(0o700);
  });

  const notRoot = process.getuid?.() === 0 ? undefined : "only root can make another user's files";
  const OTHER_USERS = skipTitle("leaves another user's files as they are, without failing", notRoot);
  it.skipIf(notRoot)(OTHER_USERS, () => {
    const dir = join(scratch(), 'data');
    mkdirSync(dir);
    writeFileSync(join(dir, 'studio.db.bak'), 'x', { mode: 0o644 });
    chownSync(join(dir, 'studio.db.bak'), 1, 1);
    expect(() => securePrivateTree(dir)).not.toThrow();
    expect(mode(join(dir, 'studio.db.bak'))).toBe(0o644);
  });
});
