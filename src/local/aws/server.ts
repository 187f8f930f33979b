// (local AWS) one loopback HTTP endpoint: loopback Host, X-Amz-Target --> SigV4 (account keys, STS sessions) --> the signer's (account, region) place: EventBridge, CodePipeline, CodeBuild, Logs; the home's SSM, SQS, Service Quotas, DynamoDB (dynalite), Lambda Invoke, Scheduler; STS (query protocol)
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createLoopbackServer, header, listen, readBodyBytes, sendJson } from '../http';
import { AwsServiceError } from './aws-error';
import { type Clock, RealClock } from './clock';
import type { LocalCodeBuild } from './codebuild/local-codebuild';
import type { LocalCodePipeline } from './codepipeline/local-codepipeline';
import { type LocalDynamoDb, startDynamoDb } from './dynamodb';
import type { LocalEventBridge } from './eventbridge/local-eventbridge';
import { accessDeniedMessage, authorize, type Identity, iamUniqueId } from './identity';
import { LambdaRegistry } from './lambda-registry';
import type { LocalLogs } from './logs/local-logs';
import { type LocalAwsPlace, type LocalAwsPlaceOptions, Places, placeDataDir } from './places';
import { LocalScheduler } from './scheduler/local-scheduler';
import type { LocalService } from './service';
import { LocalServiceQuotas } from './service-quotas/local-service-quotas';
import { type AwsCredentials, LOCAL_AWS_CREDENTIALS, verifySigV4 } from './sigv4';
import { LocalSqs } from './sqs/local-sqs';
import { LocalSsm } from './ssm/local-ssm';
import { errorDocument, type LocalRoleOptions, LocalSts, stsAuthError } from './sts/local-sts';

export interface LocalAwsOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Persist buses, rules, targets, tags, pipelines, executions, tables and parameters here; in memory without it. */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** The pipeline simulator's time; real time by default. */
  clock?: Clock;
  /** Real time runs this many times faster for the pipeline simulator (ignored with `clock`). */
  speed?: number;
  /** EventBridge's rules-per-bus quota (300 in most regions): enforced by PutRule, and Service Quotas' applied value. */
  rulesPerBus?: number;
  /** Pipelines to create at start (the simulator's definitions format or the AWS shape). */
  definitionsFile?: string;
  /** The simulator's random source (failure injection with a probability). */
  random?: () => number;
  /** The one access key and secret requests must be signed with (SigV4). Default LOCAL_AWS_CREDENTIALS (`test`/`test`). */
  credentials?: AwsCredentials;
  /**
   * More IAM users, each with its own key (`userName` required): a request they sign is theirs, e.g.
   * an approval answered "in the console" by `jane` records `arn:aws:iam::<account>:user/jane`.
   */
  users?: readonly AwsCredentials[];
  /**
   * More places, each an (account, region) with its own CodePipeline simulator, CodeBuild, Logs and
   * EventBridge: other regions of the home account, other accounts' regions. SSM, SQS, DynamoDB,
   * Lambda, Scheduler and Service Quotas stay the home account's (any region).
   */
  places?: readonly LocalAwsPlaceOptions[];
  /** Roles callers may assume with STS AssumeRole (each role's account needs a place). */
  roles?: readonly LocalRoleOptions[];
}

export interface LocalAws {
  /** e.g. `http://127.0.0.1:4566`, for AWS_ENDPOINT_URL. */
  endpoint: string;
  region: string;
  accountId: string;
  /** What every request must be signed with: give these to the SDK clients and the AWS CLI. */
  credentials: AwsCredentials;
  eventBridge: LocalEventBridge;
  codePipeline: LocalCodePipeline;
  /** SSM Parameter Store (the handlers' secrets). */
  ssm: LocalSsm;
  /** SQS: the dead-letter queue failed notify invocations land in (`pipewatch redrive` reads it). */
  sqs: LocalSqs;
  /** CodeBuild (BatchGetBuilds) and CloudWatch Logs (GetLogEvents): the builds of the simulator's CodeBuild actions. */
  codeBuild: LocalCodeBuild;
  logs: LocalLogs;
  /** EventBridge Scheduler (REST-JSON on `/schedules/…`): approval reminders. */
  scheduler: LocalScheduler;
  /** Service Quotas (GetServiceQuota): EventBridge's "Number of rules", the bus's quota `status` shows. */
  serviceQuotas: LocalServiceQuotas;
  lambdas: LambdaRegistry;
  /** The local AWS's time: the given clock, or its own real one (what schedules run on). */
  clock: Clock;
  /** Every place, the home one (whose services are the fields above) first. */
  places: readonly LocalAwsPlace[];
  /** The place of this account and region, exactly; throws if it is not configured. */
  place(accountId: string, region: string): LocalAwsPlace;
  /** STS: the roles, and the sessions it issued. */
  sts: LocalSts;
  stop(): Promise<void>;
}

