// Every list answer at 10,000 tasks and 10,000 messages reads through an index: each statement the
// tools (studio_status, list_tasks, my_tasks, get_history, check_inbox) and the person's lists
// (status, the board and the feed the UI loads at start, history) run is recorded as it runs, and
// its query plan (EXPLAIN QUERY PLAN, same arguments) must not scan a big table, bar the few walks
// listed below that read a table or index in the page's own order and stop at the page's end.
// Plans, not timings: the bench (BENCH_ONLY=lists) times them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../main/contract/model.js';
import { createStudioWithParts, type StudioWithParts } from '../../support/studioParts.js';
import { TOOLS } from '../../../server/mcp/tools/index.js';
import { FakeClock } from '../../support/fakeClock.js';

const ROWS = 10_000;
const AGENTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

/**
 * Walks allowed (a SCAN, or a range of rowids): the statement, and the one plan line it may have.
 * Each reads rows in the answer's own order, filtered only by the index's own condition, and stops
 * at its LIMIT.
 */
const ORDERED_WALKS: Array<{ sql: RegExp; line: RegExp; why: string }> = [
  {
    sql: /^SELECT m\.\* FROM messages m\s+ORDER BY m\.id DESC LIMIT @limit$/,
    line: /^SCAN m$/,
    why: 'the feed and the activity lines: the newest messages, from the end of the table',
  },
  {
    sql: /^SELECT m\.\* FROM messages m WHERE m\.id < @before ORDER BY m\.id DESC LIMIT @limit$/,
    line: /^SEARCH m USING INTEGER PRIMARY KEY \(rowid<\?\)$/,
    why: 'the page of the feed before a message: the messages before it, from there back',
  },
  {
    sql: /^SELECT \* FROM task_events ORDER BY id DESC LIMIT \?$/,
    line: /^SCAN task_events$/,
    why: 'the newest task events, from the end of the table',
  },
  {
    sql: /FROM tasks t (WHERE t\.status <> 'done' )?ORDER BY t\.updated_at DESC, t\.id DESC LIMIT @limit$/,
    line: /^SCAN t USING INDEX tasks_(open|updated)$/,
    why: 'the first page of open (or all) tasks, in the order of an index holding just those',
  },
  {
    sql: /INDEXED BY deliveries_woken .*ORDER BY d\.woken_at DESC LIMIT \?$/s,
    line: /^SCAN d USING INDEX deliveries_woken$/,
    why: 'the latest announced deliveries, newest first',
  },
  {
    sql: /INDEXED BY deliveries_unread WHERE state <> 'read' GROUP BY agent_id$/,
    line: /^SCAN deliveries USING (COVERING )?INDEX deliveries_unread$/,
    why: 'unread mail only, which the unread quotas bound',
  },
];

interface Ran {
  sql: string;
  args: unknown[];
}

/** Records the source and arguments of every statement read while `fn` runs. */
async function recording(studio: StudioWithParts, fn: () => Promise<unknown>): Promise<Ran[]> {
  const ran: Ran[] = [];
  const proto = Object.getPrototypeOf(studio.db.prepare('SELECT 1')) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const originals = (['all', 'get', 'iterate'] as const).map((m) => [m, proto[m]!] as const);
  for (const [m, original] of originals)
    proto[m] = function (this: { source: string; reader: boolean }, ...args: unknown[]) {
      if (this.reader) ran.push({ sql: this.source.replace(/\s+/g, ' ').trim(), args });
      return original.apply(this, args);
    };
  try {
    await fn();
  } finally {
    for (const [m, original] of originals) proto[m] = original;
  }
  return ran;
}

