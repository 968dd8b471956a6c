import { lstat, open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import type { AgentUsage } from '../../contract/model.js';

/** A budget counts the last hour. */
export const USAGE_WINDOW_MS = 60 * 60_000;
/** Read at most this much of a transcript per turn: a huge first read is spread over several turns. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

interface UsageFields {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Where a transcript is read from: this machine's disk, or another machine's over SSH. Either
 * way only a regular file inside the projects folder is read.
 */
export interface TranscriptSource {
  /** `file`'s size and up to `max` bytes from `offset`; undefined when it cannot be read. */
  read(
    file: string,
    projects: string,
    offset: number,
    max: number,
  ): Promise<{ size: number; bytes: Buffer } | undefined>;
}

/** Transcripts on this machine. */
export const localTranscripts: TranscriptSource = {
  async read(file, projects, offset, max) {
    let handle;
    try {
      // A regular file, really inside the projects folder: never a FIFO, a device or a link out.
      const st = await lstat(file);
      if (!st.isFile() || !inside(await realpath(projects), await realpath(file))) return undefined;
      handle = await open(file, 'r');
    } catch {
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      const length = Math.max(0, Math.min(size - offset, max));
      const buffer = Buffer.alloc(length);
      const { bytesRead } = length > 0 ? await handle.read(buffer, 0, length, offset) : { bytesRead: 0 };
      return { size, bytes: buffer.subarray(0, bytesRead) };
    } finally {
      await handle.close();
    }
  },
};

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * What one Claude Code session spent, summed from the usage of the assistant messages in the
 * transcript it writes (JSON lines). Reads only what was appended since the last read, and counts
 * each message once: the CLI writes one line per content block, each with the message's usage.
 */
export class TranscriptUsage {
  private file: string;
  private offset = 0;
  /** One read at a time: two would both start at the same offset. */
  private reading: Promise<AgentUsage> | undefined;
  private partial = '';
  private readonly seen = new Set<string>();
  private readonly recent: Array<{ at: number; tokens: number }> = [];
  private readonly turnTimes: number[] = [];
  private totals = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  private turns = 0;

  /**
   * `file`: where the studio expects the session's transcript; `projects`: the folder Claude Code
   * keeps transcripts in, the only place `follow` may move to.
   */
  constructor(
    file: string,
    private readonly projects: string,
    private readonly now: () => number,
    private readonly source: TranscriptSource = localTranscripts,
  ) {
    this.file = file;
  }

  /**
   * The CLI named its transcript (a hook's transcript_path: a new file after /clear). Taken only
   * inside the projects folder, as a .jsonl file; its totals carry on from the old one's.
   */
  follow(file: string | undefined): void {
    if (!file || file === this.file || !isAbsolute(file) || !file.endsWith('.jsonl')) return;
    if (!inside(this.projects, file)) return;
    this.file = file;
    this.offset = 0;
    this.partial = '';
  }

  /** A turn ended (the Stop hook). */
  noteTurn(): void {
    this.turns++;
    this.turnTimes.push(this.now());
  }

  /** Reads what the transcript gained and returns the totals; a missing file counts as empty. */
  read(): Promise<AgentUsage> {
    const next = (this.reading ?? Promise.resolve()).then(
      () => this.readOnce(),
      () => this.readOnce(),
    );
    this.reading = next;
    return next;
  }

  private async readOnce(again = true): Promise<AgentUsage> {
    const got = await this.source
      .read(this.file, this.projects, this.offset, MAX_READ_BYTES)
      .catch(() => undefined);
    if (!got) return this.usage();
    // A new session in the same file (it shrank): start over, once.
    if (got.size < this.offset) {
      this.reset();
      return again ? this.readOnce(false) : this.usage();
    }
    this.offset += got.bytes.length;
    if (got.bytes.length) this.take(got.bytes.toString('utf8'));
    return this.usage();
  }

  private reset(): void {
    this.offset = 0;
    this.partial = '';
    this.seen.clear();
    this.recent.length = 0;
    this.totals = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  }

  private take(text: string): void {
    const lines = (this.partial + text).split('\n');
    // The last piece may be a line still being written: kept for the next read.
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"usage"')) continue;
      let entry: { type?: unknown; timestamp?: unknown; message?: { id?: unknown; usage?: UsageFields } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const usage = entry.message?.usage;
      if (entry.type !== 'assistant' || !usage) continue;
      const id = typeof entry.message?.id === 'string' ? entry.message.id : undefined;
      if (id) {
        if (this.seen.has(id)) continue;
        this.seen.add(id);
      }
      const input = count(usage.input_tokens);
      const output = count(usage.output_tokens);
      const cacheRead = count(usage.cache_read_input_tokens);
      const cacheCreation = count(usage.cache_creation_input_tokens);
      this.totals.input += input;
      this.totals.output += output;
      this.totals.cacheRead += cacheRead;
      this.totals.cacheCreation += cacheCreation;
      const at = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : NaN;
      this.recent.push({
        at: Number.isFinite(at) ? at : this.now(),
        tokens: input + output + cacheRead + cacheCreation,
      });
    }
  }

  private usage(): AgentUsage {
    const now = this.now();
    const since = now - USAGE_WINDOW_MS;
    while (this.recent.length && this.recent[0]!.at < since) this.recent.shift();
    while (this.turnTimes.length && this.turnTimes[0]! < since) this.turnTimes.shift();
    const t = this.totals;
    return {
      tokens: t.input + t.output + t.cacheRead + t.cacheCreation,
      inputTokens: t.input,
      outputTokens: t.output,
      cacheReadTokens: t.cacheRead,
      cacheCreationTokens: t.cacheCreation,
      turns: this.turns,
      tokensLastHour: this.recent.reduce((s, r) => s + r.tokens, 0),
      turnsLastHour: this.turnTimes.length,
      at: now,
    };
  }
}