const DYNAMODB_TARGET = 'DynamoDB_20120810.';
/** The query protocol STS speaks (the SDK's STSClient): a form POST to `/`, no X-Amz-Target. */
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
/** As the local EventBridge: AWS's default rules per bus in most regions. */
const DEFAULT_RULES_PER_BUS = 300;
/** Lambda's Invoke (REST): `POST /2015-03-31/functions/<name or ARN>/invocations`. */
const LAMBDA_INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAX_BODY = 10 * 1024 * 1024;

/**
 * The local AWS: one HTTP server on loopback speaking the AWS JSON protocol for EventBridge,
 * CodePipeline, SSM Parameter Store and SQS, with DynamoDB (dynalite) and Lambda's Invoke behind the
 * same endpoint, so one AWS_ENDPOINT_URL points every SDK client at it. As AWS, it answers only
 * requests signed (SigV4) with its credentials, and only under a loopback Host name: a web page can
 * neither read the parameters (the Slack and Teams secrets) nor change anything.
 *
 * Accounts and regions: the default key and the named users act in the home account; STS's
 * temporary keys act as their role in the role's account, with the role's permissions. The signer's
 * account and the signature's region select the place that answers EventBridge, CodePipeline,
 * CodeBuild and Logs (see Places.resolve); the other services are the home account's alone.
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const credentials = options.credentials ?? LOCAL_AWS_CREDENTIALS;
  const bindHost = options.host ?? '127.0.0.1';
  const keys = [credentials, ...(options.users ?? [])];
  const ownClock = options.clock === undefined ? new RealClock(options.speed ?? 1) : undefined;
  const clock = options.clock ?? (ownClock as RealClock);
  const sts = new LocalSts(clock, options.roles);
  const authenticate: Authenticate = (req, body, service) => {
    const signer = verifySigV4(
      { method: req.method ?? 'GET', target: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      {
        service,
        credentials: (key) => keys.find((known) => known.accessKeyId === key) ?? sts.session(key)?.credentials,
        now: Date.now(),
      },
    );
    const session = sts.session(signer.credentials.accessKeyId);
    if (session !== undefined) {
      if (clock.now() >= session.expiresAt) {
        throw new AwsServiceError('ExpiredTokenException', 'The security token included in the request is expired');
      }
      return { identity: session.identity, region: signer.region };
    }
    return { identity: keyIdentity(accountId, signer.credentials), region: signer.region };
  };
  const lambdas = new LambdaRegistry();
  const places = new Places();
  const placeSettings = { clock, lambdas, random: options.random, rulesPerBus: options.rulesPerBus };
  let home: LocalAwsPlace;
  try {
    home = places.create({
      ...placeSettings,
      accountId,
      region,
      dataDir: options.dataDir,
      definitionsFile: options.definitionsFile,
    });
    for (const place of options.places ?? []) {
      places.create({
        ...placeSettings,
        ...place,
        dataDir: placeDataDir(options.dataDir, place.accountId, place.region),
      });
    }
    const placeless = sts.roleAccounts().filter((account) => places.resolve(account, region) === undefined);
    if (placeless.length > 0) {
      throw new Error(`roles of account ${placeless.join(', ')}: give the account a place (options.places) to act in`);
    }
  } catch (error) {
    // A configuration mistake stops the start, leaving no simulator timer behind.
    await places.close();
    ownClock?.dispose();
    throw error;
  }
  const { eventBridge, codePipeline, codeBuild, logs } = home;
  const rulesPerBus = options.rulesPerBus ?? DEFAULT_RULES_PER_BUS;
  const serviceQuotas = new LocalServiceQuotas({ region, accountId, rulesPerBus: () => rulesPerBus });
  const ssm = new LocalSsm({ region, accountId, clock, dataDir: options.dataDir });
  const dynamo = await startDynamoDb(options.dataDir);
  let endpoint = '';
  const sqs = new LocalSqs({ region, accountId, clock, endpoint: () => endpoint });
  lambdas.destinationSink = (destination, record) => {
    sqs.sendInternal(destination, record);
  };
  const homeServices: LocalService[] = [ssm, sqs, serviceQuotas];
  const route: Route = {
    // Every place has the same services: the home's tell the signing name.
    signingName: (prefix) =>
      (homeServices.find((service) => service.targetPrefix === prefix) ?? Places.service(home, prefix))?.signingName,
    service(prefix, identity, signedRegion) {
      const homeService = homeServices.find((service) => service.targetPrefix === prefix);
      if (homeService !== undefined) {
        homeOnly(identity, accountId, homeService.signingName);
        return homeService;
      }
      const place = places.resolve(identity.accountId, signedRegion);
      return place === undefined ? undefined : Places.service(place, prefix);
    },
  };
  const guard: Guard = (req, body, action) => {
    const service = action.split(':')[0] ?? '';
    const { identity } = authenticate(req, body, service);
    authorize(identity, action, 'AccessDeniedException', 403);
    homeOnly(identity, accountId, service);
  };
  const scheduler = new LocalScheduler({ region, accountId, clock, lambdas });

  const server = createLoopbackServer('local-aws', bindHost, (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    const invocation = LAMBDA_INVOKE_PATH.exec(pathname);
    if (invocation !== null && req.method === 'POST') {
      void invokeFunction(lambdas, decodeURIComponent(invocation[1] ?? ''), req, res, guard);
      return;
    }
    if (scheduler.handles(pathname)) {
      void handleSchedulerRequest(scheduler, req, res, guard);
      return;
    }
    const target = header(req, 'x-amz-target');
    if (target?.startsWith(DYNAMODB_TARGET)) {
      void handleDynamoDbRequest(dynamo, req, res, guard, target.slice(DYNAMODB_TARGET.length));
      return;
    }
    if (target === undefined && pathname === '/' && header(req, 'content-type')?.startsWith(FORM_CONTENT_TYPE)) {
      void handleStsRequest(sts, req, res, authenticate);
      return;
    }
    void handleJsonRequest(route, target, req, res, authenticate);
  });
  await listen(server, options.port ?? 0, bindHost);
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  endpoint = `http://${host}:${port}`;

  return {
    endpoint,
    region,
    accountId,
    credentials,
    eventBridge,
    codePipeline,
    ssm,
    sqs,
    codeBuild,
    logs,
    scheduler,
    serviceQuotas,
    lambdas,
    clock,
    places: places.all(),
    place(account, placeRegion) {
      const place = places.exact(account, placeRegion);
      if (place === undefined) throw new Error(`The local AWS has no place ${account} ${placeRegion}`);
      return place;
    },
    sts,
    async stop() {
      scheduler.close();
      await places.close();
      ownClock?.dispose();
      // No new connections; DynamoDB's requests under way are answered before the rest are cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      try {
        await dynamo.close();
      } finally {
        server.closeAllConnections();
        await closed;
      }
    },
  };
}

/**
 * Throws AWS's refusal unless the request is signed for `service` with a key the local AWS knows
 * (and, for an STS key, not expired on its clock); returns who signed and the signature's region.
 */
