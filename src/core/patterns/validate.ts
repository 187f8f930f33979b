// (core) an event pattern (JSON text or value) --> every check EventBridge makes at PutRule, in its words --> the syntax tree
import { parseCidr } from './cidr';
import { InvalidEventPatternError } from './invalid-event-pattern-error';
import { comparableNumber, NUMBER_LIMIT, type NumericRange } from './numbers';
import type { AnythingBut, EventPattern, LeafCondition, PatternField, PatternObjectNode } from './pattern-ast';
import { MAX_WILDCARD_STARS, parseWildcard, type WildcardPattern, wildcardStarCount } from './wildcard';

/**
 * Validation of EventBridge event patterns: every rule the service enforces at
 * PutRule / TestEventPattern, with its wording. Parsing produces the pattern's
 * syntax tree once, so compiling never re-checks anything.
 */

/** EventBridge's default quota for the size of a rule's event pattern, in characters of JSON text. */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

/** EventBridge rejects a pattern whose `$or`s expand to more than this many combinations. */
export const MAX_OR_COMBINATIONS = 1000;

/** Nesting deeper than this is rejected before it can exhaust the stack (real patterns nest a few levels). */
const MAX_DEPTH = 64;

export interface ValidateEventPatternOptions {
  /**
   * Maximum length of the pattern's JSON text (the text as given, or the compact
   * JSON of a parsed value). Default MAX_EVENT_PATTERN_LENGTH, EventBridge's
   * default quota; pass Infinity when the account's quota was raised.
   */
  readonly maxLength?: number;
}

export interface ParsedEventPattern {
  readonly pattern: EventPattern;
  readonly root: PatternObjectNode;
}

