// (local AWS) PutEvents entries --> parsed and checked one by one as AWS does --> the envelope an event gets on a bus
import { validationError } from '../aws-error';
import {
  type Input,
  isRecord,
  optionalList,
  optionalString,
  requiredList,
  stringList,
  structureList,
} from './validation';

/**
 * PutEvents entries: parsing, per-entry validation and the envelope an event gets on a bus.
 *
 * As AWS: up to 10 entries (more is a ValidationException for the call); a request over 256 KB
 * in total is refused; each entry is accepted or rejected on its own and the answer lists, in
 * order, `{EventId}` or `{ErrorCode, ErrorMessage}` with FailedEntryCount (HTTP 200):
 * missing Source / DetailType / Detail → InvalidArgument "Parameter X is not valid. Reason: X is a
 * required argument."; Detail that is not a JSON object → MalformedDetail "Detail is malformed.";
 * a Source starting with `aws.` (reserved for AWS services) → NotAuthorizedForSourceException
 * "Not authorized for the source."; an unknown bus → ResourceNotFoundException.
 * The CodePipeline simulator emits through putEventsInternal, which may use `aws.` sources.
 */

export interface EventEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  /** Epoch ms. */
  Time?: number;
  EventBusName?: string;
}

export interface EntryResult {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/** Wire `Time` is epoch seconds (the SDK serializes a Date so); an ISO string is tolerated. */
function parseTime(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw validationError("1 validation error detected: Value at 'time' must be a timestamp");
}

export function parsePutEventsRequest(input: Input): EventEntry[] {
  const raw = structureList(requiredList(input, 'Entries', 1, MAX_ENTRIES), 'Entries');
  let size = 0;
  const entries = raw.map((entry): EventEntry => {
    const parsed: EventEntry = {};
    const source = optionalString(entry, 'Source', { max: 256 });
    const detailType = optionalString(entry, 'DetailType', { max: 256 });
    const detail = optionalString(entry, 'Detail');
    const resources = optionalList(entry, 'Resources', 0, 100);
    const bus = optionalString(entry, 'EventBusName', { min: 1, max: 1600 });
    optionalString(entry, 'TraceHeader', { min: 1, max: 500 });
    const time = parseTime(entry.Time);
    if (source !== undefined) parsed.Source = source;
    if (detailType !== undefined) parsed.DetailType = detailType;
    if (detail !== undefined) parsed.Detail = detail;
    if (resources !== undefined) parsed.Resources = stringList(resources, 'Resources', { max: 2048 });
    if (bus !== undefined) parsed.EventBusName = bus;
    if (time !== undefined) parsed.Time = time;
    size += entrySize(parsed);
    return parsed;
  });
  if (size > MAX_REQUEST_BYTES) throw validationError('Total size of the entries in the request is over the limit.');
  return entries;
}

/** The entry-size formula of the EventBridge docs (UTF-8 bytes of the fields, 14 for a Time). */
function entrySize(entry: EventEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Why an entry is refused (before looking at the bus), or undefined. */
export function entryError(entry: EventEntry, allowAwsSources: boolean): EntryResult | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (entry[field] === undefined || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail ?? '');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  if (!allowAwsSources && entry.Source?.startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  return undefined;
}

/** ISO 8601 without milliseconds, as EventBridge writes `time`. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The event as rules and targets see it. `entry` must have passed entryError. */
export function envelope(
  entry: EventEntry,
  id: string,
  account: string,
  region: string,
  now: number,
): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType,
    source: entry.Source,
    account,
    time: eventTime(entry.Time ?? now),
    region,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail ?? '{}') as unknown,
  };
}
