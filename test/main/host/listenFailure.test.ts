// Why the studio could not listen, as the person reads it: the parsers of what ss and lsof print,
// and every sentence. Real processes holding real ports: test/main/cli/servePort.test.ts.
import { describe, expect, it } from 'vitest';
import { listenFailure, parseLsof, parseSs, portInUseMessage } from '../../../main/host/listenFailure.js';

const TODO = 'Stop it, or pass --port N (--port 0 picks a free one).';

describe('who holds the port', () => {
  it('reads ss and lsof as they print it', () => {
    // ss -ltnpH 'sport = :47100' (iproute2 6.x)
    expect(
      parseSs('LISTEN 0      511    127.0.0.1:47100 0.0.0.0:* users:(("node",pid=20763,fd=19))\n'),
    ).toEqual({ pid: 20763, command: 'node' });
    // Another user's process: ss shows no users, and nothing is made up.
    expect(parseSs('LISTEN 0      511    127.0.0.1:47100 0.0.0.0:*\n')).toBeUndefined();
    // lsof -nP -iTCP:47100 -sTCP:LISTEN -Fpc
    expect(parseLsof('p4242\ncClaude Code Studio\n')).toEqual({ pid: 4242, command: 'Claude Code Studio' });
    expect(parseLsof('')).toBeUndefined();
  });

  it('says which studio, which process, or only that the port is taken', () => {
    expect(
      portInUseMessage(47100, { studio: true, pid: 12, dataDir: '/home/me/.config/Claude Code Studio' }),
    ).toBe(
      `Another Claude Code Studio (pid 12, data folder /home/me/.config/Claude Code Studio) is using port 47100. ${TODO}`,
    );
    expect(portInUseMessage(47100, { studio: true })).toBe(
      `Another Claude Code Studio is using port 47100. ${TODO}`,
    );
    expect(portInUseMessage(8080, { studio: false, pid: 99, command: 'python3' })).toBe(
      `Port 8080 is in use by pid 99 (python3). ${TODO}`,
    );
    expect(portInUseMessage(8080, undefined)).toBe(
      'Port 8080 is in use by another program. Pass --port N (--port 0 picks a free one).',
    );
  });
});

describe('listenFailure', () => {
  const failure = (code: string, host: string, port: number) =>
    listenFailure(Object.assign(new Error(`listen ${code}`), { code }), host, port);

  it('names the address no interface has, and the name that does not resolve', () => {
    expect(failure('EADDRNOTAVAIL', '10.9.9.9', 47100)).toBe(
      'Cannot listen on 10.9.9.9: no network interface on this machine has that address. ' +
        'serve listens on 127.0.0.1 unless --host says otherwise.',
    );
    expect(failure('ENOTFOUND', 'no-such-host.invalid', 47100)).toMatch(
      /^Cannot listen on no-such-host\.invalid: this machine cannot resolve that name/,
    );
  });

  it('tells a low port from one the system refuses for other reasons', () => {
    expect(failure('EACCES', '127.0.0.1', 80)).toBe(
      'Cannot listen on port 80: ports below 1024 need administrator rights. ' +
        'Pass --port N with N from 1024 up (--port 0 picks a free one).',
    );
    expect(failure('EACCES', '127.0.0.1', 8080)).toBe(
      'Cannot listen on 127.0.0.1:8080: the system does not allow it. Pass another --port N (--port 0 picks a free one).',
    );
    expect(failure('EMFILE', '127.0.0.1', 8080)).toBe('Cannot listen on 127.0.0.1:8080: listen EMFILE');
  });
});
