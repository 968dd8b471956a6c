// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../main/contract/model.js';
import { makeAgent } from '../../support/modelFixtures.js';
import { tileIndex } from '../../../main/electron/menu.js';

let nextId = 1;
function agent(over: Partial<Agent>): Agent {
  return makeAgent({ id: nextId++, cwd: '/', ...over });
}

describe('the desktop shell', () => {
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