function invalid(reason: string, cause?: unknown): never {
  throw new InvalidEventPatternError(reason, cause === undefined ? undefined : { cause });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws when the JSON text of a pattern is longer than `maxLength`. */
export function checkEventPatternSize(jsonText: string, maxLength: number = MAX_EVENT_PATTERN_LENGTH): void {
  if (jsonText.length > maxLength) {
    invalid(`Event pattern is ${jsonText.length} characters long; the maximum is ${maxLength}`);
  }
}

/**
 * Validates a pattern given as JSON text or as an already-parsed value and
 * returns it as an EventPattern. Throws InvalidEventPatternError for anything
 * EventBridge would reject, and for a pattern longer than `options.maxLength`.
 */
export function validateEventPattern(pattern: unknown, options?: ValidateEventPatternOptions): EventPattern {
  return parseEventPattern(pattern, options).pattern;
}

export function parseEventPattern(input: unknown, options?: ValidateEventPatternOptions): ParsedEventPattern {
  const maxLength = options?.maxLength ?? MAX_EVENT_PATTERN_LENGTH;
  let value: unknown = input;
  if (typeof input === 'string') {
    checkEventPatternSize(input, maxLength);
    try {
      value = JSON.parse(input);
    } catch (error) {
      invalid(`Filter is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
  if (!isPlainObject(value)) invalid('Filter is not an object');
  const parsed = parseObject(value, 0);
  if (parsed.combinations > MAX_OR_COMBINATIONS) {
    invalid(`The $or relationships expand to ${parsed.combinations} rule combinations; the maximum is 1000`);
  }
  // Structure first: only proven JSON reaches JSON.stringify, which throws on BigInt or cycles.
  if (typeof input !== 'string') checkEventPatternSize(JSON.stringify(value), maxLength);
  return { pattern: value as EventPattern, root: parsed.node };
}

interface ParsedObject {
  readonly node: PatternObjectNode;
  /** How many sub-rules the object's `$or`s expand into. */
  readonly combinations: number;
}

function parseObject(object: Record<string, unknown>, depth: number): ParsedObject {
  if (depth > MAX_DEPTH) invalid('Event pattern is nested too deeply');
  const keys = Object.keys(object);
  if (keys.length === 0) invalid('Empty objects are not allowed');
  const fields: PatternField[] = [];
  let or: PatternObjectNode[] | undefined;
  let orPosition = 0;
  let combinations = 1;
  for (const key of keys) {
    const value = object[key];
    if (key === '$or' && Array.isArray(value)) {
      const alternatives = parseOr(value, depth);
      or = alternatives.map((alternative) => alternative.node);
      orPosition = fields.length;
      combinations *= alternatives.reduce((sum, alternative) => sum + alternative.combinations, 0);
    } else if (Array.isArray(value)) {
      if (value.length === 0) invalid('Empty arrays are not allowed');
      fields.push({ key, kind: 'leaf', conditions: value.map(parseCondition) });
    } else if (isPlainObject(value)) {
      const child = parseObject(value, depth + 1);
      fields.push({ key, kind: 'object', node: child.node });
      combinations *= child.combinations;
    } else {
      invalid(`"${key}" must be an object or an array`);
    }
    // Checked as we go so a huge product cannot overflow into nonsense.
    if (combinations > MAX_OR_COMBINATIONS) {
      invalid(`The $or relationships expand to more than ${MAX_OR_COMBINATIONS} rule combinations`);
    }
  }
  return { node: or ? { fields, or, orPosition } : { fields }, combinations };
}

function parseOr(alternatives: readonly unknown[], depth: number): ParsedObject[] {
  if (alternatives.length < 2) invalid('There must have at least 2 Objects in $or relationship.');
  return alternatives.map((alternative) => {
    if (!isPlainObject(alternative)) invalid('Only JSON object is allowed in array of $or relationship.');
    return parseObject(alternative, depth + 1);
  });
}

function parseCondition(element: unknown): LeafCondition {
  if (element === null || typeof element === 'string' || typeof element === 'boolean') {
    return { kind: 'exact', value: element };
  }
  if (typeof element === 'number') {
    if (!Number.isFinite(element)) invalid('Match value must be String, number, true, false, or null');
    return { kind: 'exact', value: element };
  }
  if (!isPlainObject(element)) invalid('Match value must be String, number, true, false, or null');
  const keys = Object.keys(element);
  if (keys.length === 0) invalid('Empty objects are not allowed');
  if (keys.length > 1) invalid('Only one key allowed in match expression');
  const operator = keys[0] ?? '';
  const operand = element[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return parsePrefixOrSuffix(operator, operand);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') invalid('equals-ignore-case match pattern must be a string');
      return { kind: 'equals-ignore-case', value: operand };
    case 'wildcard':
      return { kind: 'wildcard', pattern: parseWildcardValue(operand) };
    case 'numeric':
      return { kind: 'numeric', range: parseNumeric(operand) };
    case 'exists':
      if (typeof operand !== 'boolean') invalid('exists match pattern must be either true or false.');
      return { kind: 'exists', exists: operand };
    case 'cidr': {
      // The service really does say "prefix" here.
      if (typeof operand !== 'string') invalid('prefix match pattern must be a string');
      const block = parseCidr(operand);
      if ('error' in block) invalid(block.error);
      return { kind: 'cidr', block };
    }
    case 'anything-but':
      return { kind: 'anything-but', but: parseAnythingBut(operand) };
    default:
      return invalid(`Unrecognized match type ${operator}`);
  }
}

function parsePrefixOrSuffix(operator: 'prefix' | 'suffix', operand: unknown): LeafCondition {
  if (typeof operand === 'string') return { kind: operator, value: operand, ignoreCase: false };
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) invalid('Only one key allowed in match expression');
    const inner = keys[0] ?? '';
    if (inner !== 'equals-ignore-case') invalid(`Unsupported ${operator} pattern: ${inner}`);
    const value = operand[inner];
    if (typeof value !== 'string') invalid('equals-ignore-case match pattern must be a string');
    return { kind: operator, value, ignoreCase: true };
  }
  return invalid(`${operator} match pattern must be a string`);
}

function parseWildcardValue(operand: unknown): WildcardPattern {
  if (typeof operand !== 'string') invalid('wildcard match pattern must be a string');
  const parsed = parseWildcard(operand);
  if ('error' in parsed) invalid(parsed.error);
  if (wildcardStarCount(parsed) > MAX_WILDCARD_STARS) {
    invalid(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
  }
  return parsed;
}

const LOWER_BOUND_OPERATORS = new Set(['>', '>=']);
const UPPER_BOUND_OPERATORS = new Set(['<', '<=']);

function numericOperand(operator: string, operand: unknown): number {
  const name = operator === '=' ? 'equals' : operator;
  if (typeof operand !== 'number' || !Number.isFinite(operand)) invalid(`Value of ${name} must be numeric`);
  if (comparableNumber(operand) === undefined) {
    invalid(`Value must be between ${-NUMBER_LIMIT / 1e9}E9 and ${NUMBER_LIMIT / 1e9}E9, inclusive`);
  }
  return comparableNumber(operand) ?? 0;
}

function parseNumeric(operand: unknown): NumericRange {
  if (!Array.isArray(operand)) invalid('Value of numeric must be an array.');
  if (operand.length === 0) invalid('Empty arrays are not allowed');
  const [operator, value] = operand;
  if (typeof operator !== 'string') invalid('Value of numeric must start with an operator');
  if (operator === '=' || UPPER_BOUND_OPERATORS.has(operator)) {
    const key = numericOperand(operator, value);
    if (operand.length > 2) invalid('Too many elements in numeric expression');
    if (operator === '=') return { lower: { key, inclusive: true }, upper: { key, inclusive: true } };
    return { upper: { key, inclusive: operator === '<=' } };
  }
  if (!LOWER_BOUND_OPERATORS.has(operator)) invalid(`Unrecognized numeric range operator: ${operator}`);
  const lower = { key: numericOperand(operator, value), inclusive: operator === '>=' };
  if (operand.length === 2) return { lower };
  const [, , upperOperator, upperValue] = operand;
  if (typeof upperOperator !== 'string' || !UPPER_BOUND_OPERATORS.has(upperOperator)) {
    invalid(`Bad numeric range operator: ${operandText(upperOperator)}`);
  }
  const upper = { key: numericOperand(upperOperator, upperValue), inclusive: upperOperator === '<=' };
  if (operand.length > 4) invalid('Too many terms in numeric range expression');
  if (lower.key >= upper.key) invalid('Bottom must be less than top');
  return { lower, upper };
}

/**
 * A pattern's value in an error message. Never String(value): `{"toString":1}` is valid JSON
 * whose String() throws a TypeError, and the validator throws only InvalidEventPatternError.
 */
function operandText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

const ANYTHING_BUT_SHAPE = 'Value of anything-but must be an array or single string/number value.';

function parseAnythingBut(operand: unknown): AnythingBut {
  if (typeof operand === 'string') return { kind: 'strings', values: [operand] };
  if (typeof operand === 'number' && Number.isFinite(operand)) return { kind: 'numbers', values: [operand] };
  if (Array.isArray(operand)) return parseAnythingButList(operand);
  if (!isPlainObject(operand)) invalid(ANYTHING_BUT_SHAPE);
  const keys = Object.keys(operand);
  if (keys.length !== 1) invalid('Only one key allowed in match expression');
  const operator = keys[0] ?? '';
  const value = operand[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(value)) invalid(ANYTHING_BUT_SHAPE);
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0) invalid('Empty arrays are not allowed');
      for (const item of values) {
        if (typeof item !== 'string') invalid('prefix/suffix match pattern must be a string');
        if (item === '') invalid('Null prefix/suffix not allowed');
      }
      return { kind: operator, values: values as string[] };
    }
    case 'equals-ignore-case': {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0) invalid('Empty arrays are not allowed');
      for (const item of values) {
        if (typeof item !== 'string') {
          invalid('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        }
      }
      return { kind: 'equals-ignore-case', values: values as string[] };
    }
    case 'wildcard': {
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0) invalid('Empty arrays are not allowed');
      return { kind: 'wildcard', patterns: values.map(parseWildcardValue) };
    }
    default:
      return invalid(`Unsupported anything-but pattern: ${operator}`);
  }
}

function parseAnythingButList(list: readonly unknown[]): AnythingBut {
  if (list.length === 0) invalid('Empty arrays are not allowed');
  let strings = 0;
  let numbers = 0;
  for (const item of list) {
    if (typeof item === 'string') strings++;
    else if (typeof item === 'number' && Number.isFinite(item)) numbers++;
    else invalid('Inside anything but list, start|null|boolean is not supported.');
  }
  if (strings > 0 && numbers > 0) {
    invalid('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return strings > 0 ? { kind: 'strings', values: list as string[] } : { kind: 'numbers', values: list as number[] };
}