type Authenticate = (req: IncomingMessage, body: Buffer, service: string) => { identity: Identity; region: string };

/** JSON target prefix --> the name its requests are signed for; for a signer and region, the service that answers (its place's or the home's). */
interface Route {
  signingName(prefix: string | undefined): string | undefined;
  service(prefix: string | undefined, identity: Identity, region: string): LocalService | undefined;
}

/**
 * For the home account's REST and DynamoDB requests: throws AWS's refusal unless the request is
 * signed for the action's service and its signer may do the action (`service:Operation`) here.
 */
type Guard = (req: IncomingMessage, body: Buffer, action: string) => void;

/** The account's own keys: the default one stands for the account (its root), a named user's for that user. */
function keyIdentity(accountId: string, key: AwsCredentials): Identity {
  if (key.userName === undefined) return { accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId };
  const arn = `arn:aws:iam::${accountId}:user/${key.userName}`;
  return { accountId, arn, userId: iamUniqueId('AIDA', `${accountId}/${key.userName}`), callerArn: arn };
}

/**
 * SSM, SQS, DynamoDB, Lambda, Scheduler and Service Quotas exist in the home account only: another
 * account's caller (a role allowed them) is refused rather than shown the home account's data.
 */
function homeOnly(identity: Identity, homeAccount: string, service: string): void {
  if (identity.accountId === homeAccount) return;
  throw new AwsServiceError(
    'AccessDeniedException',
    `${accessDeniedMessage(identity.arn, `${service}:*`)} (the local AWS runs ${service} in account ${homeAccount} only)`,
  );
}

