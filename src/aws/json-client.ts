// (adapter infrastructure) AWS JSON protocol calls (DynamoDB, CodePipeline, SSM), SigV4-signed, over node:http(s)
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { REGION_CODE } from '../core/events';
import {
  type AwsClientSettings,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  environmentRegion,
  nonEmpty,
} from './client-settings';

/*
 * Why not the AWS SDK v3 clients here. The notify function has a cold-start budget of 150 ms
 * (require + first invocation) and needs DynamoDB, CodePipeline and SSM on its first invocation.
 * The SDK's three clients alone cost ~160 ms of that on this machine (require ~92 ms + first calls
 * ~70 ms, measured against a loopback server that answers `{}`), one client ~110 ms; this module
 * does the same calls in ~35 ms. The three services speak AWS's JSON protocol — a POST of a JSON
 * document named by `X-Amz-Target`, answered with JSON or with `__type` + `message` — so a call is
 * one signed request. Signing is the SDK's own signer (@smithy/signature-v4).
 *
 * What it does as the SDK's standard mode does: SigV4 with the session token; AWS_ENDPOINT_URL_<SERVICE>
 * then AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), AWS_USE_FIPS_ENDPOINT; up to
 * 3 attempts with full-jitter exponential backoff on throttling, 5xx and network errors;
 * connection and socket-idle timeouts; keep-alive connections. Errors carry the service's error
 * code as `name` (as SDK exceptions do, so awsErrorName matches either), `$fault`, `$retryable`
 * and `$metadata` (HTTP status, request id, attempts). Credentials: the environment's (how Lambda
 * hands over the function role's), given ones, or a provider's. What it leaves out: clock-skew
 * correction, DynamoDB's CRC32 response check, dual-stack endpoints. EventBridge rule management
 * (the Slack function only, no cold-start budget) stays on the SDK.
 */

/** A service that speaks the AWS JSON protocol. */
export interface AwsJsonService {
  /** SigV4 signing name, and the endpoint's first label. */
  readonly signingName: string;
  /** `X-Amz-Target` is `<targetPrefix>.<Operation>`. */
  readonly targetPrefix: string;
  /** `application/x-amz-json-<version>`. */
  readonly jsonVersion: '1.0' | '1.1';
  /** `AWS_ENDPOINT_URL_<envName>` overrides this service's endpoint. */
  readonly envName: string;
}

export const DYNAMODB: AwsJsonService = {
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  envName: 'DYNAMODB',
};
export const CODEPIPELINE: AwsJsonService = {
  signingName: 'codepipeline',
  targetPrefix: 'CodePipeline_20150709',
  jsonVersion: '1.1',
  envName: 'CODEPIPELINE',
};
export const SSM: AwsJsonService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  jsonVersion: '1.1',
  envName: 'SSM',
};

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsJsonClientOptions extends AwsClientSettings {
  readonly service: AwsJsonService;
  /** Default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then the service's regional endpoint. */
  readonly endpoint?: string;
  /**
   * Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, read at each call (how
   * Lambda hands a function its role). A provider is asked at each call and is expected to cache
   * and refresh (the SDK's `defaultProvider()` does), e.g. for `pipewatch local --aws real`.
   */
  readonly credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  readonly env?: NodeJS.ProcessEnv;
  /** Injectable for tests of the backoff. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * A failed call: the service's error (`name` is its code) or a network failure after the last
 * attempt. `$fault` is the service's verdict, so it is absent when no answer came (a network
 * failure, a timeout), as on the SDK's errors.
 */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server' | undefined;
  readonly $retryable: boolean;
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string; readonly attempts: number };

  constructor(
    name: string,
    message: string,
    details: {
      fault?: 'client' | 'server';
      retryable: boolean;
      httpStatusCode?: number;
      requestId?: string;
      attempts: number;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.$fault = details.fault;
    this.$retryable = details.retryable;
    this.$metadata = {
      ...(details.httpStatusCode === undefined ? {} : { httpStatusCode: details.httpStatusCode }),
      ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      attempts: details.attempts,
    };
  }
}

/** Error codes the SDK's standard retry strategy treats as throttling (retried, with a longer base delay). */
const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Transient by code, whatever the status. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'RequestTimeoutException', 'InternalError']);
/** Socket errors worth another attempt (a reset keep-alive connection, a refused or timed-out connect). */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

