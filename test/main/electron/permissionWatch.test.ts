// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/contract/events.js';
import type { Agent } from '../../../main/contract/model.js';
import { makeAgent } from '../../support/modelFixtures.js';
import { tileIndex } from '../../../main/electron/menu.js';
import { createPermissionWatch, permissionNotice } from '../../../main/electron/permissionWatch.js';

let nextId = 1;
function agent(over: Partial<Agent>): Agent {
  return makeAgent({ id: nextId++, cwd: '/', ...over });
}
const updated = (a: Agent): StudioEvent => ({ type: 'agent.updated', agent: a });

describe('permission notifications', () => {
  it('fires once when an agent starts waiting for permission, not again while it waits', () => {
    const a = agent({ name: 'agent-1', state: 'busy' });
    const watch = createPermissionWatch([a]);
    expect(watch.observe(updated({ ...a, state: 'waiting_permission' }))).toMatchObject({ name: 'agent-1' });
    expect(watch.observe(updated({ ...a, state: 'waiting_permission', summary: 'still' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'busy' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'waiting_permission' }))).toMatchObject({ name: 'agent-1' });
  });

  it('does not fire for an agent already waiting when the app started', () => {
    const a = agent({ state: 'waiting_permission' });
    expect(createPermissionWatch([a]).observe(updated(a))).toBeUndefined();
  });

  it('fires for an agent it had not seen, and again after one with the same id is removed and re-added', () => {
    const a = agent({ state: 'waiting_permission' });
    const watch = createPermissionWatch([]);
    expect(watch.observe(updated(a))).toBeDefined();
    watch.observe({ type: 'agent.removed', agentId: a.id, name: a.name });
    expect(watch.observe(updated(a))).toBeDefined();
  });

  it('ignores other waits, other events and the person', () => {
    const a = agent({ state: 'busy' });
    const watch = createPermissionWatch([a]);
    expect(watch.observe(updated({ ...a, state: 'waiting_select' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'waiting_text' }))).toBeUndefined();
    const person = agent({ kind: 'person', state: 'idle' });
    expect(watch.observe(updated({ ...person, state: 'waiting_permission' }))).toBeUndefined();
    expect(
      watch.observe({ type: 'delivery.changed', agentId: a.id, messageIds: [1], state: 'read', at: 1 }),
    ).toBeUndefined();
  });

  it('says who is waiting and where', () => {
    expect(permissionNotice({ name: 'agent-2' })).toEqual({
      title: 'agent-2 is waiting for you',
      body: 'A permission prompt is open in its terminal.',
    });
  });

  it("finds the agent's tile in the renderer's order: local agents, commander first, then by id", () => {
    const person = agent({ name: 'you', kind: 'person' });
    const a1 = agent({ name: 'agent-1' });
    const remote = agent({ name: 'far', remote: true });
    const a2 = agent({ name: 'agent-2' });
    const commander = agent({ name: 'commander', commander: true });
    const all = [person, a1, remote, a2, commander];
    expect(tileIndex(all, commander.id)).toBe(0);
    expect(tileIndex(all, a1.id)).toBe(1);
    expect(tileIndex(all, a2.id)).toBe(2);
    expect(tileIndex(all, remote.id)).toBe(-1);
    expect(tileIndex(all, person.id)).toBe(-1);
    expect(tileIndex(all, 9999)).toBe(-1);
  });
});
