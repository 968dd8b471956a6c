// The desktop shell's decisions, under plain Node: no Electron needed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginShellPath, mergePaths, parseShellPath } from '../../../main/electron/loginShellPath.js';
import { skipTitle } from '../../support/skipReason.js';

describe("the person's PATH for an app started from the desktop", () => {
  it('reads the PATH between the marks, ignoring what profiles print around it', () => {
    expect(parseShellPath('Welcome!\n__CCSTUDIO_PATH__\n/a/bin:/usr/bin\r\n__CCSTUDIO_PATH__\nbye\n')).toBe(
      '/a/bin:/usr/bin',
    );
    expect(parseShellPath('no marks here')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n__CCSTUDIO_PATH__\n')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n/a\n/b\n__CCSTUDIO_PATH__\n')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n/a\n')).toBeUndefined();
  });

  it("puts the shell's entries first and keeps every other entry once", () => {
    expect(mergePaths('/home/me/.npm-global/bin:/usr/bin', '/usr/bin:/bin')).toBe(
      '/home/me/.npm-global/bin:/usr/bin:/bin',
    );
    expect(mergePaths(undefined, '/usr/bin:/bin')).toBe('/usr/bin:/bin');
    expect(mergePaths('/x::/y', undefined)).toBe('/x:/y');
  });

  it("asks a real login shell, which reads the person's profile", async () => {
    const home = mkdtempSync(join(tmpdir(), 'ccstudio-home-'));
    try {
      writeFileSync(
        join(home, '.profile'),
        'echo "a banner from the profile"\nexport PATH="$HOME/tools/bin:$PATH"\n',
      );
      const path = await loginShellPath('/bin/sh', { HOME: home, PATH: '/usr/bin:/bin' });
      expect(path?.split(':')[0]).toBe(join(home, 'tools', 'bin'));
      if (existsSync('/bin/bash')) {
        const bash = await loginShellPath('/bin/bash', { HOME: home, PATH: '/usr/bin:/bin' });
        expect(bash?.split(':')[0]).toBe(join(home, 'tools', 'bin'));
      }
      expect(
        await loginShellPath('/nonexistent/shell', { HOME: home, PATH: '/usr/bin:/bin' }),
      ).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  const noBash = existsSync('/bin/bash') ? undefined : 'there is no /bin/bash here';
  it.skipIf(noBash)(
    skipTitle('gives up on a profile that blocks, though interactive bash ignores SIGTERM', noBash),
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'ccstudio-home-'));
      try {
        writeFileSync(join(home, '.bash_profile'), 'sleep 60\n');
        const started = Date.now();
        expect(await loginShellPath('/bin/bash', { HOME: home, PATH: '/usr/bin:/bin' }, 500)).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
