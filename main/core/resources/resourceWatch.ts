import type { Agent, AgentCost, ResourceReport, ResourceSample } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { readProcessTable, treeMemory, type ProcessRow } from './processMemory.js';

/** How often each agent's memory is read: fresh enough for a tile, one `ps` for the whole crew. */
export const SAMPLE_EVERY_MS = 15_000;
/** The chart's resolution, and how far back it goes: a minute a point, six hours. */
export const HISTORY_EVERY_MS = 60_000;
export const HISTORY_POINTS = 360;

export interface ResourceTiming {
  sampleEveryMs: number;
  historyEveryMs: number;
}

/**
 * What each agent costs: the resident memory of its process tree where it runs (read every
 * SAMPLE_EVERY_MS with one `ps` here and one on each other machine that runs agents), and its
 * tokens in the last hour (from its transcript, see AgentUsage); and, a point a minute for the
 * last six hours, both for the whole crew, awake and asleep, for the resources view. Kept in
 * memory: a restart starts the chart afresh.
 */
export class ResourceWatch {
  private memory = new Map<number, number>();
  private readonly history: ResourceSample[] = [];
  private lastPoint = -Infinity;
  private timer: { cancel(): void } | undefined;
  private reading = false;

  constructor(
    private readonly deps: {
      agents: Pick<AgentRegistry, 'list'>;
      /** The pid of the agent's running terminal here, or undefined (none, or it runs over SSH). */
      pidOf(agentId: number): number | undefined;
      /**
       * Agents running on other machines, their memory read there (one command per host): absent
       * in a studio without SSH. An agent left out of the answer reads unknown.
       */
      remote?: {
        running(agentId: number): boolean;
        read(agents: readonly Agent[]): Promise<Map<number, number>>;
      };
      readTable?: () => Promise<ProcessRow[] | undefined>;
      /** How often it reads and charts (default SAMPLE_EVERY_MS, HISTORY_EVERY_MS). */
      timing?: ResourceTiming;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  private get sampleEveryMs(): number {
    return this.deps.timing?.sampleEveryMs ?? SAMPLE_EVERY_MS;
  }

  private get historyEveryMs(): number {
    return this.deps.timing?.historyEveryMs ?? HISTORY_EVERY_MS;
  }

  /** Starts sampling (a studio that runs terminals; a command's studio reads nothing). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.sample().finally(() => {
        if (this.timer) this.timer = this.deps.clock.setTimeout(tick, this.sampleEveryMs);
      });
    };
    this.timer = this.deps.clock.setTimeout(tick, 0);
  }

  /** Reads every agent's memory now, and adds a point to the chart when one is due. */
  async sample(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const agents = this.deps.agents.list().filter((a) => a.kind === 'agent');
      const pids = new Map(
        agents.flatMap((a) => {
          const pid = this.deps.pidOf(a.id);
          return pid ? [[a.id, pid] as const] : [];
        }),
      );
      const remote = this.deps.remote;
      const there = remote ? agents.filter((a) => a.ssh && remote.running(a.id)) : [];
      const [table, remoteSizes] = await Promise.all([
        pids.size ? (this.deps.readTable ?? readProcessTable)() : [],
        there.length ? remote!.read(there) : new Map<number, number>(),
      ]);
      if (!table) return;
      const sizes = treeMemory(table, [...pids.values()]);
      this.memory = new Map([
        ...[...pids].map(([id, pid]) => [id, sizes.get(pid) ?? 0] as const),
        ...remoteSizes,
      ]);
      const now = this.deps.clock.now();
      if (now - this.lastPoint >= this.historyEveryMs) {
        this.lastPoint = now;
        this.history.push({
          at: now,
          agents: this.costs().map(({ name, memoryBytes, tokens, asleep }) => ({
            name,
            memoryBytes: memoryBytes ?? 0,
            tokens,
            asleep,
          })),
        });
        if (this.history.length > HISTORY_POINTS) this.history.shift();
      }
    } catch (err) {
      this.deps.logger.debug('memory sample failed', { err: String(err) });
    } finally {
      this.reading = false;
    }
  }

  /** One agent's memory as last read; undefined where the studio reads none for it. */
  memoryOf(agentId: number): number | undefined {
    return this.memory.get(agentId);
  }

  /** Each agent's cost now: memory null where the studio could not read it (not running, a host away). */
  costs(): AgentCost[] {
    return this.deps.agents
      .list()
      .filter((a) => a.kind === 'agent')
      .map((a) => ({
        name: a.name,
        asleep: !!a.sleep.asleepSince,
        memoryBytes: this.memory.get(a.id) ?? (a.sleep.asleepSince ? 0 : null),
        tokensLastHour: a.usage?.tokensLastHour ?? 0,
        tokens: a.usage?.tokens ?? 0,
      }));
  }

  report(): ResourceReport {
    return {
      now: this.costs(),
      history: [...this.history],
      sampleEveryMs: this.sampleEveryMs,
      historyEveryMs: this.historyEveryMs,
    };
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
