// (local AWS) CloudWatch Logs, the part pipewatch reads: GetLogEvents of a build's log stream (X-Amz-Target Logs_20140328.*)
import { AwsServiceError, notFound, validationError } from '../aws-error';
import type { LocalService } from '../service';

interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  ingestionTime: number;
}

/** GetLogEvents returns at most 10,000 events (and 1 MB) a call. */
const MAX_LIMIT = 10_000;

/**
 * CloudWatch Logs behind the local AWS endpoint: log groups of streams of events, written by the
 * local CodeBuild (`putLogEvents`, in process) and read with GetLogEvents as the SDK sends it:
 * `startFromHead` false (the default) returns the newest `limit` events, oldest first, with
 * `nextForwardToken` / `nextBackwardToken` (`f/<index>`, `b/<index>`). In memory only.
 */
export class LocalLogs implements LocalService {
  readonly targetPrefix = 'Logs_20140328';
  readonly signingName = 'logs';
  private readonly groups = new Map<string, Map<string, LogEvent[]>>();

  /** Appends events to a stream, creating its group and stream as CodeBuild does. */
  putLogEvents(group: string, stream: string, events: readonly { timestamp: number; message: string }[]): void {
    let streams = this.groups.get(group);
    if (streams === undefined) {
      streams = new Map();
      this.groups.set(group, streams);
    }
    const list = streams.get(stream) ?? [];
    for (const event of events) list.push({ ...event, ingestionTime: event.timestamp });
    streams.set(stream, list);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (operation !== 'GetLogEvents') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation Logs_20140328.${operation}`);
    }
    return this.getLogEvents(input);
  }

  private getLogEvents(input: Record<string, unknown>): unknown {
    const group = input.logGroupName;
    const stream = input.logStreamName;
    if (typeof group !== 'string' || group === '') throw validationError('logGroupName is required');
    if (typeof stream !== 'string' || stream === '') throw validationError('logStreamName is required');
    const limit = input.limit ?? MAX_LIMIT;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw validationError(
        `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIMIT}`,
      );
    }
    const streams = this.groups.get(group);
    if (streams === undefined) throw notFound('The specified log group does not exist.');
    const events = streams.get(stream);
    if (events === undefined) throw notFound('The specified log stream does not exist.');
    const fromHead = input.startFromHead === true;
    const token = typeof input.nextToken === 'string' ? /^([fb])\/(\d+)$/.exec(input.nextToken) : null;
    if (input.nextToken !== undefined && token === null)
      throw new AwsServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
    let start: number;
    let end: number;
    if (token !== null) {
      const index = Number(token[2]);
      [start, end] =
        token[1] === 'f' ? [index, Math.min(events.length, index + limit)] : [Math.max(0, index - limit), index];
    } else if (fromHead) {
      [start, end] = [0, Math.min(events.length, limit)];
    } else {
      [start, end] = [Math.max(0, events.length - limit), events.length];
    }
    return {
      events: events.slice(start, end).map((event) => ({
        timestamp: event.timestamp,
        message: event.message,
        ingestionTime: event.ingestionTime,
      })),
      nextForwardToken: `f/${end}`,
      nextBackwardToken: `b/${start}`,
    };
  }
}
