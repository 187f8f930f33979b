// (cli) option checks shared by the long-running commands (--port, --speed), and waiting for Ctrl-C / SIGTERM
import { CliUsageError } from './io';

/** Shared option checks of the long-running commands (`local`, `aws-local`). */

export function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliUsageError(`--port must be 0–65535, not '${value}'.`);
  }
  return port;
}

export function parseSpeed(value: string | undefined): number {
  const speed = Number(value);
  if (!(speed > 0)) throw new CliUsageError(`--speed must be a positive number, not '${value}'.`);
  return speed;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM, once, then stops listening for both. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
