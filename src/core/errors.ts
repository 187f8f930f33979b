/**
 * Typed errors of the core. Every failure the core reports is one of these, so
 * callers (handlers, the CLI) turn them into answers in one place and never
 * show a user a raw stack. The original error, when there is one, is `cause`.
 */

export type PipewatchErrorCode =
  | 'INVALID_PIPELINE_EVENT'
  | 'INVALID_EVENT_PATTERN'
  | 'INVALID_SUBSCRIPTION'
  | 'INVALID_COMMAND';

export abstract class PipewatchError extends Error {
  abstract readonly code: PipewatchErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isPipewatchError(value: unknown): value is PipewatchError {
  return value instanceof PipewatchError;
}