/** The plan lines of a statement that read a big table other than in an allowed walk. */
function badLines(studio: StudioWithParts, { sql, args }: Ran): string[] {
  const plan = (studio.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
  return plan.filter((line) => {
    // Sorting is fine only for rows picked by a list of ids the caller holds (a page at most).
    if (/^USE TEMP B-TREE/.test(line)) return !/IN \(SELECT value FROM json_each\(\?\)\)/.test(sql);
    // A range of rowids walks the table from one end as surely as a SCAN does.
    const walks = /^SCAN /.test(line) || /USING INTEGER PRIMARY KEY \(rowid[<>]/.test(line);
    if (!walks || /^SCAN (\(subquery-\d+\)|CONSTANT ROW|json_each)/.test(line)) return false;
    return !ORDERED_WALKS.some((w) => w.sql.test(sql) && w.line.test(line));
  });
}

let studio: StudioWithParts;
let agents: Agent[];
beforeAll(() => {
  studio = createStudioWithParts({ databaseFile: ':memory:', clock: new FakeClock() });
  agents = AGENTS.map((name) => studio.agents.add({ name }).agent);
  const ids = agents.map((a) => a.id);
  const person = studio.agents.person.id;
  const db = studio.db;
  // Seeded in SQL (the rows' shapes as the bus and board write them; sizes, which only the hourly
  // budgets read, left out): 10,000 tasks over every status, priority, assignee and dispatcher,
  // each with its history line; 10,000 messages, direct, topic and broadcast, with their
  // deliveries, mostly read.
  db.transaction(() => {
    const task = db.prepare(
      `INSERT INTO tasks (title, body, priority, status, assignee_id, dispatcher_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const event = db.prepare(
      `INSERT INTO task_events (task_id, actor_id, kind, to_status, note, created_at) VALUES (?, ?, 'created', ?, '', ?)`,
    );
    const statuses = ['backlog', 'assigned', 'in_progress', 'review', 'done', 'done', 'done', 'blocked'];
    const priorities = ['low', 'normal', 'normal', 'high', 'urgent'];
    for (let i = 0; i < ROWS; i++) {
      const status = statuses[i % statuses.length]!;
      const assignee = status === 'backlog' ? null : ids[i % ids.length]!;
      const id = Number(
        task.run(
          `task ${i}`,
          'b'.repeat(500),
          priorities[i % 5],
          status,
          assignee,
          ids[(i + 3) % ids.length],
          i,
          i,
        ).lastInsertRowid,
      );
      event.run(id, ids[(i + 3) % ids.length], status, i);
    }
    const message = db.prepare(
      `INSERT INTO messages (sender_id, scope, type, topic, body, created_at, recipient_id) VALUES (?, ?, 'text', ?, ?, ?, ?)`,
    );
    const delivery = db.prepare(
      `INSERT INTO deliveries (agent_id, message_id, state, bytes) VALUES (?, ?, ?, ?)`,
    );
    for (let i = 0; i < ROWS; i++) {
      const from = ids[i % ids.length]!;
      const body = `message ${i} `.padEnd(300, 'm');
      const read = i < ROWS - 100 ? 'read' : 'queued';
      if (i % 10 === 0) {
        const id = Number(message.run(from, 'broadcast', null, body, i, null).lastInsertRowid);
        for (const to of [...ids, person]) if (to !== from) delivery.run(to, id, 'read', 0);
      } else if (i % 10 === 1) {
        const id = Number(message.run(from, 'topic', 'builds', body, i, null).lastInsertRowid);
        delivery.run(ids[(i + 1) % ids.length]!, id, read, body.length);
      } else {
        // Most mail is between the first few agents; erin hardly ever hears from anyone.
        const to = ids[(i + 1) % 4]!;
        if (to === from) continue;
        const id = Number(message.run(from, 'direct', null, body, i, to).lastInsertRowid);
        delivery.run(to, id, read, body.length);
      }
    }
  })();
});
afterAll(() => studio.close());

const tool = (name: string) => TOOLS.find((t) => t.name === name)!;
const callTool = async (as: string, name: string, args: Record<string, unknown> = {}) =>
  tool(name).run({ caller: studio.agents.require(as), side: studio.agentSide }, args as never);

describe(`lists at ${ROWS.toLocaleString('en')} tasks and messages`, () => {
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['studio_status', () => callTool('alice', 'studio_status')],
    ['list_tasks', () => callTool('alice', 'list_tasks')],
    [
      'list_tasks, next page',
      async () => {
        const first = (await callTool('alice', 'list_tasks')) as { next: string };
        return callTool('alice', 'list_tasks', { after: first.next });
      },
    ],
    ['list_tasks by status', () => callTool('alice', 'list_tasks', { status: 'review' })],
    ['list_tasks by assignee', () => callTool('alice', 'list_tasks', { assignee: 'bob' })],
    [
      'list_tasks by assignee and status',
      () => callTool('alice', 'list_tasks', { assignee: 'bob', status: 'done' }),
    ],
    ['my_tasks', () => callTool('alice', 'my_tasks', { include_done: true })],
    ['my_tasks, open', () => callTool('erin', 'my_tasks')],
    ['get_history', () => callTool('erin', 'get_history')],
    ['get_history with', () => callTool('erin', 'get_history', { with: 'alice' })],
    ['get_history before_id', () => callTool('alice', 'get_history', { before_id: 5000 })],
    ['get_history topic', () => callTool('erin', 'get_history', { topic: 'builds' })],
    ['check_inbox, peek', () => callTool('bob', 'check_inbox', { peek: true })],
    ['status (UI, CLI)', () => studio.service.status()],
    ['board (UI at start)', () => studio.service.listTasks({ limit: 500 })],
    ['board by status (CLI)', () => studio.service.listTasks({ status: 'blocked' })],
    ['feed (UI at start)', () => studio.service.feedHistory({ limit: 200 })],
    ['history with an agent (UI, CLI)', () => studio.service.history({ with: 'erin' })],
  ];

  it.each(cases)('%s reads through indexes', async (_name, run) => {
    const ran = await recording(studio, run);
    expect(ran.length).toBeGreaterThan(0);
    const bad = ran.flatMap((r) => badLines(studio, r).map((line) => `${line}  <-  ${r.sql}`));
    expect(bad).toEqual([]);
  });

  it('list_tasks pages through every open task once', async () => {
    const open = (
      studio.db.prepare("SELECT count(*) AS n FROM tasks WHERE status <> 'done'").get() as { n: number }
    ).n;
    const seen = new Set<number>();
    let after: string | undefined;
    do {
      const page = (await callTool('alice', 'list_tasks', {
        limit: 500,
        ...(after ? { after } : {}),
      })) as { tasks: Array<{ id: number }>; next?: string };
      for (const t of page.tasks) {
        expect(seen.has(t.id)).toBe(false);
        seen.add(t.id);
      }
      after = page.next;
    } while (after);
    expect(seen.size).toBe(open);
  });
});
