// An agent's token use, read from its Claude Code's transcript at the end of each turn (its Stop
// hook) and once more a little later: the hook's answer never waits on the transcript.
import type { AgentUsage } from '../../contract/model.js';
import type { TranscriptUsage } from '../claude/transcriptUsage.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/**
 * After a turn's end, its transcript is read again this much later: a busy machine can still be
 * writing the turn's last lines when its Stop hook comes.
 */
export const USAGE_REREAD_MS = 2_000;

export class TurnUsage {
  private reread: { cancel(): void } | undefined;
  private disposed = false;

  constructor(
    private readonly transcript: TranscriptUsage,
    private readonly deps: { clock: Clock; logger: Logger; onUsage: (usage: AgentUsage) => void },
  ) {}

  /** A turn ended; `transcriptPath` is where the CLI says it writes now (a new file after /clear). */
  turnEnded(transcriptPath: string | undefined): void {
    if (this.disposed) return;
    this.transcript.follow(transcriptPath);
    this.transcript.noteTurn();
    this.read();
    // Only what was added since is read the second time, so the turn's use is not left for the next.
    this.reread?.cancel();
    this.reread = this.deps.clock.setTimeout(() => this.read(), USAGE_REREAD_MS);
  }

  private read(): void {
    void this.transcript.read().then(
      (usage) => {
        if (!this.disposed) this.deps.onUsage(usage);
      },
      (err: unknown) => this.deps.logger.debug('transcript not read', { err: String(err) }),
    );
  }

  /** Its process is replaced or forgotten: nothing more is read or reported. */
  dispose(): void {
    this.disposed = true;
    this.reread?.cancel();
  }
}
