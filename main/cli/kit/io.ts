// Where everything the CLI prints goes. A reader that went away (`ccstudio task list | head -1`,
// a closed terminal) ends the printing quietly: the rest is dropped, with no EPIPE stack trace,
// and `serve` goes on with its log in the data folder.
import { outputUntilGone } from '../../core/util/output.js';
import { printable, printableJson } from './printable.js';

export const stdout = outputUntilGone(process.stdout);
export const stderr = outputUntilGone(process.stderr);

/** A line (or lines) of the command's result, made printable. */
export function out(text: string): void {
  const safe = printable(text);
  stdout.write(safe.endsWith('\n') ? safe : safe + '\n');
}

/** A caution beside a command's result: on stderr, so scripts reading stdout are not confused. */
export function warn(text: string): void {
  stderr.write(`Note: ${printable(text)}\n`);
}

export function json(value: unknown): void {
  out(printableJson(value));
}
