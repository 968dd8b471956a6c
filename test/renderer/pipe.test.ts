import { describe, expect, it } from 'vitest';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../main/contract/pipe.js';
import type { TerminalOutput } from '../../main/contract/service.js';
import { takeToken } from '../../renderer/src/pipe/connect.js';
import { memoryPipePair } from '../support/memoryPipe.js';

/** The window's end of a pipe whose studio end the test plays by hand. */
function scripted() {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  const sent: PipeToStudio[] = [];
  pair.right.onMessage((m) => sent.push(m));
  const client = createPipeClient(pair.left);
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { client, sent, studio: pair.right, close: pair.close, tick };
}

/** This tab's storage, its history and a location, as the browser gives them to takeToken. */
function pageStubs() {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  } as Storage;
  const replaced: string[] = [];
  const history = {
    replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url),
  } as History;
  const at = (href: string) => ({ href }) as Location;
  return { store, storage, replaced, history, at };
}

describe('the renderer side of the pipe', () => {
  it('hands a tile its snapshot in wire order: after the old output, before the live output', async () => {
    const { client, sent, studio, tick } = scripted();
    const seen: TerminalOutput[] = [];
    client.onDidOutput((o) => seen.push(o));
    const attached = client.attachTerminal('ann');
    await tick();
    const call = sent[0] as Extract<PipeToStudio, { kind: 'call' }>;
    expect(call).toMatchObject({ kind: 'call', method: 'attachTerminal', params: ['ann'] });
    studio.send({ kind: 'output', agentId: 2, data: 'old' });
    studio.send({
      kind: 'result',
      id: call.id,
      result: { agentId: 2, name: 'ann', data: 'SCREEN', cols: 80, rows: 24, running: true },
    });
    studio.send({ kind: 'output', agentId: 2, data: 'live' });
    await attached;
    await tick();
    expect(seen).toEqual([
      { agentId: 2, data: 'old' },
      { agentId: 2, data: 'SCREEN', reset: true, snapshot: { cols: 80, rows: 24 } },
      { agentId: 2, data: 'live' },
    ]);
  });

  it('acknowledges drawn output without waiting for an answer, and never for nothing', async () => {
    const { client, sent, tick } = scripted();
    client.ackOutput(2, 0);
    client.ackOutput(2, 1500);
    await tick();
    expect(sent).toEqual([{ kind: 'ack', agentId: 2, chars: 1500 }]);
  });

  it('delivers shell commands and fails pending calls when the pipe closes', async () => {
    const { client, studio, close, tick } = scripted();
    const commands: unknown[] = [];
    client.onDidCommand((c) => commands.push(c));
    studio.send({ kind: 'command', command: { type: 'newTask' } });
    await tick();
    expect(commands).toEqual([{ type: 'newTask' }]);
    const pending = client.listAgents();
    close();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('takes the UI token out of the address bar and keeps it for reloads of this tab', async () => {
    const { store, storage, replaced, history, at } = pageStubs();
    expect(await takeToken(at('http://127.0.0.1:47100/?token=ccsu_abc&x=1#t'), storage, history)).toBe(
      'ccsu_abc',
    );
    expect(replaced).toEqual(['/?x=1#t']);
    expect(await takeToken(at('http://127.0.0.1:47100/'), storage, history)).toBe('ccsu_abc');
    store.clear();
    expect(await takeToken(at('http://127.0.0.1:47100/'), storage, history)).toBeNull();
  });

  it('trades a one-time code for the token, and takes the code out of the address bar', async () => {
    const { store, storage, replaced, history, at } = pageStubs();
    const traded: string[] = [];
    const exchange = async (code: string) => {
      traded.push(code);
      return code === 'ccsc_good' ? 'ccsu_xyz' : null;
    };
    expect(await takeToken(at('http://127.0.0.1:47100/?code=ccsc_good'), storage, history, exchange)).toBe(
      'ccsu_xyz',
    );
    expect(replaced).toEqual(['/']);
    expect(store.get('ccstudio.uiToken')).toBe('ccsu_xyz');
    store.clear();
    expect(
      await takeToken(at('http://127.0.0.1:47100/?code=ccsc_used'), storage, history, exchange),
    ).toBeNull();
    expect(traded).toEqual(['ccsc_good', 'ccsc_used']);
  });
});
