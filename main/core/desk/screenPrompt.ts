// What a prompt on an agent's screen asks, read off the rows above its options, and the
// fingerprint that tells one prompt from the next. Pure. Keys are pressed for a queue item only
// while its fingerprint is still what the screen shows (see Desk.answer).
import { createHash } from 'node:crypto';
import type { AgentState } from '../../contract/model.js';
import type { ScreenReading } from '../sessions/screenClassifier.js';

/** Rows above the first option read as the prompt's text: a dialog's heading, its command, its question. */
const PROMPT_ROWS = 8;
/** The rule a dialog opens with, and the dashed rules around a command. */
const OPENING_RULE = /^[─━]{20,}/;
const DASHED_RULE = /^\s*╌{10,}/;

export interface ScreenPrompt {
  /** The prompt's own rows, trimmed, rules left out. */
  text: string;
  /** The state, the text and the options: equal for the same prompt shown, different for the next. */
  fingerprint: string;
}

export function screenPrompt(
  tail: readonly string[],
  state: AgentState,
  reading: ScreenReading,
): ScreenPrompt {
  const first = reading.options[0]?.label;
  const at = first ? tail.findLastIndex((l) => l.includes(first)) : -1;
  const rows: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const line = tail[i]!;
    if (OPENING_RULE.test(line)) break;
    if (DASHED_RULE.test(line) || !line.trim()) continue;
    rows.unshift(line.trim());
  }
  // A long notice keeps its heading and the rows nearest its answers.
  const kept = rows.length > PROMPT_ROWS ? [rows[0]!, '…', ...rows.slice(-(PROMPT_ROWS - 2))] : rows;
  const text = kept.join('\n');
  const options = reading.options.map((o) => `${o.number}.${o.label}`).join('\n');
  const fingerprint = createHash('sha256').update(`${state}\n${text}\n${options}`).digest('hex').slice(0, 16);
  return { text, fingerprint };
}
