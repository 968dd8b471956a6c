/** Error codes that cross the wire; the message always says what the caller can do next. */
export type StudioErrorCode = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unavailable';

export class StudioError extends Error {
  constructor(
    readonly code: StudioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}

export function isStudioError(e: unknown): e is StudioError {
  return e instanceof Error && (e as { name?: string }).name === 'StudioError' && 'code' in e;
}
