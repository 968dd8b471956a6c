// The resources view's numbers, as lines to draw: pure, tested in test/renderer/resourcesChart.test.ts.
import type { ResourceSample } from '../../../../../main/contract/model.js';

export interface Point {
  at: number;
  value: number;
}

export interface Series {
  name: string;
  points: Point[];
}

/**
 * Tokens each agent spent between one point and the next (its running total's rise; a total that
 * fell, as after a removal and a new agent of that name, counts from zero).
 */
export function tokenSeries(history: readonly ResourceSample[]): Series[] {
  const names = [...new Set(history.flatMap((s) => s.agents.map((a) => a.name)))].sort();
  return names.map((name) => {
    let last: number | undefined;
    const points: Point[] = [];
    for (const s of history) {
      const total = s.agents.find((a) => a.name === name)?.tokens;
      if (total === undefined) continue;
      if (last !== undefined)
        points.push({ at: s.at, value: Math.max(0, total - (total < last ? 0 : last)) });
      last = total;
    }
    return { name, points };
  });
}

/** The crew's memory at each point (every agent awake), and how many were awake and asleep. */
export function crewSeries(history: readonly ResourceSample[]): {
  memory: Point[];
  awake: Point[];
  asleep: Point[];
} {
  return {
    memory: history.map((s) => ({ at: s.at, value: s.agents.reduce((sum, a) => sum + a.memoryBytes, 0) })),
    awake: history.map((s) => ({ at: s.at, value: s.agents.filter((a) => !a.asleep).length })),
    asleep: history.map((s) => ({ at: s.at, value: s.agents.filter((a) => a.asleep).length })),
  };
}

/** An SVG path through the points, time across `width`, 0..max up `height` (max 0: a flat line). */
export function linePath(
  points: readonly Point[],
  from: number,
  to: number,
  max: number,
  width: number,
  height: number,
): string {
  const span = Math.max(1, to - from);
  return points
    .map((p, i) => {
      const x = ((p.at - from) / span) * width;
      const y = height - (max > 0 ? (p.value / max) * height : 0);
      return `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(' ');
}

/** Who burns the most first: each agent's tokens over the whole chart. */
export function byTokens(series: readonly Series[]): Series[] {
  const sum = (s: Series) => s.points.reduce((n, p) => n + p.value, 0);
  return [...series].sort((a, b) => sum(b) - sum(a) || a.name.localeCompare(b.name));
}
