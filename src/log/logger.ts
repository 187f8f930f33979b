// (infrastructure) structured logs for the handlers and the local mode; implements the core's Log port
import type { Log, LogFields } from '../core/ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const LEVELS = new Set<string>(Object.keys(RANK));

/** A Log that can add fields to every line it writes (the request, the rule...). */
export interface Logger extends Log {
  readonly level: LogLevel;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default: PIPEWATCH_LOG_LEVEL, else `info`. */
  readonly level?: LogLevel;
  /** Default: process.stdout (CloudWatch reads a Lambda's stdout line by line). */
  readonly stream?: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Human-readable lines instead of JSON; default: when the stream is a terminal. */
  readonly pretty?: boolean;
  readonly fields?: LogFields;
  readonly now?: () => number;
}

/** Field names whose values are never written: whatever a caller passes by mistake. */
const SECRET_KEY = /token|secret|password|authorization|signature|cookie|credential/i;
/** Slack tokens (xoxb-, xoxp-, xapp-…) inside any string, e.g. an error message quoting a request. */
const SLACK_TOKEN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;
const MAX_DEPTH = 6;

/**
 * JSON lines when not on a terminal (one object per line: `time`, `level`, `message`, fields),
 * `HH:MM:SS level message key=value` on one. Secrets are redacted by field name and by shape.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stdout;
  const level = options.level ?? levelFromEnvironment(process.env.PIPEWATCH_LOG_LEVEL);
  const pretty = options.pretty ?? stream.isTTY === true;
  const now = options.now ?? Date.now;
  return new LineLogger(level, { stream, pretty, now }, options.fields ?? {});
}

export function levelFromEnvironment(value: string | undefined): LogLevel {
  return value !== undefined && LEVELS.has(value) ? (value as LogLevel) : 'info';
}

interface Sink {
  readonly stream: { write(text: string): unknown };
  readonly pretty: boolean;
  readonly now: () => number;
}

class LineLogger implements Logger {
  constructor(
    readonly level: LogLevel,
    private readonly sink: Sink,
    private readonly fields: LogFields,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  child(fields: LogFields): Logger {
    return new LineLogger(this.level, this.sink, { ...this.fields, ...fields });
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields = {}): void {
    if (RANK[level] < RANK[this.level]) return;
    const time = new Date(this.sink.now()).toISOString();
    const data = redact({ ...this.fields, ...fields }, 0) as Record<string, unknown>;
    const text = redactText(message);
    if (this.sink.pretty) {
      const pairs = Object.entries(data).map(
        ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
      );
      this.sink.stream.write(
        `${time.slice(11, 19)} ${level.padEnd(5)} ${text}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}\n`,
      );
    } else {
      this.sink.stream.write(`${JSON.stringify({ time, level, message: text, ...data })}\n`);
    }
  }
}

/** A copy safe to write: secrets out, errors as plain objects, cycles and depth bounded. */
export function redact(value: unknown, depth: number, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: redactText(value.message),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1, seen),
    ]),
  );
}

function redactText(text: string): string {
  return text.replace(SLACK_TOKEN, '[redacted]');
}
