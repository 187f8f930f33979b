// (teams) the Teams SDK's logger --> pipewatch's log: warnings and errors only, as words, never the objects they carry
import type { ILogger } from '@microsoft/teams.common';

interface WarnAndError {
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * The SDK logs whole activities at debug and the failures of its JWT checks at error. Debug and
 * info are dropped (an activity is the person's message); warnings and errors keep their text and
 * the names and messages of errors, cut short, and no other object (a request, a token).
 */
export function sdkLogger(log: WarnAndError, name = 'teams-sdk'): ILogger {
  const words = (parts: unknown[]) =>
    parts
      .map((part) =>
        typeof part === 'string' ? part : part instanceof Error ? `${part.name}: ${part.message}` : typeof part,
      )
      .join(' ')
      .slice(0, 500);
  const logger: ILogger = {
    debug: () => undefined,
    info: () => undefined,
    trace: () => undefined,
    warn: (...parts: unknown[]) => log.warn(words(parts), { source: name }),
    error: (...parts: unknown[]) => log.error(words(parts), { source: name }),
    log: () => undefined,
    child: (child: string) => sdkLogger(log, `${name}/${child}`),
  };
  return logger;
}
