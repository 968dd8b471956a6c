import { compactCount, duration, formatBytes } from '../../../../main/contract/delivery.js';
import type { ResourceReport } from '../../../../main/contract/model.js';
import { useResources } from '../../state/useResources.js';
import { Modal } from './Modal.js';
import {
  byTokens,
  crewSeries,
  linePath,
  tokenSeries,
  type Point,
  type Series,
} from './resources/resourcesChart.js';

/** The chart's drawing box (SVG units; it scales to the dialog's width). */
const W = 560;
const H = 120;
/** One colour per agent, the most tokens first; more agents than colours share them in turn. */
const COLOURS = ['#58a6ff', '#f0883e', '#3fb950', '#d2a8ff', '#ff7b72', '#e3b341', '#79c0ff', '#56d364'];

/**
 * What each agent costs: its memory and its tokens in the last hour now, and over the last hours
 * the crew's memory (awake and asleep) and each agent's tokens, so the person sees who burns what.
 */
export function ResourcesDialog({ onClose }: { onClose(): void }) {
  const { report, error } = useResources();
  return (
    <Modal title="Resources" onClose={onClose}>
      <div className="form resources" data-testid="resources">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {report && <CostTable report={report} />}
        {report && report.history.length > 1 ? (
          <Charts report={report} />
        ) : (
          <p className="form-hint">
            The charts fill in a point every {duration(report?.historyEveryMs ?? 60_000)}.
          </p>
        )}
      </div>
    </Modal>
  );
}

function CostTable({ report }: { report: ResourceReport }) {
  const total = report.now.reduce((n, c) => n + (c.memoryBytes ?? 0), 0);
  return (
    <table className="cost-table" data-testid="cost-table">
      <thead>
        <tr>
          <th>Agent</th>
          <th>Memory</th>
          <th>Tokens, last hour</th>
        </tr>
      </thead>
      <tbody>
        {report.now.map((c) => (
          <tr key={c.name} data-testid={`cost-${c.name}`}>
            <td>
              {c.name}
              {c.asleep && <span className="badge state-asleep">asleep</span>}
            </td>
            <td>{c.memoryBytes === null ? '—' : formatBytes(c.memoryBytes)}</td>
            <td>{compactCount(c.tokensLastHour)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td>The crew</td>
          <td data-testid="cost-total">{formatBytes(total)}</td>
          <td>{compactCount(report.now.reduce((n, c) => n + c.tokensLastHour, 0))}</td>
        </tr>
      </tfoot>
    </table>
  );
}

function Charts({ report }: { report: ResourceReport }) {
  const from = report.history[0]!.at;
  const to = report.history.at(-1)!.at;
  const crew = crewSeries(report.history);
  const tokens = byTokens(tokenSeries(report.history));
  const memMax = Math.max(...crew.memory.map((p) => p.value), 1);
  const countMax = Math.max(...crew.awake.map((p, i) => p.value + crew.asleep[i]!.value), 1);
  const tokMax = Math.max(...tokens.flatMap((s) => s.points.map((p) => p.value)), 1);
  const span = duration(to - from);
  return (
    <>
      <h3>
        The crew's memory (last {span}; up to {formatBytes(memMax)})
      </h3>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="chart"
        role="img"
        aria-label="The crew's memory over time"
        data-testid="memory-chart"
      >
        <Line points={crew.memory} from={from} to={to} max={memMax} colour="#58a6ff" />
        <Line points={crew.awake} from={from} to={to} max={countMax} colour="#3fb950" dashed />
        <Line points={crew.asleep} from={from} to={to} max={countMax} colour="#8b949e" dashed />
      </svg>
      <p className="form-hint">
        <span style={{ color: '#58a6ff' }}>━</span> memory · <span style={{ color: '#3fb950' }}>┅</span>{' '}
        agents awake · <span style={{ color: '#8b949e' }}>┅</span> asleep (of {countMax})
      </p>
      <h3>
        Tokens per agent, a point every {duration(report.historyEveryMs)} (up to {compactCount(tokMax)})
      </h3>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="chart"
        role="img"
        aria-label="Tokens per agent over time"
        data-testid="tokens-chart"
      >
        {tokens.map((s, i) => (
          <Line
            key={s.name}
            points={s.points}
            from={from}
            to={to}
            max={tokMax}
            colour={COLOURS[i % COLOURS.length]!}
          />
        ))}
      </svg>
      <Legend series={tokens} />
    </>
  );
}

function Line(props: {
  points: Point[];
  from: number;
  to: number;
  max: number;
  colour: string;
  dashed?: boolean;
}) {
  return (
    <path
      d={linePath(props.points, props.from, props.to, props.max, W, H)}
      fill="none"
      stroke={props.colour}
      strokeWidth={2}
      strokeDasharray={props.dashed ? '4 3' : undefined}
    />
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <p className="form-hint" data-testid="tokens-legend">
      {series.map((s, i) => (
        <span key={s.name} className="legend-item">
          <span style={{ color: COLOURS[i % COLOURS.length] }}>━</span> {s.name}{' '}
        </span>
      ))}
    </p>
  );
}
