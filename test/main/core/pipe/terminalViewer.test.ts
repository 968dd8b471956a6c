import { afterEach, describe, expect, it } from 'vitest';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../../main/contract/pipe.js';
import type { TerminalOutput } from '../../../../main/contract/service.js';
import { servePipe } from '../../../../main/core/pipe/servePipe.js';
import type { PtyProcess, SpawnPty } from '../../../../main/core/sessions/ptySession.js';
import { createStudioWithParts } from '../../../support/studioParts.js';
import { FakeClock } from '../../../support/fakeClock.js';
import xtermHeadless from '@xterm/headless';
import WebSocket from 'ws';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { memoryPipePair } from '../../../support/memoryPipe.js';
import { waitFor } from '../../../support/waitFor.js';
import { tabSession, uiSocketUrl } from '../../../support/uiSession.js';

const { Terminal } = xtermHeadless;

let s: FakeAgentStudio | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A terminal (the PTY turns \n into \r\n) that prints numbered lines, `perTick` every millisecond or so, until it has printed `count`. */
function addCounter(studio: FakeAgentStudio, name: string, count: number, perTick = count) {
  const script = `let i=0;const w=()=>{const end=Math.min(${count},i+${perTick});while(i<end){if(!process.stdout.write('line '+(i++)+'\\n'))return process.stdout.once('drain',w);}if(i<${count})setTimeout(w,1);};w();setInterval(()=>{},1000);`;
  return studio.studio.agents.add({
    name,
    cwd: process.cwd(),
    profile: { kind: 'command', command: process.execPath, args: ['-e', script] },
  }).agent;
}

function connect(studio: FakeAgentStudio) {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  servePipe(studio.studio, pair.right);
  return { client: createPipeClient(pair.left), pair };
}

/** What a viewer drew: the snapshot, then each output chunk, through a real xterm parser. */
function viewerOf(client: ReturnType<typeof createPipeClient>, agentId: number) {
  const outputs: TerminalOutput[] = [];
  client.onDidOutput((o) => {
    if (o.agentId !== agentId || o.snapshot) return;
    outputs.push(o);
    client.ackOutput(o.agentId, o.data.length);
  });
  return outputs;
}

/** A PTY the test feeds by hand, so output can sit in the studio's batch while a viewer attaches. */
function handPty() {
  const listeners: Array<(d: string) => void> = [];
  const exits: Array<(e: { exitCode: number }) => void> = [];
  const pty: PtyProcess = {
    pid: 4242,
    write: () => {},
    resize: () => {},
    kill: () => queueMicrotask(() => exits.forEach((l) => l({ exitCode: 0 }))),
    pause: () => {},
    resume: () => {},
    onData: (l) => (listeners.push(l), { dispose: () => {} }),
    onExit: (l) => (exits.push(l), { dispose: () => {} }),
  };
  return { spawn: (() => pty) as SpawnPty, emit: (d: string) => listeners.forEach((l) => l(d)) };
}

