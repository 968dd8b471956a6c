// The words of the queue's items: what a tool asks for, in one line the person can judge. Pure.
// Agents' text is shown as it is (the queue is the person's own view, not a notice).

/** A command or an input longer than this is cut in the item (the whole is in the tile's terminal). */
export const MAX_DETAIL_CHARS = 2000;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function cut(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

/** What the person is asked to allow: the exact command, file, URL or query, else the input as JSON. */
export function permissionDetail(tool: string, input: Record<string, unknown>): string {
  const exact =
    str(input.command) ??
    str(input.file_path) ??
    str(input.notebook_path) ??
    str(input.url) ??
    str(input.query);
  return cut(exact ?? JSON.stringify(input));
}

/** "asks to run a command", "asks to edit a file", ...: the verb of the tool. */
export function permissionAsk(tool: string): string {
  switch (tool) {
    case 'Bash':
      return 'asks to run a command';
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return 'asks to edit a file';
    case 'Write':
      return 'asks to write a file';
    case 'Read':
      return 'asks to read a file';
    case 'WebFetch':
      return 'asks to fetch a page';
    case 'WebSearch':
      return 'asks to search the web';
    default:
      return `asks to use ${tool}`;
  }
}

export interface AskedQuestion {
  question: string;
  options: string[];
  /** Several answers may be chosen at once. */
  multiSelect: boolean;
}

/** The questions of an AskUserQuestion call, as far as they are well formed. */
export function askedQuestions(input: Record<string, unknown>): AskedQuestion[] {
  const list = Array.isArray(input.questions) ? (input.questions as unknown[]) : [];
  return list.flatMap((q) => {
    if (!q || typeof q !== 'object') return [];
    const { question, options, multiSelect } = q as Record<string, unknown>;
    if (typeof question !== 'string') return [];
    const labels = Array.isArray(options)
      ? options.flatMap((o) =>
          o && typeof (o as { label?: unknown }).label === 'string' ? [(o as { label: string }).label] : [],
        )
      : [];
    return [{ question, options: labels, multiSelect: multiSelect === true }];
  });
}
