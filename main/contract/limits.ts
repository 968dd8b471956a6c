// Limits shared by every entry point (MCP tools, CLI, UI) so each rejects the same input the same way.

/** A message body past this is almost certainly a pasted file; the model should send a path instead. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/**
 * Unread mail one recipient may hold: a busy agent's day of messages fits many times over, while
 * an agent that never reads cannot be made to grow the database without bound (600 x 60 KB
 * messages once took it from 0.8 to 86.6 MB). Past either, a sender gets a clear error.
 */
export const MAX_UNREAD_MESSAGES = 500;
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
/**
 * One sender's share of any inbox, so that no agent can fill another's (or the person's) and
 * shut everyone else out. The person's inbox has only this per-sender bound: mail to the person
 * always lands unless that one sender has this much unread there.
 */
export const MAX_UNREAD_FROM_ONE_SENDER = 250;
export const MAX_UNREAD_BYTES_FROM_ONE_SENDER = 4 * 1024 * 1024;
/**
 * What one agent's own tools may store in any hour (a sliding hour, counted from the rows
 * themselves): the messages it sends (direct, topic, broadcast) and the task changes it makes
 * (tasks created, lines of task history with their bodies, results and notes). A busy agent sends
 * a few hundred short notes an hour; one agent once stored 175 MB of topic messages in 4 s and
 * 263 MB of backlog tasks. Past a figure its call is refused, saying when room frees, and the
 * person is told once an hour. The person's own actions are never counted or refused.
 */
export const QUOTA_WINDOW_MS = 60 * 60_000;
export const MAX_SENT_MESSAGES_PER_HOUR = 600;
/** Twice one sender's share of an inbox: an agent can fill its share of one and still talk to others. */
export const MAX_SENT_BYTES_PER_HOUR = 2 * MAX_UNREAD_BYTES_FROM_ONE_SENDER;
export const MAX_TASK_WRITES_PER_HOUR = 600;
/** About 130 task bodies or results at their largest, or thousands as agents write them. */
export const MAX_TASK_BYTES_PER_HOUR = 8 * 1024 * 1024;
/** Topics one agent may follow: far more than a team uses, and a bound on its subscription rows. */
export const MAX_TOPICS_PER_AGENT = 100;
/**
 * A message nobody can receive (published to a topic nobody follows, or whose every recipient
 * was removed before reading it) stays this long for get_history, then is deleted. No shorter
 * than QUOTA_WINDOW_MS: its sender's hourly budget is counted from the stored rows.
 */
export const UNRECEIVED_MESSAGE_RETENTION_MS = QUOTA_WINDOW_MS;
/**
 * One answer (an inbox read, a page of history or tasks) stays under this: a model's context is
 * the real budget, and one check_inbox once answered 12 MB. The rest comes with the next call.
 */
export const MAX_ANSWER_BYTES = 256 * 1024;
/** No JSON-RPC request the studio answers needs more; larger bodies are refused before parsing. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Names appear in prompts and terminal headers: short, printable, no spaces. */
export const MAX_AGENT_NAME_CHARS = 32;
export const AGENT_NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${MAX_AGENT_NAME_CHARS - 1}}$`);
export const MAX_TOPIC_CHARS = 64;
export const TOPIC_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_./:-]{0,${MAX_TOPIC_CHARS - 1}}$`);
export const MAX_TITLE_CHARS = 200;
export const MAX_SUMMARY_CHARS = 500;
export const MAX_ROLE_CHARS = 200;
/** Role prompts are standing instructions, not documents. */
export const MAX_ROLE_PROMPT_CHARS = 8000;
export const MAX_TASK_BODY_BYTES = MAX_MESSAGE_BYTES;
/** A note on a task's history: a sentence or a paragraph. */
export const MAX_NOTE_CHARS = 2000;
/** Tasks one task can wait on. */
export const MAX_BLOCKERS = 50;
/**
 * Items one page of a list may ask for (messages, tasks): the board loads its cards in one page.
 * MAX_ANSWER_BYTES bounds a page's size as well.
 */
export const MAX_PAGE_ITEMS = 500;
/** Tasks list_tasks answers when not asked for a number: an overview, with the next page on request. */
export const DEFAULT_TASK_PAGE_ITEMS = 50;
/** A folder path, a command or one of its arguments (PATH_MAX on Linux). */
export const MAX_PATH_CHARS = 4096;
/** Arguments a profile may pass to its program. */
export const MAX_PROFILE_ARGS = 64;
/**
 * A name a Claude Code hook carries that the studio reads (a SessionStart's source, a
 * notification's type, a subagent's id): real ones are a few dozen characters.
 */
export const MAX_HOOK_NAME_CHARS = 200;
/** A git branch name as an agent reports it. */
export const MAX_BRANCH_CHARS = 256;
/** Terminal sizes the studio accepts: below this nothing fits, above it is a mistake or an attack. */
export const TERMINAL_MIN_CELLS = 2;
export const TERMINAL_MAX_COLS = 1000;
export const TERMINAL_MAX_ROWS = 500;
/**
 * Combining marks (and other zero-width characters) one terminal cell keeps after its base
 * character; more are dropped. Real text needs a few (Vietnamese 2, Hebrew and Tibetan stacks up
 * to about 8, a subdivision flag emoji 6 tag characters), while a terminal copy grows a cell
 * without limit: `b` and 2,000,000 accents printed 25 times took the studio to 2.5 GB.
 */
export const TERMINAL_MAX_MARKS_PER_CELL = 8;
/**
 * Text one line of terminal output may carry; the rest of it is dropped up to the next line
 * break or cursor move, with `…` where it was cut. A line this long is a dump (minified code,
 * base64), over 130 rows of a 120-column tile; a TUI moves its cursor far more often.
 */
export const TERMINAL_MAX_LINE_CHARS = 16 * 1024;
/** One chunk of keys typed into a terminal; a paste larger than this is refused rather than cut. */
export const MAX_TERMINAL_INPUT_CHARS = 256 * 1024;
/** Menu keys in one answer (respond, agent keys): a digit and Enter, or a few arrows. */
export const MAX_MENU_KEYS = 20;
/** Reserved name of the person at the keyboard; messages from the UI and CLI are sent as this. */
export const PERSON_NAME = 'user';
/** Agents a first team may start with (besides its commander): the crews this studio is for. */
export const MAX_FIRST_TEAM_AGENTS = 30;

/** Changed files listed per workspace: enough to review, bounded for a huge generated change. */
export const MAX_CHANGED_FILES = 1000;
/** A diff sent to the window: larger ones are cut (the files after the cut are named, not shown). */
export const MAX_DIFF_BYTES = 4 * 1024 * 1024;
/** An SSH destination: `user@host`, a Host alias or `ssh://user@host:port` (DNS names are 253). */
export const MAX_SSH_DEST_CHARS = 300;