describe('terminals over the pipe', () => {
  it('output already in the snapshot but not yet sent is not sent again', async () => {
    const clock = new FakeClock();
    const hand = handPty();
    const studio = createStudioWithParts({
      databaseFile: ':memory:',
      clock,
      terminals: { spawnPty: hand.spawn, hookCommand: 'true' },
    });
    try {
      const { agent } = studio.agents.add({
        name: 'hand',
        cwd: process.cwd(),
        profile: { kind: 'command', command: process.execPath, args: [] },
      });
      studio.sessions.start('hand');
      const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
      servePipe(studio, pair.right);
      const client = createPipeClient(pair.left);
      const outputs: TerminalOutput[] = [];
      client.onDidOutput((o) => !o.snapshot && outputs.push(o));
      hand.emit('one\r\n');
      // 'one' is parsed into the screen but still waits in the 16 ms batch.
      const snap = await client.attachTerminal('hand');
      expect(snap.data).toContain('one');
      hand.emit('two\r\n');
      clock.advance(20);
      await waitFor('live output', () => outputs.length > 0);
      expect(outputs.map((o) => o.data).join('')).toBe('two\r\n');
      expect(agent.id).toBe(snap.agentId);
    } finally {
      await studio.close();
    }
  });

  it('attaching mid-flood neither drops nor repeats a line', async () => {
    s = await startFakeAgentStudio();
    const total = 5000;
    const agent = addCounter(s, 'counter', total, 5);
    const { client } = connect(s);
    const outputs = viewerOf(client, agent.id);
    s.studio.sessions.start('counter');
    // Attach while the flood is under way.
    await waitFor(
      'some output',
      () => (s!.studio.sessions.get(agent.id)?.pty.mirror.writtenChars ?? 0) > 2000,
    );
    const snap = await client.attachTerminal('counter');
    expect(snap).toMatchObject({ agentId: agent.id, name: 'counter', running: true });
    const last = `line ${total - 1}\r\n`;
    await waitFor(
      'all lines',
      () =>
        outputs
          .map((o) => o.data)
          .join('')
          .includes(last),
      {
        timeoutMs: 20_000,
        describe: () => `${outputs.length} chunks, ending ${JSON.stringify(outputs.at(-1)?.data.slice(-40))}`,
      },
    );
    // Draw it as a tile would: the snapshot, then every chunk, in one terminal.
    const term = new Terminal({
      cols: snap.cols,
      rows: snap.rows,
      scrollback: total + 100,
      allowProposedApi: true,
    });
    try {
      for (const chunk of [snap.data, ...outputs.map((o) => o.data)])
        await new Promise<void>((r) => term.write(chunk, r));
      const lines: string[] = [];
      const buffer = term.buffer.active;
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)!.translateToString(true));
      const numbers = lines.filter((l) => l.startsWith('line ')).map((l) => Number(l.slice(5)));
      expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(outputs.length).toBeGreaterThan(1);
    } finally {
      term.dispose();
    }
  });

  it('passes keys and sizes through, and follows a restart with a reset', async () => {
    s = await startFakeAgentStudio();
    const fake = s.addFakeAgent('worker');
    await fake.start();
    const { client } = connect(s);
    const outputs = viewerOf(client, fake.id);
    await client.attachTerminal('worker');
    await client.resizeTerminal('worker', 100, 30);
    expect(s.studio.sessions.get(fake.id)!.pty.size).toEqual({ cols: 100, rows: 30 });
    await client.terminalInput('worker', 'hello');
    await waitFor('echo', () =>
      outputs
        .map((o) => o.data)
        .join('')
        .includes('hello'),
    );
    expect(fake.logs.typed()).toContain('hello');
    await client.restartAgent('worker');
    await waitFor('reset after restart', () => outputs.some((o) => o.reset));
    await fake.waitForState('idle');
  });

  it('refuses bad terminal calls with a clear error and changes nothing', async () => {
    s = await startFakeAgentStudio();
    const fake = s.addFakeAgent('worker');
    await fake.start();
    const { client } = connect(s);
    await expect(client.attachTerminal('ghost')).rejects.toMatchObject({ code: 'not_found' });
    await expect(client.resizeTerminal('worker', 0, 10)).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.resizeTerminal('worker', 1e9, 10)).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.terminalInput('worker', '')).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.terminalInput('worker', 'x'.repeat(300_000))).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(
      (client.attachTerminal as (...a: unknown[]) => Promise<unknown>)({ name: 'x' }),
    ).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(fake.logs.typed()).toBe('');
    expect(s.studio.sessions.get(fake.id)!.pty.size).toEqual({ cols: 120, rows: 36 });
  });

  it('a /ui client that never acknowledges does not slow an agent printing 20,000 lines', async () => {
    s = await startFakeAgentStudio();
    // 20,000 build-log lines, then how long writing them took from the agent's side.
    const script =
      "const t0 = Date.now(); const pad = 'x'.repeat(100);" +
      "for (let i = 0; i < 20000; i++) process.stdout.write('line ' + i + ' ' + pad + '\\n');" +
      "process.stdout.write('ELAPSED ' + (Date.now() - t0) + ' END\\n'); setInterval(() => {}, 1000);";
    s.studio.agents.add({
      name: 'printer',
      cwd: process.cwd(),
      profile: { kind: 'command', command: process.execPath, args: ['-e', script] },
    });
    const elapsed = async (): Promise<number> => {
      const m = await waitFor(
        'the printer to finish',
        () => /ELAPSED (\d+) END/.exec(s!.studio.sessions.screen('printer').replace(/\n/g, '')),
        { timeoutMs: 30_000 },
      );
      return Number(m[1]);
    };
    const { session } = await tabSession(s.http.urls.base, { token: s.uiToken });
    const ws = new WebSocket(uiSocketUrl(s.http.url, session));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    let received = 0;
    ws.on('message', (d: Buffer) => (received += d.length));
    const attached = async () => {
      ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'attachTerminal', params: ['printer'] }));
      await waitFor('attached', () => received > 0);
    };
    // Alternate rounds without and with the silent viewer; compare the medians (a shared machine is noisy).
    const alone: number[] = [];
    const watched: number[] = [];
    for (let round = 0; round < 3; round++) {
      await s.studio.sessions.restart('printer');
      alone.push(await elapsed());
      await s.studio.sessions.stop('printer');
      s.studio.sessions.start('printer');
      received = 0;
      await attached();
      watched.push(await elapsed());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    expect(
      median(watched),
      `alone ${alone.join(', ')} ms; with the silent viewer ${watched.join(', ')} ms`,
    ).toBeLessThan(2 * Math.max(median(alone), 50));
    ws.close();
  });

  it('a viewer that stops drawing gets no more output; when it draws again it gets a fresh snapshot', async () => {
    s = await startFakeAgentStudio();
    const agent = addCounter(s, 'flood', 200_000, 50);
    const { client } = connect(s);
    const outputs: TerminalOutput[] = [];
    client.onDidOutput((o) => o.agentId === agent.id && outputs.push(o));
    s.studio.sessions.start('flood');
    await client.attachTerminal('flood');
    // It draws, very slowly, and so holds the flooding agent back...
    const drawing = setInterval(() => client.ackOutput(agent.id, 1), 50);
    const pty = s.studio.sessions.get(agent.id)!.pty;
    await waitFor('the flood to be held for the viewer', () => pty.isPaused, { timeoutMs: 15_000 });
    // ...then stops, as a minimised window that said nothing would: after VIEWER_STALL_MS it lets go.
    clearInterval(drawing);
    await waitFor('the viewer to be dropped', () => !pty.isPaused, { timeoutMs: 15_000 });
    const sentBefore = outputs.length;
    const written = pty.mirror.writtenChars;
    await waitFor('the agent to run on', () => pty.mirror.writtenChars > written + 200_000, {
      timeoutMs: 15_000,
    });
    expect(outputs.length).toBe(sentBefore);
    // Drawing again: its first acknowledgement brings the screen as it is now.
    client.ackOutput(agent.id, 100);
    const resync = await waitFor('a fresh snapshot', () => outputs.slice(sentBefore).find((o) => o.snapshot));
    expect(resync.reset).toBe(true);
    expect(resync.data).toMatch(/line \d+/);
    await waitFor('live output after it', () => outputs.length > sentBefore + 1);
  });

  it('a hidden window gets no output and holds nothing back; shown, it gets the screen as it is now', async () => {
    s = await startFakeAgentStudio();
    const fake = s.addFakeAgent('worker');
    await fake.start();
    const { client } = connect(s);
    const outputs: TerminalOutput[] = [];
    client.onDidOutput((o) => o.agentId === fake.id && outputs.push(o));
    await client.attachTerminal('worker');
    client.setVisible(false);
    await client.terminalInput('worker', 'typed while hidden');
    await waitFor('the agent to echo it', () => fake.screen().includes('typed while hidden'));
    await new Promise((r) => setTimeout(r, 100));
    expect(
      outputs
        .filter((o) => !o.snapshot)
        .map((o) => o.data)
        .join(''),
    ).not.toContain('typed while hidden');
    const before = outputs.length;
    client.setVisible(true);
    const snap = await waitFor('the screen on showing', () => outputs.slice(before).find((o) => o.snapshot));
    expect(snap.reset).toBe(true);
    expect(snap.data).toContain('typed while hidden');
    await client.terminalInput('worker', ' and after');
    await waitFor('live again', () =>
      outputs.slice(before).some((o) => !o.snapshot && o.data.includes('and after')),
    );
  });
});