/**
 * As AWS's JSON-protocol services answer: the operation and the body's syntax first, then the
 * signature, then the operation runs.
 */
async function handleJsonRequest(
  route: Route,
  target: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticate,
): Promise<void> {
  const requestId = randomUUID();
  try {
    if (req.method !== 'POST') throw new AwsServiceError('UnknownOperationException', `${req.method} is not supported`);
    const [prefix, operation] = (target ?? '').split('.', 2);
    const signingName = route.signingName(prefix);
    if (signingName === undefined || operation === undefined || operation === '') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target)'}`);
    }
    const body = await readBodyBytes(req, MAX_BODY, tooLarge);
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      throw new AwsServiceError('SerializationException', 'Start of structure or map found where not expected');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
    }
    const { identity, region } = authenticate(req, body, signingName);
    authorize(identity, `${signingName}:${operation}`);
    const service = route.service(prefix, identity, region);
    if (service === undefined) throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target}`);
    // A request signed by a named user or a role is theirs (PutApprovalResult records it).
    const caller = identity.callerArn === undefined ? undefined : { arn: identity.callerArn };
    const output = await service.handle(operation, input as Record<string, unknown>, caller);
    send(res, 200, requestId, output ?? {});
  } catch (error) {
    if (error instanceof AwsServiceError) {
      send(res, error.status, requestId, { __type: error.type, message: error.message });
      return;
    }
    // A bug in the emulator must not take the server down: answer as AWS answers its own faults.
    console.error('[local-aws] internal error', error);
    send(res, 500, requestId, { __type: 'InternalException', message: String((error as Error)?.message ?? error) });
  }
}

const tooLarge = () => new AwsServiceError('RequestEntityTooLargeException', 'Request body too large', 413);

/**
 * DynamoDB: the signature checked here, then the request, body included, handed to dynalite as it
 * came. DynamoDB answers its authentication errors with 400 (its documented status for them).
 */
async function handleDynamoDbRequest(
  dynamo: LocalDynamoDb,
  req: IncomingMessage,
  res: ServerResponse,
  guard: Guard,
  operation: string,
): Promise<void> {
  const body = await signedBody(req, `dynamodb:${operation}`, guard, (error) =>
    send(res, error.status === 413 ? 413 : 400, randomUUID(), {
      __type: `com.amazon.coral.service#${error.type}`,
      message: error.message,
    }),
  );
  if (body !== undefined) dynamo.handle(replayed(req, body), res);
}

/** The body of a request signed for `action`'s service by a caller allowed it, or undefined once `refuse` has answered AWS's refusal. */
async function signedBody(
  req: IncomingMessage,
  action: string,
  guard: Guard,
  refuse: (error: AwsServiceError) => void,
): Promise<Buffer | undefined> {
  try {
    const body = await readBodyBytes(req, MAX_BODY, tooLarge);
    guard(req, body, action);
    return body;
  } catch (error) {
    // A body that could not be read (the client went away) is refused too: never an unhandled rejection.
    refuse(
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('SerializationException', 'The request body could not be read'),
    );
    return undefined;
  }
}

