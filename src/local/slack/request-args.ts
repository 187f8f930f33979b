// (local Slack) a Web API request (form or JSON body, query, token) --> one argument record, checked with zod as Slack would
import { z } from 'zod';
import { invalidArguments, missingArgument, SlackApiError } from './slack-api-error';

/**
 * Arguments of a Web API call. WebClient sends `application/x-www-form-urlencoded` with objects
 * (blocks, view) JSON-stringified and booleans/numbers as strings; other clients send JSON. Both
 * arrive here as one record; schemas below accept either representation.
 */
export type RawArgs = Record<string, unknown>;

export interface ParsedRequest {
  args: RawArgs;
  /** Slack accepts `token` as a form field, never inside a JSON body (JSON needs the header). */
  bodyToken: string | undefined;
}

const JsonObject = z.record(z.string(), z.unknown());

export function parseRequestArgs(contentType: string | undefined, body: string, query: URLSearchParams): ParsedRequest {
  const args: RawArgs = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let bodyToken: string | undefined;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    const object = JsonObject.safeParse(parsed);
    if (!object.success) throw new SlackApiError('invalid_json');
    const { token: _ignored, ...rest } = object.data;
    Object.assign(args, rest);
  } else if (type === 'application/x-www-form-urlencoded' || (type === '' && body.length > 0)) {
    const form = Object.fromEntries(new URLSearchParams(body));
    bodyToken = form.token;
    delete form.token;
    Object.assign(args, form);
  } else if (body.length > 0) {
    // multipart is only needed for file uploads, which pipewatch does not do.
    throw new SlackApiError('invalid_form_data');
  }
  if (typeof args.token === 'string') {
    bodyToken ??= args.token;
    delete args.token;
  }
  return { args, bodyToken };
}

/** `true`/`false` as JSON booleans or the strings WebClient's form encoding produces. */
export const boolArg = z.preprocess((v) => {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return v;
}, z.boolean());

export const intArg = z.preprocess(
  (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
  z.number().int(),
);

/**
 * Checks required arguments first (Slack names the missing one), then the types with zod; a type
 * mismatch is `invalid_arguments` with the offending path, as Slack's `[ERROR]` messages do.
 */
export function parseArgs<S extends z.ZodType>(
  schema: S,
  args: RawArgs,
  required: readonly string[] = [],
): z.output<S> {
  for (const name of required) {
    const value = args[name];
    if (value === undefined || value === null || value === '') throw missingArgument(name);
  }
  const result = schema.safeParse(args);
  if (!result.success) {
    throw invalidArguments(
      result.error.issues.map((issue) => `${issue.message} [json-pointer:/${issue.path.map(String).join('/')}]`),
    );
  }
  return result.data;
}

/** A JSON-typed argument that a form body carries as a string (`blocks`, `view`). */
export function decodeJsonArg(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}
