/** Error codes that cross the wire; the message always says what the caller can do next. */
export type StudioErrorCode = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unavailable';

/**
 * What a not_found error looked for, so each surface adds where to look in its own words (an MCP
 * tool's name, a CLI command): the core states the fact only.
 */
export type StudioErrorSubject = 'task';

export class StudioError extends Error {
  constructor(
    readonly code: StudioErrorCode,
    message: string,
    readonly subject?: StudioErrorSubject,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

/** A StudioError as it crosses a pipe or HTTP. */
export interface StudioErrorBody {
  code: string;
  message: string;
  subject?: StudioErrorSubject;
}

export function studioErrorBody(err: StudioError): StudioErrorBody {
  return { code: err.code, message: err.message, ...(err.subject ? { subject: err.subject } : {}) };
}

export function studioErrorFrom(body: StudioErrorBody): StudioError {
  return new StudioError(body.code as StudioErrorCode, body.message, body.subject);
}

export function isStudioError(e: unknown): e is StudioError {
  return e instanceof Error && (e as { name?: string }).name === 'StudioError' && 'code' in e;
}
