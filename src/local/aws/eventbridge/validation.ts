// (local AWS) request fields of the EventBridge operations --> checked types, lengths, patterns --> ValidationException in AWS's words
import { type AwsServiceError, validationError } from '../aws-error';

/**
 * Request parsing for the EventBridge operations. The server hands us `Record<string, unknown>`
 * straight from the wire, so every field is checked here before it reaches the state: a wrong
 * type or a model constraint (length, pattern, range) is a ValidationException worded like the
 * service's "1 validation error detected: …" messages, which the SDK raises as its typed
 * ValidationException.
 */

export type Input = Readonly<Record<string, unknown>>;

/** The model's patterns (botocore events 2015-10-07). */
export const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
export const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
/** A custom bus name as CreateEventBus accepts it (partner buses, with `/`, are not emulated). */
export const EVENT_BUS_NAME = /^[.\-_A-Za-z0-9]{1,256}$/;
const EVENT_BUS_NAME_OR_ARN = /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
export const INPUT_PATHS_MAP_KEY = /^[A-Za-z0-9_-]{1,256}$/;

/** The wire name of a field, as the service quotes it in validation messages (`name`, `eventBusName`). */
function wireName(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

function constraint(value: unknown, field: string, rule: string): AwsServiceError {
  const shown = typeof value === 'string' ? `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'` : 'null';
  return validationError(
    `1 validation error detected: Value ${shown} at '${wireName(field)}' failed to satisfy constraint: ${rule}`,
  );
}

function typeError(field: string, expected: string): AwsServiceError {
  return validationError(`1 validation error detected: Value at '${wireName(field)}' must be ${expected}`);
}

export interface StringRules {
  min?: number;
  max?: number;
  pattern?: RegExp;
}

function checkString(value: string, field: string, rules: StringRules): string {
  if (rules.min !== undefined && value.length < rules.min) {
    throw constraint(value, field, `Member must have length greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined && value.length > rules.max) {
    throw constraint(value, field, `Member must have length less than or equal to ${rules.max}`);
  }
  if (rules.pattern !== undefined && !rules.pattern.test(value)) {
    throw constraint(value, field, `Member must satisfy regular expression pattern: ${rules.pattern.source}`);
  }
  return value;
}

export function optionalString(input: Input, field: string, rules: StringRules = {}): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(field, 'a string');
  return checkString(value, field, rules);
}

export function requiredString(input: Input, field: string, rules: StringRules = {}): string {
  const value = optionalString(input, field, rules);
  if (value === undefined) throw constraint(undefined, field, 'Member must not be null');
  return value;
}

export function optionalInteger(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(field, 'an integer');
  if (value < min) throw constraint(String(value), field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(String(value), field, `Member must have value less than or equal to ${max}`);
  return value;
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeError(field, 'a boolean');
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalObject(input: Input, field: string): Input | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw typeError(field, 'a structure');
  return value;
}

export function optionalList(input: Input, field: string, min: number, max: number): unknown[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError(field, 'a list');
  if (value.length < min) {
    throw validationError(
      `1 validation error detected: Value at '${wireName(field)}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
    );
  }
  if (value.length > max) {
    throw validationError(
      `1 validation error detected: Value at '${wireName(field)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return value;
}

export function requiredList(input: Input, field: string, min: number, max: number): unknown[] {
  const value = optionalList(input, field, min, max);
  if (value === undefined) throw constraint(undefined, field, 'Member must not be null');
  return value;
}

/** A list of strings, each checked with `rules`. */
export function stringList(values: readonly unknown[], field: string, rules: StringRules = {}): string[] {
  return values.map((value) => {
    if (typeof value !== 'string') throw typeError(field, 'a list of strings');
    return checkString(value, field, rules);
  });
}

export function structureList(values: readonly unknown[], field: string): Input[] {
  return values.map((value) => {
    if (!isRecord(value)) throw typeError(field, 'a list of structures');
    return value;
  });
}

/** `EventBusName` as most operations take it: a name or a bus ARN, default "default". */
export function eventBusNameOrArn(input: Input, field = 'EventBusName'): string | undefined {
  return optionalString(input, field, { min: 1, max: 1600, pattern: EVENT_BUS_NAME_OR_ARN });
}

/** Paging: a NextToken is the base64url of the last name returned, so deletes between pages skip nothing. */
export function encodeToken(lastName: string): string {
  return Buffer.from(lastName, 'utf8').toString('base64url');
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (decoded.length === 0 || encodeToken(decoded) !== token) {
    // AWS answers an expired or foreign token with a 400 "InvalidToken"; the SDK has no typed
    // exception for it, so the closest modelled error is used.
    throw validationError('The NextToken provided is invalid.');
  }
  return decoded;
}

/** One page of `items` (sorted by `key`) after the token, at most `limit` long. */
export function page<T>(
  items: readonly T[],
  key: (item: T) => string,
  nextToken: string | undefined,
  limit: number | undefined,
): { items: T[]; nextToken: string | undefined } {
  const after = decodeToken(nextToken);
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const start = after === undefined ? sorted : sorted.filter((item) => key(item) > after);
  const size = limit ?? 100;
  const slice = start.slice(0, size);
  const last = slice.at(-1);
  return { items: slice, nextToken: start.length > size && last !== undefined ? encodeToken(key(last)) : undefined };
}
