// (local AWS) matched event + a target's Input / InputPath / InputTransformer --> what the target receives, as EventBridge fills it
import { isRecord } from './validation';

/**
 * What a target receives for a matched event: the whole event, a constant `Input`, the part of
 * the event at `InputPath`, or an `InputTransformer` template filled from JSON paths and the
 * reserved variables. Rules follow the EventBridge User Guide (eb-transform-target-input):
 *
 * - InputPathsMap values and InputPath are JSON paths in dot notation (`$.detail.state`); bracket
 *   indexes (`$.resources[0]`) and quoted keys (`$['detail-type']`) are accepted too.
 * - A path that does not exist in the event creates no variable. Its placeholder is replaced by
 *   nothing inside a JSON string, by `null` where a JSON value is expected, and by nothing in a
 *   plain-text template (local choice: AWS documents only that the variable "won't appear").
 *   A placeholder that names no variable at all is left as written.
 * - A string value is inserted raw (unescaped, as AWS does) inside a JSON string or in a
 *   plain-text template, and as a quoted JSON string where a JSON value is expected; other values
 *   are inserted as their JSON text.
 * - Reserved variables: `aws.events.rule-name`, `aws.events.rule-arn`,
 *   `aws.events.event.ingestion-time` (ISO 8601), `aws.events.event` (the event without
 *   `detail`) and `aws.events.event.json` (the whole event).
 */

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** When the bus received the event, ISO 8601. */
  ingestionTime: string;
}

export interface TargetInputSpec {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

export const RESERVED_VARIABLES = [
  'aws.events.rule-name',
  'aws.events.rule-arn',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
] as const;

type PathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number };

/** Parses a JSON path (`$`, `$.a.b`, `$.a[0]`, `$['a-b']`); undefined if it is not one. */
export function parseJsonPath(path: string): PathStep[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let end = i + 1;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const key = path.slice(i + 1, end);
      if (key === '' || key === '*') return undefined;
      steps.push({ kind: 'key', key });
      i = end;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) return undefined;
      const inner = path.slice(i + 1, close);
      const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
      if (quoted) steps.push({ kind: 'key', key: quoted[1] ?? quoted[2] ?? '' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

/** The value at a JSON path, or `{ found: false }` when the path does not exist in `value`. */
export function evaluateJsonPath(value: unknown, path: string): { found: true; value: unknown } | { found: false } {
  const steps = parseJsonPath(path);
  if (steps === undefined) return { found: false };
  let current: unknown = value;
  for (const step of steps) {
    if (step.kind === 'key') {
      if (!isRecord(current) || !Object.hasOwn(current, step.key)) return { found: false };
      current = current[step.key];
    } else {
      if (!Array.isArray(current) || step.index >= current.length) return { found: false };
      current = current[step.index];
    }
  }
  return { found: true, value: current };
}

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/y;

/** Fills an InputTemplate. `variables` holds the created variables; `declared` every name that is a variable. */
export function renderTemplate(
  template: string,
  variables: ReadonlyMap<string, unknown>,
  declared: ReadonlySet<string>,
): string {
  const trimmed = template.trimStart();
  const isJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] ?? '';
    if (c === '<') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(template);
      const name = match?.[1];
      if (match !== null && name !== undefined && declared.has(name)) {
        out += substitute(variables.get(name), variables.has(name), isJson && !inString);
        i += match[0].length - 1;
        continue;
      }
    }
    if (isJson) {
      if (c === '\\' && inString) {
        out += c + (template[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = !inString;
    }
    out += c;
  }
  return out;
}

function substitute(value: unknown, exists: boolean, asJsonValue: boolean): string {
  if (!exists) return asJsonValue ? 'null' : '';
  if (typeof value === 'string') return asJsonValue ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? 'null';
}

/** The text a target receives for `event` (the envelope EventBridge built). */
export function transformInput(
  target: TargetInputSpec,
  event: Record<string, unknown>,
  context: TransformContext,
): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const result = evaluateJsonPath(event, target.InputPath);
    return result.found ? (JSON.stringify(result.value) ?? 'null') : 'null';
  }
  const transformer = target.InputTransformer;
  if (transformer === undefined) return JSON.stringify(event);
  const variables = new Map<string, unknown>();
  const declared = new Set<string>(RESERVED_VARIABLES);
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    declared.add(name);
    const result = evaluateJsonPath(event, path);
    if (result.found) variables.set(name, result.value);
  }
  const { detail: _detail, ...withoutDetail } = event;
  variables.set('aws.events.rule-name', context.ruleName);
  variables.set('aws.events.rule-arn', context.ruleArn);
  variables.set('aws.events.event.ingestion-time', context.ingestionTime);
  variables.set('aws.events.event', withoutDetail);
  variables.set('aws.events.event.json', event);
  return renderTemplate(transformer.InputTemplate, variables, declared);
}
