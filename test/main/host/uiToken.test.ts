import {
  chmodSync,
  lstatSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateUiToken, revokeUiToken, UI_TOKEN_FILE } from '../../../main/host/uiToken.js';
import { tempDir } from '../../support/studioHarness.js';

describe('the UI token', () => {
  it('is made once, kept private, and the same at the next start; revoked, a new one is made', () => {
    const dir = tempDir('ccstudio-uitoken-');
    const first = loadOrCreateUiToken(dir);
    expect(first).toMatch(/^ccsu_[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(dir, UI_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateUiToken(dir)).toBe(first);
    revokeUiToken(dir);
    const second = loadOrCreateUiToken(dir);
    expect(second).not.toBe(first);
    // A damaged file is replaced, never used as a token.
    writeFileSync(join(dir, UI_TOKEN_FILE), 'short\n');
    const third = loadOrCreateUiToken(dir);
    expect(third).toMatch(/^ccsu_/);
    expect(readFileSync(join(dir, UI_TOKEN_FILE), 'utf8').trim()).toBe(third);
  });

  it('never uses a token others could have planted or read: a wider file or a symlink is replaced', () => {
    const dir = tempDir('ccstudio-uitoken-');
    const planted = 'ccsu_' + 'A'.repeat(32);
    writeFileSync(join(dir, UI_TOKEN_FILE), planted + '\n', { mode: 0o644 });
    chmodSync(join(dir, UI_TOKEN_FILE), 0o644);
    const mine = loadOrCreateUiToken(dir);
    expect(mine).not.toBe(planted);
    expect(statSync(join(dir, UI_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    const elsewhere = join(tempDir('ccstudio-uitoken-'), 'their-token');
    writeFileSync(elsewhere, planted + '\n', { mode: 0o600 });
    unlinkSync(join(dir, UI_TOKEN_FILE));
    symlinkSync(elsewhere, join(dir, UI_TOKEN_FILE));
    const again = loadOrCreateUiToken(dir);
    expect(again).not.toBe(planted);
    expect(lstatSync(join(dir, UI_TOKEN_FILE)).isSymbolicLink()).toBe(false);
    expect(readFileSync(elsewhere, 'utf8').trim()).toBe(planted);
  });
});
