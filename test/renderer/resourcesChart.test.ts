import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../../main/contract/model.js';
import {
  byTokens,
  crewSeries,
  linePath,
  tokenSeries,
} from '../../renderer/src/components/dialogs/resources/resourcesChart.js';

const MB = 2 ** 20;
const sample = (at: number, agents: Array<[string, number, number, boolean?]>): ResourceSample => ({
  at,
  agents: agents.map(([name, memory, tokens, asleep]) => ({
    name,
    memoryBytes: memory * MB,
    tokens,
    asleep: !!asleep,
  })),
});

describe("the resources view's lines", () => {
  const history = [
    sample(0, [
      ['ann', 200, 100],
      ['bob', 250, 0],
    ]),
    sample(60_000, [
      ['ann', 210, 900],
      ['bob', 0, 50, true],
    ]),
    // bob removed and added again: its total starts over.
    sample(120_000, [
      ['ann', 220, 1000],
      ['bob', 240, 10],
    ]),
  ];

  it("gives each agent's tokens per point (a total that fell starts over) and the crew's memory, awake and asleep", () => {
    expect(tokenSeries(history)).toEqual([
      {
        name: 'ann',
        points: [
          { at: 60_000, value: 800 },
          { at: 120_000, value: 100 },
        ],
      },
      {
        name: 'bob',
        points: [
          { at: 60_000, value: 50 },
          { at: 120_000, value: 10 },
        ],
      },
    ]);
    expect(crewSeries(history)).toEqual({
      memory: [
        { at: 0, value: 450 * MB },
        { at: 60_000, value: 210 * MB },
        { at: 120_000, value: 460 * MB },
      ],
      awake: [
        { at: 0, value: 2 },
        { at: 60_000, value: 1 },
        { at: 120_000, value: 2 },
      ],
      asleep: [
        { at: 0, value: 0 },
        { at: 60_000, value: 1 },
        { at: 120_000, value: 0 },
      ],
    });
    expect(byTokens(tokenSeries(history)).map((s) => s.name)).toEqual(['ann', 'bob']);
  });

  it('draws time across and value up, the top at max', () => {
    expect(
      linePath(
        [
          { at: 0, value: 0 },
          { at: 50, value: 10 },
          { at: 100, value: 5 },
        ],
        0,
        100,
        10,
        200,
        100,
      ),
    ).toBe('M0.0 100.0 L100.0 0.0 L200.0 50.0');
    expect(linePath([{ at: 0, value: 3 }], 0, 0, 0, 200, 100)).toBe('M0.0 100.0');
  });
});