/** The request again with its body already read, for a handler that reads the body itself. */
function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from(body.length === 0 ? [] : [body]);
  return Object.assign(copy, {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    method: req.method,
    url: req.url,
  }) as unknown as IncomingMessage;
}

function send(res: ServerResponse, status: number, requestId: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

/**
 * Lambda's Invoke for the functions registered in-process: RequestResponse (the default) runs the
 * function and answers its result, or `X-Amz-Function-Error: Unhandled` with the error, as Lambda
 * does; `Event` answers 202 and runs it after. `pipewatch redrive` invokes notify this way.
 */
/** EventBridge Scheduler's REST-JSON requests, signed like every other (the error's type in a header). */
async function handleSchedulerRequest(
  scheduler: LocalScheduler,
  req: IncomingMessage,
  res: ServerResponse,
  guard: Guard,
): Promise<void> {
  const raw = await signedBody(req, `scheduler:${schedulerAction(req)}`, guard, (error) => {
    res.setHeader('x-amzn-errortype', error.type);
    sendJson(res, error.status, { Message: error.message });
  });
  if (raw === undefined) return;
  await scheduler.handleHttp(req, res, raw.toString('utf8'));
}

async function invokeFunction(
  lambdas: LambdaRegistry,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  guard: Guard,
): Promise<void> {
  // Lambda's REST protocol: the error's type in a header, its message in the body.
  const raw = await signedBody(req, 'lambda:InvokeFunction', guard, (error) => {
    res.setHeader('x-amzn-errortype', error.type);
    sendJson(res, error.status, { Type: 'User', message: error.message });
  });
  if (raw === undefined) return;
  const found = lambdas.resolve(name);
  let payload: unknown;
  try {
    payload = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    sendJson(res, 400, { Type: 'User', message: 'Could not parse request body into json' });
    return;
  }
  if (found === undefined) {
    res.setHeader('x-amzn-errortype', 'ResourceNotFoundException');
    sendJson(res, 404, { Type: 'User', message: `Function not found: ${name}` });
    return;
  }
  if (header(req, 'x-amz-invocation-type') === 'Event') {
    sendJson(res, 202, {});
    found.fn(payload).catch(() => undefined);
    return;
  }
  try {
    const result = await found.fn(payload);
    sendJson(res, 200, result ?? null, { 'x-amz-executed-version': '$LATEST' });
  } catch (error) {
    sendJson(
      res,
      200,
      {
        errorType: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      },
      { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
    );
  }
}

/** EventBridge Scheduler's operation, as IAM names it, from a REST request's method and path. */
function schedulerAction(req: IncomingMessage): string {
  const pathname = new URL(req.url ?? '/', 'http://local').pathname;
  const noun = pathname.startsWith('/schedule-groups/') ? 'ScheduleGroup' : 'Schedule';
  const verbs: Record<string, string> = { POST: 'Create', PUT: 'Update', GET: 'Get', DELETE: 'Delete' };
  return `${verbs[req.method ?? 'GET'] ?? 'Get'}${noun}`;
}

/**
 * STS over the query protocol (the SDK's STSClient): the form's Action, signed for `sts`, answered in
 * AWS's XML; refusals (the signature's too) in STS's error document with its codes.
 */
async function handleStsRequest(
  sts: LocalSts,
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticate,
): Promise<void> {
  const requestId = randomUUID();
  let status = 200;
  let text: string;
  try {
    const body = await readBodyBytes(req, MAX_BODY, tooLarge);
    let signed: ReturnType<Authenticate>;
    try {
      signed = authenticate(req, body, 'sts');
    } catch (error) {
      throw error instanceof AwsServiceError ? stsAuthError(error) : error;
    }
    text = sts.handle(new URLSearchParams(body.toString('utf8')), signed.identity, requestId);
  } catch (error) {
    const refusal =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalFailure', String((error as Error)?.message ?? error), 500);
    if (!(error instanceof AwsServiceError)) console.error('[local-aws] sts internal error', error);
    status = refusal.status;
    text = errorDocument(refusal, requestId);
  }
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}
