// `ccstudio open`, `serve --open` and `ccstudio tabs` with real processes: nothing secret on any
// command line (the opener's and the browser's, as /proc shows them to every local user), a
// private page that hands the browser a one-time code, and tabs listed and signed out.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CLI, runCli, startServe, trackProcesses } from '../../support/cliProcess.js';
import { fakeDesktop, type FakeDesktop } from '../../support/fakeBrowser.js';
import { tempDir } from '../../support/studioHarness.js';
import { uiSocketUrl } from '../../support/uiSession.js';
import { waitFor } from '../../support/waitFor.js';

const { procs, dirs } = trackProcesses(afterEach);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`);
});

function folder(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** Every secret the studio holds, and the prefixes every one of its secrets starts with. */
function expectNoSecret(argv: string[] | undefined, secrets: string[]): void {
  expect(argv).toBeDefined();
  const line = argv!.join(' ');
  for (const secret of secrets) expect(line).not.toContain(secret);
  expect(line).not.toMatch(/ccs[acstu]_|code=|token=/);
}

function opened(desktop: FakeDesktop) {
  return waitFor('the browser to open the studio', () => desktop.browserResult());
}

const socketOpens = (url: string) =>
  new Promise<number>((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });

describe('opening the studio in a browser', () => {
  it('ccstudio open hands the opener and the browser a private page, never a secret; the tab gets a session of its own', async () => {
    const data = folder('ccstudio-open-');
    const desktop = fakeDesktop(folder('ccstudio-desktop-'));
    const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
    procs.push(serve.proc);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as {
      baseUrl: string;
      uiToken: string;
      adminToken: string;
    };
    const open = await runCli(['open', '--data', data], desktop.env);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toMatch(/^Opened the studio in your browser/);
    const result = await opened(desktop);

    // The opener was handed the page's file:// address, and so was the browser.
    const page = desktop.openerArgv()!.at(-1)!;
    expect(page).toMatch(/^file:\/\//);
    expect(desktop.browserArgv()!.at(-1)).toBe(page);
    const file = fileURLToPath(page);
    expect(file.startsWith(join(data, 'ui-links'))).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'ui-links')).mode & 0o777).toBe(0o700);
    const code = /#code=(ccsc_[A-Za-z0-9_-]+)/.exec(readFileSync(file, 'utf8'))![1]!;

    // The page sent the browser on with the code in the fragment; the code bought a session.
    expect(result.landed).toBe(`${info.baseUrl}/#code=${code}`);
    expect(result.status).toBe(200);
    const session = result.answer.session!;
    expect(session).toMatch(/^ccst_/);
    expect(JSON.stringify(result.answer)).not.toContain(info.uiToken);
    for (const argv of [desktop.openerArgv(), desktop.browserArgv()])
      expectNoSecret(argv, [code, info.uiToken, info.adminToken, session]);
    expect(await socketOpens(uiSocketUrl(info.baseUrl, session))).toBe(101);
  }, 40_000);

  it('serve --open does the same, and an old page is removed once its code has expired', async () => {
    const data = folder('ccstudio-open-');
    const desktop = fakeDesktop(folder('ccstudio-desktop-'));
    // A page from an open a while ago (its code long expired), and one from a moment ago.
    mkdirSync(join(data, 'ui-links'), { mode: 0o700 });
    writeFileSync(join(data, 'ui-links', 'open-old.html'), 'old');
    const longAgo = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(data, 'ui-links', 'open-old.html'), longAgo, longAgo);
    writeFileSync(join(data, 'ui-links', 'open-recent.html'), 'recent');
    const serve = await startServe(['--data', data, '--port', '0', '--no-start', '--open'], {
      env: desktop.env,
    });
    procs.push(serve.proc);
    const result = await opened(desktop);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as {
      uiToken: string;
      adminToken: string;
    };
    expect(result.status).toBe(200);
    for (const argv of [desktop.openerArgv(), desktop.browserArgv()])
      expectNoSecret(argv, [info.uiToken, info.adminToken, result.answer.session!]);
    const pages = readdirSync(join(data, 'ui-links'));
    expect(pages).toHaveLength(2);
    expect(pages).toContain('open-recent.html');
    expect(pages).not.toContain('open-old.html');
  }, 40_000);

  it('ccstudio tabs lists the tabs let in, and tabs end signs one out at once', async () => {
    const data = folder('ccstudio-open-');
    const desktop = fakeDesktop(folder('ccstudio-desktop-'));
    const serve = await startServe(['--data', data, '--port', '0', '--no-start']);
    procs.push(serve.proc);
    const info = JSON.parse(readFileSync(join(data, 'studio.json'), 'utf8')) as { baseUrl: string };
    expect((await runCli(['tabs', '--data', data])).stdout).toBe(
      'No browser tabs are let into the studio.\n',
    );
    await runCli(['open', '--data', data], desktop.env);
    const { answer } = await opened(desktop);
    const listed = await runCli(['tabs', '--data', data]);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^#${answer.id} FakeBrowser/1\\.0 \\(X11; Linux x86_64\\), by a one-time link: opened .*, last used .*, good until .* \\(UTC\\)\\n$`,
      ),
    );
    const json = JSON.parse((await runCli(['tabs', '--json', '--data', data])).stdout) as Array<{
      id: number;
    }>;
    expect(json.map((t) => t.id)).toEqual([answer.id]);
    const ended = await runCli(['tabs', 'end', String(answer.id), '--data', data]);
    expect(ended.stdout).toBe(`Tab #${answer.id} is signed out.\n`);
    expect(await socketOpens(uiSocketUrl(info.baseUrl, answer.session!))).toBe(401);
    const again = await runCli(['tabs', 'end', String(answer.id), '--data', data]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/There is no tab #\d+/);
    const bad = await runCli(['tabs', 'end', 'x', '--data', data]);
    expect(bad.stderr).toMatch(/Give a tab's id/);
  }, 40_000);
});
