// (local AWS) SigV4 on the way in: Authorization header --> algorithm, scope, date, signed headers --> the signature recomputed with the local secret, or AWS's refusal
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AwsServiceError } from './aws-error';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The IAM user the key belongs to (the local AWS's extra users): the caller is `arn:aws:iam::<account>:user/<userName>`. */
  readonly userName?: string;
  /** Temporary credentials (STS): the `X-Amz-Security-Token` every request signed with this key must carry. */
  readonly sessionToken?: string;
}

/** Who signed a request, and for which region (the credential scope's). */
export interface SigV4Signer {
  readonly credentials: AwsCredentials;
  readonly region: string;
}

/**
 * What the local AWS accepts unless told otherwise, and what the local mode's own clients, the
 * tests and the README use: `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`. Public on purpose:
 * the signature keeps out what a browser can send on its own (a cross-site form, a page under
 * another name), not a developer's own tools. (Not frozen: the SDK marks the credentials object it
 * is given; give clients a copy.)
 */
export const LOCAL_AWS_CREDENTIALS: AwsCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A request as it came over the wire, for its signature to be checked. */
export interface IncomingSignedRequest {
  readonly method: string;
  /** The request target as sent: the percent-encoded path and query. */
  readonly target: string;
  /** Node's `rawHeaders`: name, value, name, value… in the order received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface SigV4Check {
  /** The service's signing name (`events`, `codepipeline`, `dynamodb`, `ssm`, `sqs`, `lambda`). */
  readonly service: string;
  /**
   * The key requests may be signed with, or several (one per local IAM user), or a lookup (which
   * also finds the temporary keys STS issued): the access key picks one.
   */
  readonly credentials:
    | AwsCredentials
    | readonly AwsCredentials[]
    | ((accessKeyId: string) => AwsCredentials | undefined);
  /** Milliseconds since the epoch: real time, which is what the SDK signs with. */
  readonly now: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
/** How far x-amz-date may be from now, either way, as AWS allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Checks an AWS Signature Version 4 `Authorization` header as AWS does, in AWS's order, throwing its
 * refusal (an AwsServiceError with AWS's type, message and common status: 400 for an incomplete
 * signature, 403 otherwise): no or a non-AWS4 header, MissingAuthenticationTokenException; a header missing a part, an
 * unknown algorithm, a malformed date or credential, IncompleteSignatureException; a date more than
 * 15 minutes off, `host` not signed, a scope for another service or day, a body that is not the one
 * signed, a wrong signature, InvalidSignatureException; an unknown access key,
 * UnrecognizedClientException. The canonical request is built from what came over the wire, with
 * the headers the client says it signed, so any SigV4 client (the SDKs, the AWS CLI) is checked the
 * same way. The region is any the client chose (returned: it selects the place that answers). A
 * temporary key must come with its own `X-Amz-Security-Token` (missing or another one:
 * UnrecognizedClientException, as AWS answers a token it does not know).
 */
export function verifySigV4(request: IncomingSignedRequest, check: SigV4Check): SigV4Signer {
  const headers = headerValues(request.rawHeaders);
  const authorization = headers.get('authorization')?.[0]?.trim();
  if (authorization === undefined || !authorization.startsWith('AWS4-')) {
    throw new AwsServiceError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', 403);
  }
  const [algorithm = '', ...rest] = authorization.split(/\s+/);
  const parts = authorizationParts(rest.join(' '));
  const missing = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !parts.get(name))
    .map((name) => `Authorization header requires '${name}' parameter. `);
  const amzDate = headers.get('x-amz-date')?.[0]?.trim();
  if (amzDate === undefined) missing.push("Authorization header requires existence of a 'X-Amz-Date' header. ");
  if (missing.length > 0 || amzDate === undefined) {
    throw incomplete(`${missing.join('')}Authorization=${authorization}`);
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (signedAt < check.now - MAX_SKEW_MS) {
    throw invalid(
      `Signature expired: ${amzDate} is now earlier than ${amzDateOf(check.now - MAX_SKEW_MS)} (${amzDateOf(check.now)} - 15 min.)`,
    );
  }
  if (signedAt > check.now + MAX_SKEW_MS) {
    throw invalid(
      `Signature not yet current: ${amzDate} is still later than ${amzDateOf(check.now + MAX_SKEW_MS)} (${amzDateOf(check.now)} + 15 min.)`,
    );
  }
  const signedHeaders = (parts.get('SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase());
  if (!signedHeaders.includes('host')) throw invalid("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (algorithm !== ALGORITHM)
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `);

  const credential = (parts.get('Credential') ?? '').replace(/\/+$/, '');
  const scope = credential.split('/');
  if (scope.length !== 5) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId = '', day = '', region = '', service = '', terminator = ''] = scope;
  const scopeProblems = [
    /^[a-z0-9-]+$/.test(region) ? '' : `Credential should be scoped to a valid region, not '${region}'. `,
    service === check.service ? '' : `Credential should be scoped to correct service: '${check.service}'. `,
    terminator === TERMINATOR
      ? ''
      : `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `,
    day === amzDate.slice(0, 8)
      ? ''
      : `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
  ].join('');
  if (scopeProblems !== '') throw invalid(scopeProblems.trim());
  const credentials = findCredentials(check.credentials, accessKeyId);
  const token = headers.get('x-amz-security-token')?.[0]?.trim();
  if (credentials === undefined || (credentials.sessionToken !== undefined && token !== credentials.sessionToken)) {
    throw new AwsServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }

  const payloadHash = sha256Hex(request.body);
  const declaredHash = headers.get('x-amz-content-sha256')?.[0]?.trim();
  if (declaredHash !== undefined && declaredHash !== payloadHash) {
    throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonical = canonicalRequest(request, headers, signedHeaders, payloadHash);
  const stringToSign = [ALGORITHM, amzDate, `${day}/${region}/${service}/${TERMINATOR}`, sha256Hex(canonical)].join(
    '\n',
  );
  const key = signingKey(credentials.secretAccessKey, day, region, service);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from((parts.get('Signature') ?? '').toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid(SIGNATURE_MISMATCH);
  return { credentials, region };
}

function findCredentials(known: SigV4Check['credentials'], accessKeyId: string): AwsCredentials | undefined {
  if (typeof known === 'function') return known(accessKeyId);
  const list: readonly AwsCredentials[] = Array.isArray(known) ? known : [known as AwsCredentials];
  return list.find((candidate) => candidate.accessKeyId === accessKeyId);
}

/**
 * The canonical request (AWS's "Create a canonical request for Signature Version 4"): method, the
 * path as the SDKs canonicalize it for every service but S3 (dot segments and empty segments
 * removed, then each character URI-encoded once more), the query sorted, the signed headers with
 * their values trimmed and inner runs of spaces folded (repeated headers joined by commas), the
 * list of signed headers, and the payload's SHA-256.
 */
export function canonicalRequest(
  request: Pick<IncomingSignedRequest, 'method' | 'target'>,
  headers: ReadonlyMap<string, readonly string[]>,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const queryAt = request.target.indexOf('?');
  const path = queryAt === -1 ? request.target : request.target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : request.target.slice(queryAt + 1);
  const headerLines = signedHeaders.map(
    (name) => `${name}:${(headers.get(name) ?? []).map((value) => value.replace(/[ \t]+/g, ' ').trim()).join(',')}\n`,
  );
  return [
    request.method,
    canonicalPath(path),
    canonicalQuery(query),
    headerLines.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** The key for one day, region and service: HMAC chained from `AWS4` + the secret. */
export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  let key = Buffer.from(`AWS4${secret}`, 'utf8');
  for (const part of [day, region, service, TERMINATOR]) key = createHmac('sha256', key).update(part).digest();
  return key;
}

/** Header values by lower-case name, in the order received (from Node's `rawHeaders`). */
export function headerValues(rawHeaders: readonly string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const list = values.get(name) ?? [];
    list.push(rawHeaders[i + 1] ?? '');
    values.set(name, list);
  }
  return values;
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: string): string {
  return (
    query
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair): [string, string] => {
        const at = pair.indexOf('=');
        const key = at === -1 ? pair : pair.slice(0, at);
        const value = at === -1 ? '' : pair.slice(at + 1);
        return [uriEncode(decode(key)), uriEncode(decode(value))];
      })
      // By key, then by value: `a=1` before `a-b=1`, which a sort of the joined pairs would not give.
      .sort(([keyA, valueA], [keyB, valueB]) => compare(keyA, keyB) || compare(valueA, valueB))
      .map(([key, value]) => `${key}=${value}`)
      .join('&')
  );
}

/** RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~`. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `Credential=…, SignedHeaders=…, Signature=…` (commas, spaces or both between them). */
function authorizationParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of text.split(/[,\s]+/)) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at), part.slice(at + 1));
  }
  return parts;
}

function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return Number.isNaN(time) ? undefined : time;
}

function amzDateOf(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function incomplete(message: string): AwsServiceError {
  return new AwsServiceError('IncompleteSignatureException', message, 400);
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidSignatureException', message, 403);
}
