// (core) the one family of errors the core reports: handlers and the CLI turn them into answers in one place

/**
 * Typed errors of the core and of its ports. Every failure the core reports, and every failure an
 * adapter reports through a port (src/core/port-errors.ts), is one of these, so callers (handlers,
 * the CLI) tell them apart with `instanceof` and never by comparing names or showing a raw stack.
 * The original error, when there is one, is `cause`.
 */

/** The codes of the core's own errors; port errors carry their service's or platform's code instead. */
export type PipewatchErrorCode =
  | 'INVALID_PIPELINE_EVENT'
  | 'INVALID_EVENT_PATTERN'
  | 'INVALID_SUBSCRIPTION'
  | 'INVALID_COMMAND'
  | 'INVALID_BUTTON_VALUE'
  | 'EXECUTION_MISMATCH'
  | 'CONVERSATION_CONTENTION'
  | 'RENDER_PENDING'
  | 'POLICY_UNREADABLE';

export abstract class PipewatchError extends Error {
  /** What went wrong, for code to branch on: a PipewatchErrorCode, or a port error's service or platform code. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Each subclass spells its name out (minified bundles rename classes); this covers the rest.
    this.name = new.target.name;
  }
}

export function isPipewatchError(value: unknown): value is PipewatchError {
  return value instanceof PipewatchError;
}

/** For log lines: name and message of anything thrown, never its whole object (it may hold a request). */
export function describeError(error: unknown): { readonly name: string; readonly message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
