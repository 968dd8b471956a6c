import { waitsForPerson } from '../../contract/model.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { classifyMirror, type ScreenReading } from './screenClassifier.js';
import { isSlashCommand, sanitizeForTerminal } from '../util/sanitize.js';
import type { PtySession } from './ptySession.js';

/** Pause between the text and its Enter: sent together, the TUI takes the Enter as part of a paste. */
export const ENTER_DELAY_MS = 120;
/** How long after the Enter the screen is read to see whether the prompt was taken. */
export const VERIFY_DELAY_MS = 700;
/** Enters re-sent at most, never the text: a verify loop that retypes is how prompts get typed twice. */
export const MAX_ENTER_RETRIES = 2;

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

export interface TypeResult {
  /** What was typed after sanitizing. */
  text: string;
  /** The screen showed the prompt taken (input box empty, or the agent busy). */
  submitted: boolean;
  enterRetries: number;
  /**
   * Its Enter was held back: the person typed in that terminal meanwhile (the Enter would submit
   * their half-typed text with it), or a dialog opened there (an Enter picks its first option:
   * a permission granted on nobody's word). The text stays in the input box.
   */
  held?: 'person' | 'dialog';
}

/**
 * The one module that types into a terminal on someone else's behalf. Text and Enter go
 * separately; the text is bracketed as a paste only while the application has asked for it and
 * never for a slash command; afterwards the screen is read and only the Enter is re-sent if the
 * text still sits in the input box.
 */
export class TerminalWriter {
  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      enterDelayMs?: number;
      verifyDelayMs?: number;
    },
  ) {}

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.deps.clock.setTimeout(resolve, ms));
  }

  /**
   * Types `text` and presses Enter. The first byte is written before this returns its promise,
   * so callers measuring latency see the write itself, not a timer.
   */
  async type(
    session: PtySession,
    rawText: string,
    options: {
      maxChars?: number;
      /** When the person last typed in this terminal (ms on the writer's clock). */
      personTypedAt?: () => number;
    } = {},
  ): Promise<TypeResult> {
    const text = sanitizeForTerminal(rawText, options.maxChars);
    if (!text) throw new Error('Nothing printable to type.');
    const slash = isSlashCommand(text);
    const startedAt = this.deps.clock.now();
    session.write(!slash && session.mirror.bracketedPaste ? PASTE_START + text + PASTE_END : text);
    await this.sleep(this.deps.enterDelayMs ?? ENTER_DELAY_MS);
    if (!session.running) return { text, submitted: false, enterRetries: 0 };

    /** Why this Enter must not be pressed now, if it must not (see TypeResult.held). */
    const hold = async (): Promise<TypeResult['held']> => {
      if ((options.personTypedAt?.() ?? 0) >= startedAt) return 'person';
      await session.mirror.settled();
      const state = classifyMirror(session.mirror).state;
      return state !== 'unknown' && waitsForPerson(state) ? 'dialog' : undefined;
    };
    let retries = 0;
    for (;;) {
      const held = await hold();
      if (held) {
        this.deps.logger.warn('held back the Enter of a typed prompt', { held, text: text.slice(0, 80) });
        return { text, submitted: false, enterRetries: retries, held };
      }
      session.write('\r');
      await this.sleep((this.deps.verifyDelayMs ?? VERIFY_DELAY_MS) * (retries + 1));
      if (!session.running) return { text, submitted: false, enterRetries: retries };
      await session.mirror.settled();
      if (!stillInInput(classifyMirror(session.mirror), text))
        return { text, submitted: true, enterRetries: retries };
      if (retries >= MAX_ENTER_RETRIES) {
        this.deps.logger.warn('typed text was not submitted', { text: text.slice(0, 80) });
        return { text, submitted: false, enterRetries: retries };
      }
      retries++;
    }
  }

  /** Raw keys for menus (respond): digits, arrows, Enter, Esc. Nothing else passes. */
  keys(session: PtySession, keys: string[]): void {
    const map: Record<string, string> = {
      enter: '\r',
      esc: '\u001b',
      escape: '\u001b',
      up: '\u001b[A',
      down: '\u001b[B',
      left: '\u001b[D',
      right: '\u001b[C',
      tab: '\t',
      'shift+tab': '\u001b[Z',
    };
    const bytes = keys.map((k) => {
      if (/^[0-9]$/.test(k)) return k;
      const b = map[k.toLowerCase()];
      if (!b)
        throw new Error(
          `Unknown key "${k}": use a digit, enter, esc, up, down, left, right, tab or shift+tab.`,
        );
      return b;
    });
    for (const b of bytes) session.write(b);
  }
}

/** The typed prompt (or the TUI's placeholder for a paste) still sits in an idle input box. */
function stillInInput(reading: ScreenReading, text: string): boolean {
  // At its prompt, with or without a background shell running.
  if ((reading.state !== 'idle' && reading.state !== 'waiting_shell') || !reading.input) return false;
  if (/\[Pasted text #\d+/.test(reading.input)) return true;
  const head = text.slice(0, 24).trim();
  return reading.input.replace(/\s+/g, ' ').includes(head);
}
