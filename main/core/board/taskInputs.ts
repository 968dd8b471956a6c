// The fields of a task as the person or an agent gives them, checked before anything is written:
// a title, a body or result within its bytes, a note within its characters, a status or priority
// the board knows; and what a change stores, for the actor's hourly budget.
import { StudioError } from '../../contract/errors.js';
import { MAX_NOTE_CHARS, MAX_TASK_BODY_BYTES, MAX_TITLE_CHARS } from '../../contract/limits.js';

/** Results are kept whole in the task; this bounds what one update can store. */
export const MAX_RESULT_BYTES = MAX_TASK_BODY_BYTES;

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The title, trimmed. */
export function checkTitle(title: unknown): string {
  if (typeof title !== 'string' || title.trim() === '')
    throw new StudioError('invalid', 'A task needs a title.');
  if (title.length > MAX_TITLE_CHARS) {
    throw new StudioError(
      'invalid',
      `The title is ${title.length} characters; keep it under ${MAX_TITLE_CHARS} and put detail in the body.`,
    );
  }
  return title.trim();
}

/** A body or result (`label`), when given, within `max` bytes. */
export function checkBody(label: string, body: string | undefined, max: number): void {
  if (body !== undefined && bytes(body) > max) {
    throw new StudioError(
      'invalid',
      `The ${label} is ${bytes(body)} bytes; the limit is ${max}. Write it to a file and give the path.`,
    );
  }
}

export function checkNote(note: string | undefined): void {
  if (note !== undefined && note.length > MAX_NOTE_CHARS) {
    throw new StudioError(
      'invalid',
      `The note is ${note.length} characters; keep it under ${MAX_NOTE_CHARS}.`,
    );
  }
}

export function checkEnum<T extends string>(label: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new StudioError('invalid', `${label} must be one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** What a change stores of these texts (title, body, result, note): counted for the actor's budget. */
export function storedBytes(texts: ReadonlyArray<string | undefined>): number {
  return texts.reduce((sum, text) => sum + (text ? bytes(text) : 0), 0);
}
