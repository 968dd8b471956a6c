import { describe, expect, it } from 'vitest';
import { remoteTranscripts } from '../../../../main/core/remote/remoteLaunch.js';
import { controlPathFor } from '../../../../main/core/remote/sshCommand.js';
import type { SshLink } from '../../../../main/core/remote/sshLink.js';
import { remoteKey, sshControlDir } from '../../../../main/core/remote/sshPlaces.js';

/** macOS's limit for a Unix socket's path, and what ssh adds to it while its master binds. */
const MAC_SOCKET_PATH_CHARS = 103;
const SSH_TEMP_SUFFIX_CHARS = 17;

describe('where the SSH control sockets go', () => {
  it('keeps every socket path within macOS limit, even for a deep data folder', () => {
    for (const dataDir of [
      '/tmp/x',
      '/Users/a-long-user-name/Library/Application Support/Claude Code Studio',
      `/home/${'u'.repeat(200)}/data`,
    ]) {
      const socket = controlPathFor(sshControlDir(dataDir), 'me@build-box#0');
      expect(socket.length + SSH_TEMP_SUFFIX_CHARS, socket).toBeLessThanOrEqual(MAC_SOCKET_PATH_CHARS);
    }
    expect(sshControlDir('/tmp/x')).toBe('/tmp/x/ssh');
    expect(sshControlDir('/Users/a-long-user-name/Library/Application Support/Claude Code Studio')).toMatch(
      /^\/tmp\/ccs-\d+-[0-9a-f]{8}$/,
    );
  });

  it('names the studio on hosts once, at random, and keeps the name', () => {
    const kept = new Map<string, unknown>();
    const settings = {
      get: <T>(k: string) => kept.get(k) as T | undefined,
      set: (k: string, v: unknown) => kept.set(k, v),
    };
    const first = remoteKey(settings);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(remoteKey(settings)).toBe(first);
    expect(remoteKey({ get: () => undefined, set: () => undefined })).not.toBe(first);
  });
});

describe('a transcript read over SSH', () => {
  /** A connection whose command prints `out` and exits with `code`. */
  const linkPrinting = (out: string, code = 0) =>
    ({
      up: true,
      exec: async () => ({ code, stdout: out, bytes: Buffer.from(out), stderr: '' }),
    }) as unknown as SshLink;

  it('takes the size line and the bytes after it', async () => {
    const got = await remoteTranscripts(linkPrinting('12\nhello\nworld')).read('/f', '/p', 0, 100);
    expect(got?.size).toBe(12);
    expect(got?.bytes.toString()).toBe('hello\nworld');
  });

  it('takes nothing from a host that prints anything but a size first', async () => {
    for (const out of ['-1\n', '\nx', '0x10\nx', ' 12\nx', 'welcome!\n12\nx', '12']) {
      expect(
        await remoteTranscripts(linkPrinting(out)).read('/f', '/p', 0, 100),
        JSON.stringify(out),
      ).toBeUndefined();
    }
    expect(await remoteTranscripts(linkPrinting('12\nx', 3)).read('/f', '/p', 0, 100)).toBeUndefined();
  });
});