/** Shared by every client, like the SDK's per-process agents; idle sockets are unref'd by node, so they never hold a process open. */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** One AWS JSON-protocol service, as one region and endpoint. */
export class AwsJsonClient {
  readonly service: AwsJsonService;
  readonly region: string;
  readonly endpoint: URL;
  private readonly credentials: AwsCredentials | (() => Promise<AwsCredentials>) | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly maxAttempts: number;
  private readonly connectionTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly options: AwsJsonClientOptions;
  /** Asks currentCredentials at each signing; it caches its signing keys per credentials and day. */
  private readonly signer: SignatureV4;

  constructor(options: AwsJsonClientOptions) {
    this.options = options;
    this.service = options.service;
    this.env = options.env ?? process.env;
    const region = nonEmpty(options.region) ?? environmentRegion(this.env);
    if (region === undefined) {
      throw new Error(`${options.service.signingName}: no AWS region (set AWS_REGION, or pass region)`);
    }
    // The region becomes part of the endpoint's host name: a region code, nothing else.
    if (!REGION_CODE.test(region)) {
      throw new Error(`${options.service.signingName}: ${JSON.stringify(region)} is not an AWS region code`);
    }
    this.region = region;
    this.endpoint = new URL(options.endpoint ?? resolveEndpoint(options.service, region, this.env));
    if (this.endpoint.protocol !== 'https:' && this.endpoint.protocol !== 'http:') {
      throw new Error(`${options.service.signingName}: unsupported endpoint ${this.endpoint.href}`);
    }
    this.credentials = options.credentials;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.connectionTimeoutMs = options.connectionTimeout ?? DEFAULT_CONNECTION_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.signer = new SignatureV4({
      service: this.service.signingName,
      region: this.region,
      credentials: () => this.currentCredentials(),
      sha256: NodeSha256,
      applyChecksum: false,
    });
  }

  /**
   * `operation` with `input` (the API's JSON request); resolves to its JSON answer (timestamps as
   * epoch seconds, as on the wire; null members left out). Rejects with AwsServiceError once the attempts are spent or
   * the error is not retryable.
   */
  async call<Output = Record<string, unknown>>(operation: string, input: object): Promise<Output> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      let failure: AwsServiceError;
      try {
        const response = await this.exchange(operation, body);
        if (response.status >= 200 && response.status < 300) return parseOutput<Output>(response, attempt);
        failure = serviceError(response, attempt);
      } catch (error) {
        if (error instanceof AwsServiceError) throw error;
        failure = networkError(error, attempt, this.service, operation);
      }
      if (!failure.$retryable || attempt >= this.maxAttempts) throw failure;
      const base = THROTTLING_CODES.has(failure.name) ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
      await this.sleep(Math.floor(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1))));
    }
  }

  /**
   * The same client for another region: same credentials, settings and injected parts; the
   * endpoint is resolved again for that region unless one was given explicitly.
   */
  withRegion(region: string): AwsJsonClient {
    return region === this.region ? this : new AwsJsonClient({ ...this.options, region });
  }

  /** One signed request, one answer (any status). */
  private async exchange(operation: string, body: string): Promise<RawResponse> {
    const url = this.endpoint;
    const path = url.pathname === '' ? '/' : url.pathname;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path,
      query: {},
      headers: {
        host: url.host,
        'content-type': `application/x-amz-json-${this.service.jsonVersion}`,
        'x-amz-target': `${this.service.targetPrefix}.${operation}`,
      },
      body,
    });
    return request(url, path, signed.headers, body, this.connectionTimeoutMs, this.requestTimeoutMs);
  }

  private async currentCredentials(): Promise<AwsCredentials> {
    if (typeof this.credentials === 'function') {
      try {
        return await this.credentials();
      } catch (error) {
        throw new AwsServiceError('CredentialsProviderError', `no AWS credentials: ${String(error)}`, {
          fault: 'client',
          retryable: false,
          attempts: 1,
          cause: error,
        });
      }
    }
    if (this.credentials !== undefined) return this.credentials;
    const accessKeyId = nonEmpty(this.env.AWS_ACCESS_KEY_ID);
    const secretAccessKey = nonEmpty(this.env.AWS_SECRET_ACCESS_KEY);
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      throw new AwsServiceError(
        'CredentialsProviderError',
        'no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them from the function role)',
        { fault: 'client', retryable: false, attempts: 1 },
      );
    }
    const sessionToken = nonEmpty(this.env.AWS_SESSION_TOKEN);
    return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
  }
}

/**
 * The endpoint as the SDK resolves it: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL (neither
 * when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), then `https://<service>[-fips].<region>.<suffix>`.
 */
