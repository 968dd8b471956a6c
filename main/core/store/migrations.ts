import type { Db } from './database.js';

/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction, and bumps
 * PRAGMA user_version. Never edit a shipped migration: add the next number.
 * Every migration has a test in test/main/core/store/migrations.test.ts.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'agents, messages, deliveries, topics, tasks',
    up(db) {
      db.exec(`
        CREATE TABLE agents (
          id            INTEGER PRIMARY KEY,
          name          TEXT NOT NULL,
          kind          TEXT NOT NULL DEFAULT 'agent' CHECK (kind IN ('agent', 'person')),
          role          TEXT NOT NULL DEFAULT '',
          summary       TEXT NOT NULL DEFAULT '',
          state         TEXT NOT NULL DEFAULT 'unknown',
          cwd           TEXT NOT NULL DEFAULT '',
          branch        TEXT NOT NULL DEFAULT '',
          remote        INTEGER NOT NULL DEFAULT 0,
          commander     INTEGER NOT NULL DEFAULT 0,
          created_at    INTEGER NOT NULL,
          last_seen_at  INTEGER NOT NULL DEFAULT 0,
          removed_at    INTEGER
        );
        -- Removed agents keep their row so history still names them; a live name is unique.
        CREATE UNIQUE INDEX agents_live_name ON agents (name COLLATE NOCASE) WHERE removed_at IS NULL;

        CREATE TABLE agent_tokens (
          token_hash  TEXT PRIMARY KEY,
          agent_id    INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
          created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX agent_tokens_agent ON agent_tokens (agent_id);

        CREATE TABLE tasks (
          id             INTEGER PRIMARY KEY,
          title          TEXT NOT NULL,
          body           TEXT NOT NULL DEFAULT '',
          priority       TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
          status         TEXT NOT NULL DEFAULT 'backlog'
                         CHECK (status IN ('backlog', 'assigned', 'in_progress', 'blocked', 'review', 'done')),
          assignee_id    INTEGER REFERENCES agents (id),
          dispatcher_id  INTEGER NOT NULL REFERENCES agents (id),
          result         TEXT,
          created_at     INTEGER NOT NULL,
          updated_at     INTEGER NOT NULL
        );
        CREATE INDEX tasks_assignee ON tasks (assignee_id, status);
        CREATE INDEX tasks_status ON tasks (status);

        CREATE TABLE task_blockers (
          task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
          blocker_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
          PRIMARY KEY (task_id, blocker_id)
        ) WITHOUT ROWID;
        CREATE INDEX task_blockers_blocker ON task_blockers (blocker_id);

        CREATE TABLE task_events (
          id           INTEGER PRIMARY KEY,
          task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
          actor_id     INTEGER NOT NULL REFERENCES agents (id),
          kind         TEXT NOT NULL,
          from_status  TEXT,
          to_status    TEXT,
          note         TEXT NOT NULL DEFAULT '',
          created_at   INTEGER NOT NULL
        );
        CREATE INDEX task_events_task ON task_events (task_id, id);

        CREATE TABLE messages (
          id          INTEGER PRIMARY KEY,
          sender_id   INTEGER NOT NULL REFERENCES agents (id),
          scope       TEXT NOT NULL CHECK (scope IN ('direct', 'broadcast', 'topic')),
          type        TEXT NOT NULL CHECK (type IN ('text', 'task', 'result', 'question')),
          topic       TEXT,
          body        TEXT NOT NULL,
          reply_to    INTEGER REFERENCES messages (id),
          task_id     INTEGER REFERENCES tasks (id),
          created_at  INTEGER NOT NULL
        );
        CREATE INDEX messages_topic ON messages (topic, id) WHERE topic IS NOT NULL;
        CREATE INDEX messages_sender ON messages (sender_id, id);

        -- One row per recipient: each has its own delivery state.
        CREATE TABLE deliveries (
          agent_id    INTEGER NOT NULL REFERENCES agents (id),
          message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
          state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'woken', 'read')),
          woken_at    INTEGER,
          read_at     INTEGER,
          PRIMARY KEY (agent_id, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX deliveries_unread ON deliveries (agent_id, message_id) WHERE state <> 'read';
        CREATE INDEX deliveries_message ON deliveries (message_id);

        CREATE TABLE subscriptions (
          agent_id    INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
          topic       TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          PRIMARY KEY (agent_id, topic)
        ) WITHOUT ROWID;
        CREATE INDEX subscriptions_topic ON subscriptions (topic);
      `);
    },
  },
  {
    version: 2,
    name: 'direct recipient on the message row',
    up(db) {
      // A direct message names its one recipient on its own row, so reading a message never needs
      // a per-row subquery over deliveries, and the deliveries-by-message index (one more b-tree
      // written on every send) can go: every remaining lookup has the agent and uses the key.
      db.exec(`
        ALTER TABLE messages ADD COLUMN recipient_id INTEGER REFERENCES agents (id);
        UPDATE messages SET recipient_id = (
          SELECT min(d.agent_id) FROM deliveries d WHERE d.message_id = messages.id
        ) WHERE scope = 'direct';
        DROP INDEX deliveries_message;
      `);
    },
  },
  {
    version: 3,
    name: 'agent launch profile, role prompt, Claude session',
    up(db) {
      // What the studio runs for a local agent, the role prompt it restores after /clear, and the
      // Claude Code session id it resumes after a restart of the studio.
      db.exec(`
        ALTER TABLE agents ADD COLUMN profile TEXT NOT NULL DEFAULT '{"kind":"claude"}';
        ALTER TABLE agents ADD COLUMN role_prompt TEXT NOT NULL DEFAULT '';
        ALTER TABLE agents ADD COLUMN session_id TEXT;
        ALTER TABLE agents ADD COLUMN autostart INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    version: 4,
    name: 'the folder an agent reports apart from its launch folder; the size of each delivery',
    up(db) {
      // register's cwd used to overwrite the launch folder, so an agent could make its own next
      // start fail. What an agent says about itself now has a column of its own.
      // Each delivery carries its message's size, so a recipient's unread bytes (its quota) are
      // summed from small rows instead of reading every unread body.
      db.exec(`
        ALTER TABLE agents ADD COLUMN reported_cwd TEXT NOT NULL DEFAULT '';
        ALTER TABLE deliveries ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        UPDATE deliveries SET bytes = (SELECT length(CAST(m.body AS BLOB)) FROM messages m WHERE m.id = message_id)
          WHERE state <> 'read';
      `);
    },
  },
  {
    version: 5,
    name: "how each agent's program last ended on its own",
    up(db) {
      // JSON (AgentExit) or NULL: kept across a studio restart so the tile and `agent list` can
      // still say why an agent is not running.
      db.exec(`ALTER TABLE agents ADD COLUMN last_exit TEXT;`);
    },
  },
  {
    version: 6,
    name: "agents' own git worktrees, and the branch each task's work is on",
    up(db) {
      // workspace: JSON (Workspace) or NULL for an agent in a plain folder. branch: set when a
      // worktree agent takes the task (task/<id>-<slug>), shown on its card and merged from it.
      db.exec(`
        ALTER TABLE agents ADD COLUMN workspace TEXT;
        ALTER TABLE tasks ADD COLUMN branch TEXT;
      `);
    },
  },
  {
    version: 7,
    name: "how each delivery was announced; urgent mail; agents' holds, budgets, token use and CLI version; studio settings",
    up(db) {
      // via: typed | turn_end | mid_turn (| rewake, later), set with woken_at. urgent: announced mid-turn (PostToolUse).
      // hold, budget, usage: JSON (AgentHold, AgentBudget, AgentUsage) or NULL.
      db.exec(`
        ALTER TABLE deliveries ADD COLUMN via TEXT;
        ALTER TABLE messages ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE agents ADD COLUMN hold TEXT;
        ALTER TABLE agents ADD COLUMN budget TEXT;
        ALTER TABLE agents ADD COLUMN usage TEXT;
        ALTER TABLE agents ADD COLUMN cli_version TEXT NOT NULL DEFAULT '';
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- status lists the latest announced deliveries: without it, a scan of every delivery.
        CREATE INDEX deliveries_woken ON deliveries (woken_at) WHERE woken_at IS NOT NULL;
      `);
    },
  },
  {
    version: 8,
    name: 'agents on other machines, reached over SSH',
    up(db) {
      // ssh: JSON (SshTarget) or NULL for an agent on this machine.
      db.exec(`ALTER TABLE agents ADD COLUMN ssh TEXT;`);
    },
  },
  {
    version: 9,
    name: "agents' hourly write budgets; messages nobody can receive expire; lists read from indexes",
    up(db) {
      db.exec(`
        -- Each message's size and each task history line's share of what its change stored, summed
        -- by sender (actor) and time from an index when an agent's hourly budget is checked. Lines
        -- written before this version count as rows only.
        ALTER TABLE messages ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        UPDATE messages SET bytes = length(CAST(body AS BLOB));
        CREATE INDEX messages_sent ON messages (sender_id, created_at, bytes);
        ALTER TABLE task_events ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX task_events_actor ON task_events (actor_id, created_at, bytes);

        -- When a message nobody can receive is deleted; NULL: kept. Those already stored expire an
        -- hour (UNRECEIVED_MESSAGE_RETENTION_MS today) after they were sent.
        ALTER TABLE messages ADD COLUMN expires_at INTEGER;
        CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
        -- Deleting a message looks up its deliveries (the cascade) and its replies (their reference):
        -- without these, every message deleted scans both tables.
        CREATE INDEX deliveries_message ON deliveries (message_id);
        CREATE INDEX messages_reply ON messages (reply_to) WHERE reply_to IS NOT NULL;
        UPDATE messages SET expires_at = created_at + 3600000
          WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id);

        -- A conversation between two agents, newest first, without walking either one's other mail.
        CREATE INDEX messages_direct ON messages (sender_id, recipient_id, id) WHERE recipient_id IS NOT NULL;

        -- Task lists read a page in order (most recently updated first) from the index of their
        -- filter, never every task and its body to sort them; status counts and open counts search.
        DROP INDEX tasks_status;
        DROP INDEX tasks_assignee;
        CREATE INDEX tasks_updated ON tasks (updated_at, id);
        CREATE INDEX tasks_open ON tasks (updated_at, id) WHERE status <> 'done';
        CREATE INDEX tasks_status ON tasks (status, updated_at, id);
        CREATE INDEX tasks_assignee ON tasks (assignee_id, updated_at, id, status);
        CREATE INDEX tasks_dispatcher ON tasks (dispatcher_id, updated_at, id, status);
        CREATE INDEX tasks_open_assignee ON tasks (assignee_id) WHERE status <> 'done' AND assignee_id IS NOT NULL;
      `);
    },
  },
  {
    version: 10,
    name: 'browser tabs let into the UI, each with a session of its own',
    up(db) {
      // A tab's token is kept only as its hash; a tab left open across a restart reconnects with
      // it. via: code (a one-time link) | token (the printed link).
      db.exec(`
        CREATE TABLE tab_sessions (
          id            INTEGER PRIMARY KEY,
          token_hash    TEXT NOT NULL UNIQUE,
          via           TEXT NOT NULL CHECK (via IN ('code', 'token')),
          user_agent    TEXT NOT NULL DEFAULT '',
          created_at    INTEGER NOT NULL,
          last_used_at  INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 11,
    name: "the person's desk: checks before merge, and comments on a task's lines in review",
    up(db) {
      // One run kept per task (the latest): its tail is shown, older runs are history nobody reads.
      db.exec(`
        CREATE TABLE repo_checks (
          repo        TEXT PRIMARY KEY,
          command     TEXT NOT NULL,
          updated_at  INTEGER NOT NULL
        );
        CREATE TABLE task_checks (
          task_id      INTEGER PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
          command      TEXT NOT NULL,
          head         TEXT NOT NULL,
          state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'passed', 'failed')),
          exit_code    INTEGER,
          timed_out    INTEGER NOT NULL DEFAULT 0,
          tail         TEXT NOT NULL DEFAULT '[]',
          error        TEXT,
          started_at   INTEGER,
          finished_at  INTEGER
        );
        -- A comment on one line of a task's diff: pending until sent back with the task, then
        -- kept with it. context: the lines around it as they were (JSON), to show and to tell
        -- whether the line changed since.
        CREATE TABLE task_comments (
          id          INTEGER PRIMARY KEY,
          task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
          file        TEXT NOT NULL,
          line        INTEGER NOT NULL CHECK (line >= 1),
          text        TEXT NOT NULL,
          head        TEXT NOT NULL,
          line_text   TEXT NOT NULL,
          context     TEXT NOT NULL DEFAULT '[]',
          created_at  INTEGER NOT NULL,
          sent_at     INTEGER
        );
        CREATE INDEX task_comments_task ON task_comments (task_id, id);
        -- Each time the person sent a task back: the branch's commit they had reviewed, so the next
        -- review can show what changed since.
        CREATE TABLE task_reviews (
          id          INTEGER PRIMARY KEY,
          task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
          head        TEXT NOT NULL,
          at          INTEGER NOT NULL
        );
        CREATE INDEX task_reviews_task ON task_reviews (task_id, id);
      `);
    },
  },
  {
    version: 12,
    name: 'agents that sleep when idle',
    up(db) {
      // sleep: JSON (AgentSleep) or NULL for awake, not pinned, the studio's idle minutes.
      db.exec(`ALTER TABLE agents ADD COLUMN sleep TEXT;`);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to `target` (default: latest), one migration per transaction. Refuses a
 * database newer than this build. `migrations` is for tests (a failing one must roll back whole).
 */
export function migrate(
  db: Db,
  target = LATEST_SCHEMA_VERSION,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `The studio database is at schema ${current}, newer than this build understands (${latest}). ` +
        'Upgrade Claude Code Studio, or point --data at another folder.',
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
