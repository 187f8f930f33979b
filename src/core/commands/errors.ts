// (core) InvalidCommandError: a typed command pipewatch cannot carry out, with the usage line to show
import { PipewatchError } from '../errors';

/** A command a person typed that pipewatch cannot carry out; `usage` is the line to show them. */
export class InvalidCommandError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'InvalidCommandError';

  readonly code = 'INVALID_COMMAND' as const;

  constructor(
    readonly reason: string,
    readonly usage: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}\nUsage: ${usage}`, options);
  }
}
