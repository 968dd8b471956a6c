// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/contract/events.js';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../main/contract/pipe.js';
import { servePipe } from '../../../main/core/pipe/servePipe.js';
import { createStudioWithParts } from '../../support/studioParts.js';
import { createWindowPipe } from '../../../main/electron/windowPipe.js';

describe('window pipe', () => {
  /** A window pipe served by a real studio, with a client on the "renderer" side of a fake IPC channel. */
  function wire() {
    const studio = createStudioWithParts({ databaseFile: ':memory:' });
    const toRenderer = new Set<(m: PipeFromStudio) => void>();
    const sent: PipeFromStudio[] = [];
    const win = createWindowPipe((m) => {
      sent.push(m);
      const copy = JSON.parse(JSON.stringify(m)) as PipeFromStudio;
      queueMicrotask(() => toRenderer.forEach((l) => l(copy)));
    });
    servePipe(studio, win.endpoint);
    const client = createPipeClient({
      send: (m: PipeToStudio) => queueMicrotask(() => win.deliver(JSON.parse(JSON.stringify(m)))),
      onMessage: (l) => (toRenderer.add(l), { dispose: () => void toRenderer.delete(l) }),
      onClose: () => ({ dispose() {} }),
    });
    return { studio, win, client, sent };
  }

  it('carries StudioService calls, events and shell commands', async () => {
    const { studio, win, client } = wire();
    try {
      const events: StudioEvent[] = [];
      client.onDidEvent((e) => events.push(e));
      const commands: unknown[] = [];
      client.onDidCommand((c) => commands.push(c));
      expect(win.used).toBe(false);
      await client.addAgent({ name: 'agent-1' });
      expect(win.used).toBe(true);
      expect((await client.listAgents()).map((a) => a.name)).toContain('agent-1');
      expect(events.some((e) => e.type === 'agent.added')).toBe(true);
      win.endpoint.send({ kind: 'command', command: { type: 'focusTile', index: 2 } });
      await new Promise((r) => setTimeout(r, 0));
      expect(commands).toEqual([{ type: 'focusTile', index: 2 }]);
    } finally {
      client.dispose();
      await studio.close();
    }
  });

  it('once closed (the page reloaded), sends nothing more: no events, no late answers, no input handled', async () => {
    const { studio, win, client, sent } = wire();
    try {
      await client.listAgents();
      const late = client.listAgents().catch(() => 'failed');
      win.close();
      const before = sent.length;
      studio.agents.add({ name: 'agent-9' });
      win.deliver({ kind: 'call', id: 99, method: 'listAgents', params: [] });
      await new Promise((r) => setTimeout(r, 20));
      expect(sent.length).toBe(before);
      client.dispose();
      expect(await late).toBe('failed');
      win.close(); // twice is harmless
    } finally {
      await studio.close();
    }
  });

  it('ignores junk on the channel', async () => {
    const { studio, win, sent } = wire();
    try {
      for (const junk of [null, 42, 'call', { kind: 'call' }, { kind: 'call', id: 'x', method: 'status' }])
        win.deliver(junk);
      win.deliver({ kind: 'call', id: 1, method: 'nope', params: [] });
      await new Promise((r) => setTimeout(r, 20));
      expect(sent).toEqual([{ kind: 'error', id: 1, error: expect.objectContaining({ code: 'not_found' }) }]);
    } finally {
      await studio.close();
    }
  });
});
