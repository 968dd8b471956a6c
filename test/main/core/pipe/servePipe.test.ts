import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../../main/contract/pipe.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { servePipe } from '../../../../main/core/pipe/servePipe.js';
import { memoryPipePair } from '../../../support/memoryPipe.js';

let studio: StudioWithParts;
beforeEach(() => {
  studio = createStudioWithParts({ databaseFile: ':memory:' });
});
afterEach(() => studio.close());

function connect() {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  const served = servePipe(studio, pair.right);
  const client = createPipeClient(pair.left);
  return { client, served, pair };
}

describe('StudioService over a pipe', () => {
  it('answers calls and streams events, the same as in process', async () => {
    const { client } = connect();
    const events: StudioEvent[] = [];
    client.onDidEvent((e) => events.push(e));
    const { agent } = await client.addAgent({ name: 'alice', remote: true });
    expect(agent.name).toBe('alice');
    const task = await client.createTask({ title: 'Ship', assignee: 'alice' });
    expect(task.status).toBe('assigned');
    expect((await client.listTasks({})).map((t) => t.id)).toEqual([task.id]);
    await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.type)).toEqual(['agent.added', 'task.created', 'message.sent']);
  });

  it('turns core errors and bad arguments into StudioErrors with their code', async () => {
    const { client } = connect();
    await expect(client.sendMessage({ to: 'ghost', body: 'hi' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(client.listTasks({ limit: 'many' } as never)).rejects.toMatchObject({
      code: 'invalid',
      message: /limit/,
    });
    await expect(client.getTask(-1)).rejects.toMatchObject({ code: 'invalid' });
    // A merge's preview takes exactly what a merge takes, checked the same way.
    await expect(client.previewMerge({ agent: 'alice', reviewed: 'HEAD' })).rejects.toMatchObject({
      code: 'invalid',
      message: /reviewed/,
    });
    await expect(client.previewMerge({ agent: 'alice', forcefully: true } as never)).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('ignores garbage on the wire and refuses methods outside the contract', async () => {
    const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
    servePipe(studio, pair.right);
    const answers: PipeFromStudio[] = [];
    pair.left.onMessage((m) => answers.push(m));
    pair.left.send(null as never);
    pair.left.send({ kind: 'call', id: 1, method: 'constructor', params: [] } as never);
    pair.left.send({ kind: 'call', id: 2, method: 'status', params: 'x' } as never);
    await new Promise((r) => setTimeout(r, 20));
    expect(answers).toEqual([
      { kind: 'error', id: 1, error: { code: 'not_found', message: 'Unknown method "constructor".' } },
      { kind: 'error', id: 2, error: { code: 'invalid', message: 'params must be an array.' } },
    ]);
  });

  it('fails pending calls when the pipe closes, and stops forwarding events', async () => {
    const baseline = studio.events.size;
    const { client, pair } = connect();
    expect(studio.events.size).toBe(baseline + 1);
    const pendingCall = client.status();
    pair.close();
    await expect(pendingCall).rejects.toMatchObject({ code: 'unavailable' });
    expect(studio.events.size).toBe(baseline);
  });
});