export function resolveEndpoint(service: AwsJsonService, region: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const configured = nonEmpty(env[`AWS_ENDPOINT_URL_${service.envName}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
    if (configured !== undefined) return configured;
  }
  const fips = env.AWS_USE_FIPS_ENDPOINT?.toLowerCase() === 'true' ? '-fips' : '';
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${service.signingName}${fips}.${region}.${suffix}`;
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
  connectionTimeoutMs: number,
  requestTimeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request({
      protocol: url.protocol,
      // An IPv6 literal without its brackets, as node's urlToHttpOptions gives it (the signed Host keeps them).
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      method: 'POST',
      path,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: agents[secure ? 'https:' : 'http:'],
    });
    const fail = (error: Error) => {
      req.destroy();
      reject(error);
    };
    // Connection timeout: only for a new socket (a reused keep-alive socket is already connected).
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () =>
          fail(Object.assign(new Error(`connection timed out after ${connectionTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
        connectionTimeoutMs,
      );
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.setTimeout(requestTimeoutMs, () =>
      fail(Object.assign(new Error(`no answer for ${requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end(body);
  });
}

/** The service's error from a non-2xx answer: X-Amzn-ErrorType, else the body's `__type` or `code`, without namespace (as the SDK reads them). */
function serviceError(response: RawResponse, attempts: number): AwsServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(response.body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page, an empty 5xx): the status names it below.
  }
  const rawType =
    headerValue(response.headers['x-amzn-errortype']) ??
    (typeof parsed.__type === 'string' ? parsed.__type : undefined) ??
    (typeof parsed.code === 'string' ? parsed.code : undefined);
  const code = rawType === undefined ? undefined : errorCode(rawType);
  const name = code ?? (response.status >= 500 ? 'InternalFailure' : `Http${response.status}Error`);
  const rawMessage = parsed.message ?? parsed.Message ?? parsed.errorMessage;
  const message =
    typeof rawMessage === 'string' && rawMessage !== '' ? rawMessage : `${name} (HTTP ${response.status})`;
  const retryable =
    THROTTLING_CODES.has(name) || TRANSIENT_CODES.has(name) || response.status >= 500 || response.status === 429;
  const requestId = requestIdOf(response);
  return new AwsServiceError(name, message, {
    fault: response.status >= 500 ? 'server' : 'client',
    retryable,
    httpStatusCode: response.status,
    ...(requestId === undefined ? {} : { requestId }),
    attempts,
  });
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException:http://…` → `ConditionalCheckFailedException`. */
export function errorCode(rawType: string): string {
  const afterNamespace = rawType.slice(rawType.lastIndexOf('#') + 1);
  const colon = afterNamespace.indexOf(':');
  return colon === -1 ? afterNamespace : afterNamespace.slice(0, colon);
}

function networkError(error: unknown, attempts: number, service: AwsJsonService, operation: string): AwsServiceError {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return new AwsServiceError(
    code === 'ETIMEDOUT' ? 'TimeoutError' : 'NetworkingError',
    `${service.signingName} ${operation}: ${reason}`,
    { retryable: code !== undefined && TRANSIENT_NETWORK_CODES.has(code), attempts, cause: error },
  );
}

/**
 * A 2xx answer's JSON (an empty body is `{}`), its null members dropped as the SDK's deserializer
 * drops them, so that callers see one "absent". A body that is not a JSON object is the service's
 * fault, not retried.
 */
function parseOutput<Output>(response: RawResponse, attempts: number): Output {
  if (response.body.trim() === '') return {} as Output;
  let value: unknown;
  try {
    value = JSON.parse(response.body, withoutNullMembers);
  } catch (error) {
    value = error;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error)) {
    return value as Output;
  }
  const requestId = requestIdOf(response);
  throw new AwsServiceError('SerializationError', `HTTP ${response.status} answer is not a JSON object`, {
    fault: 'server',
    retryable: false,
    httpStatusCode: response.status,
    ...(requestId === undefined ? {} : { requestId }),
    attempts,
    ...(value instanceof Error ? { cause: value } : {}),
  });
}

/** A JSON.parse reviver: an object's null member is left out; a null array element stays. */
function withoutNullMembers(this: unknown, _key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}

function requestIdOf(response: RawResponse): string | undefined {
  return headerValue(response.headers['x-amzn-requestid']) ?? headerValue(response.headers['x-amz-request-id']);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer asks for (@smithy/types Checksum). */
class NodeSha256 {
  private readonly secret: string | Uint8Array | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
