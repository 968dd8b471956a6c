// A stand-in desktop for `ccstudio open` and `serve --open`: an `xdg-open` on PATH that records
// its own command line as every local user can read it (/proc/PID/cmdline), then starts a
// "browser" that records its own, follows the page it was handed the way a browser does, and
// trades the one-time code for a tab's session.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeDesktop {
  /** PATH and DISPLAY for the command that opens the browser. */
  env: NodeJS.ProcessEnv;
  /** The opener's and the browser's command lines, argument by argument, once each has run. */
  openerArgv(): string[] | undefined;
  browserArgv(): string[] | undefined;
  /** What the browser made of the link: the address it ended at, and the studio's answer. */
  browserResult(): { landed: string; status: number; answer: { session?: string; id?: number } } | undefined;
}

const BROWSER_SCRIPT = `
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const log = process.env.FAKE_DESKTOP_LOG;
writeFileSync(log + '/browser.cmdline', readFileSync('/proc/' + process.pid + '/cmdline'));
(async () => {
  let url = process.argv[2];
  // A file:// page: follow its refresh, as a browser would.
  if (url.startsWith('file:')) {
    const page = readFileSync(fileURLToPath(url), 'utf8');
    url = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(page)[1].replace(/&amp;/g, '&');
  }
  const at = new URL(url);
  const code = new URLSearchParams(at.hash.slice(1)).get('code') ?? at.searchParams.get('code');
  const res = await fetch(at.origin + '/ui/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'FakeBrowser/1.0 (X11; Linux x86_64)' },
    body: JSON.stringify({ code }),
  });
  const result = JSON.stringify({ landed: url, status: res.status, answer: await res.json() });
  writeFileSync(log + '/browser.json.tmp', result);
  renameSync(log + '/browser.json.tmp', log + '/browser.json');
})();
`;

export function fakeDesktop(dir: string): FakeDesktop {
  const bin = join(dir, 'bin');
  const log = join(dir, 'log');
  mkdirSync(bin, { recursive: true });
  mkdirSync(log, { recursive: true });
  const browser = join(bin, 'fake-browser.cjs');
  writeFileSync(browser, BROWSER_SCRIPT);
  writeFileSync(
    join(bin, 'xdg-open'),
    `#!/bin/sh\ncat /proc/$$/cmdline > '${log}/opener.cmdline'\n'${process.execPath}' '${browser}' "$@"\n`,
  );
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const argv = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\0').filter(Boolean) : undefined;
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':99', FAKE_DESKTOP_LOG: log },
    openerArgv: () => argv(join(log, 'opener.cmdline')),
    browserArgv: () => argv(join(log, 'browser.cmdline')),
    browserResult: () =>
      existsSync(join(log, 'browser.json'))
        ? (JSON.parse(readFileSync(join(log, 'browser.json'), 'utf8')) as ReturnType<
            FakeDesktop['browserResult']
          >)
        : undefined,
  };
}
