// (local AWS) EventBridge Scheduler (REST-JSON): one-time `at(…)` schedules on the local clock, their Lambda targets invoked asynchronously
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../../http';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import { ASYNC_RETRY_DELAYS_MS, type LambdaRegistry } from '../lambda-registry';

export interface LocalSchedulerOptions {
  region: string;
  accountId: string;
  clock: Clock;
  lambdas: LambdaRegistry;
}

/** A schedule as GetSchedule answers it, with its timer. */
interface ScheduleRecord {
  readonly name: string;
  readonly group: string;
  readonly expression: string;
  readonly timezone: string;
  readonly at: number;
  readonly target: z.infer<typeof targetSchema>;
  readonly flexibleTimeWindow: z.infer<typeof flexibleTimeWindowSchema>;
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly description?: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly created: number;
  cancel?: () => void;
}

/** An invocation Scheduler made (kept for tests and the local page's log). */
export interface SchedulerInvocation {
  readonly schedule: string;
  readonly group: string;
  readonly targetArn: string;
  readonly input: unknown;
  /** Clock time. */
  readonly at: number;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const SCHEDULES_PATH = /^\/schedules\/([^/]+)$/;
const GROUPS_PATH = /^\/schedule-groups\/([^/]+)$/;
const MAX_BODY = 1024 * 1024;

const targetSchema = z.object({
  Arn: z.string().min(1).max(1600),
  RoleArn: z.string().min(1).max(1600),
  Input: z.string().min(1).max(8192).optional(),
  RetryPolicy: z
    .object({
      MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
      MaximumEventAgeInSeconds: z.number().int().min(60).max(86400).optional(),
    })
    .optional(),
  DeadLetterConfig: z.object({ Arn: z.string().optional() }).optional(),
});
const flexibleTimeWindowSchema = z.object({
  Mode: z.enum(['OFF', 'FLEXIBLE']),
  MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
});
const createScheduleSchema = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  Target: targetSchema,
  FlexibleTimeWindow: flexibleTimeWindowSchema,
  GroupName: z.string().regex(NAME).optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
  Description: z.string().max(512).optional(),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  ClientToken: z.string().min(1).max(64).optional(),
});

/**
 * EventBridge Scheduler as far as pipewatch uses it: CreateSchedule, GetSchedule, DeleteSchedule
 * and the schedule groups (Create/Get/DeleteScheduleGroup; `default` always exists), spoken as the
 * SDK's client-scheduler speaks it (REST-JSON: `POST|GET|DELETE /schedules/{Name}?groupName=…`,
 * errors as `x-amzn-errortype` with `{"Message"}`). Only one-time `at(yyyy-mm-ddThh:mm:ss)`
 * expressions in UTC are emulated (rate and cron are refused, saying so). At its time on the
 * clock, a schedule invokes its Lambda target asynchronously, as Scheduler does: the function's
 * errors are Lambda's to retry (two retries, one minute then two later) and then go to its
 * on-failure destination. ActionAfterCompletion DELETE removes the schedule once it has run.
 * Schedules live in memory (not in the data directory).
 */
export class LocalScheduler {
  private readonly groups = new Map<string, number>([['default', 0]]);
  private readonly schedules = new Map<string, ScheduleRecord>();
  /** Every invocation made, oldest first. */
  readonly invocations: SchedulerInvocation[] = [];
  private running = 0;
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.groups.set('default', options.clock.now());
  }

  /** Whether a request is Scheduler's (by its path). */
  handles(pathname: string): boolean {
    return SCHEDULES_PATH.test(pathname) || GROUPS_PATH.test(pathname);
  }

  /** `signedBody`: the body the server read and verified (SigV4); read here when not given. */
  async handleHttp(req: IncomingMessage, res: ServerResponse, signedBody?: string): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const body =
        signedBody ??
        (await readBody(
          req,
          MAX_BODY,
          () => new AwsServiceError('ValidationException', 'Request body too large', 413),
        ));
      let input: unknown = {};
      if (body.trim() !== '') {
        try {
          input = JSON.parse(body);
        } catch {
          throw new AwsServiceError('ValidationException', 'Could not parse the request body as JSON');
        }
      }
      const schedule = SCHEDULES_PATH.exec(url.pathname);
      const group = GROUPS_PATH.exec(url.pathname);
      const name = decodeURIComponent((schedule ?? group)?.[1] ?? '');
      if (!NAME.test(name)) throw new AwsServiceError('ValidationException', `Invalid name: ${name}`);
      const groupName = url.searchParams.get('groupName') ?? 'default';
      let output: unknown;
      if (schedule !== null && req.method === 'POST') output = this.createSchedule(name, input);
      else if (schedule !== null && req.method === 'GET') output = this.getSchedule(name, groupName);
      else if (schedule !== null && req.method === 'DELETE') output = this.deleteSchedule(name, groupName);
      else if (group !== null && req.method === 'POST') output = this.createGroup(name);
      else if (group !== null && req.method === 'GET') output = this.getGroup(name);
      else if (group !== null && req.method === 'DELETE') output = this.deleteGroup(name);
      else throw new AwsServiceError('ValidationException', `${req.method} ${url.pathname} is not supported`, 405);
      sendJson(res, 200, output ?? {});
    } catch (error) {
      if (error instanceof AwsServiceError) {
        res.setHeader('x-amzn-errortype', error.type);
        sendJson(res, error.status, { Message: error.message });
        return;
      }
      console.error('[local-aws] scheduler internal error', error);
      res.setHeader('x-amzn-errortype', 'InternalServerException');
      sendJson(res, 500, { Message: String((error as Error)?.message ?? error) });
    }
  }

  /** The schedules in a group (tests). */
  scheduleNames(group = 'default'): string[] {
    return [...this.schedules.values()].filter((entry) => entry.group === group).map((entry) => entry.name);
  }

  /** Resolves once no invocation is running (the clock's due schedules fire synchronously, their functions do not). */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const entry of this.schedules.values()) entry.cancel?.();
  }

  private createGroup(name: string) {
    if (this.groups.has(name)) throw conflict(`Schedule group ${name} already exists.`);
    this.groups.set(name, this.options.clock.now());
    return { ScheduleGroupArn: this.groupArn(name) };
  }

  private getGroup(name: string) {
    const created = this.groups.get(name);
    if (created === undefined) throw notFound(`Schedule group ${name} does not exist.`);
    return {
      Arn: this.groupArn(name),
      Name: name,
      State: 'ACTIVE',
      CreationDate: created / 1000,
      LastModificationDate: created / 1000,
    };
  }

  private deleteGroup(name: string) {
    if (name === 'default') throw new AwsServiceError('ValidationException', 'The default group cannot be deleted.');
    if (!this.groups.delete(name)) throw notFound(`Schedule group ${name} does not exist.`);
    for (const [key, entry] of this.schedules) {
      if (entry.group !== name) continue;
      entry.cancel?.();
      this.schedules.delete(key);
    }
    return {};
  }

  private createSchedule(name: string, raw: unknown) {
    const parsed = createScheduleSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AwsServiceError(
        'ValidationException',
        `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const input = parsed.data;
    const group = input.GroupName ?? 'default';
    if (!this.groups.has(group)) throw notFound(`Schedule group ${group} does not exist.`);
    const key = `${group}/${name}`;
    if (this.schedules.has(key)) throw conflict(`Schedule ${name} already exists.`);
    const timezone = input.ScheduleExpressionTimezone ?? 'UTC';
    if (timezone !== 'UTC') {
      throw new AwsServiceError('ValidationException', `Time zone ${timezone} is not emulated locally: use UTC`);
    }
    const at = AT.exec(input.ScheduleExpression);
    const time = at?.[1] === undefined ? Number.NaN : Date.parse(`${at[1]}Z`);
    if (!Number.isFinite(time)) {
      throw new AwsServiceError(
        'ValidationException',
        `Invalid Schedule Expression ${input.ScheduleExpression}: only one-time at(yyyy-mm-ddThh:mm:ss) expressions are emulated locally`,
      );
    }
    const record: ScheduleRecord = {
      name,
      group,
      expression: input.ScheduleExpression,
      timezone,
      at: time,
      target: input.Target,
      flexibleTimeWindow: input.FlexibleTimeWindow,
      actionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      ...(input.Description === undefined ? {} : { description: input.Description }),
      state: input.State ?? 'ENABLED',
      created: this.options.clock.now(),
    };
    this.schedules.set(key, record);
    if (record.state === 'ENABLED') {
      // At its time on the clock (real time under `npm start`, whatever the simulator's speed).
      record.cancel = this.options.clock.scheduleAt(time, () => this.fire(key, record));
    }
    return { ScheduleArn: this.scheduleArn(group, name) };
  }

  private getSchedule(name: string, group: string) {
    const entry = this.schedules.get(`${group}/${name}`);
    if (entry === undefined) throw notFound(`Schedule ${name} does not exist.`);
    return {
      Arn: this.scheduleArn(group, name),
      GroupName: group,
      Name: name,
      ScheduleExpression: entry.expression,
      ScheduleExpressionTimezone: entry.timezone,
      ...(entry.description === undefined ? {} : { Description: entry.description }),
      State: entry.state,
      CreationDate: entry.created / 1000,
      LastModificationDate: entry.created / 1000,
      Target: entry.target,
      FlexibleTimeWindow: entry.flexibleTimeWindow,
      ActionAfterCompletion: entry.actionAfterCompletion,
    };
  }

  private deleteSchedule(name: string, group: string) {
    const key = `${group}/${name}`;
    const entry = this.schedules.get(key);
    if (entry === undefined) throw notFound(`Schedule ${name} does not exist.`);
    entry.cancel?.();
    this.schedules.delete(key);
    return {};
  }

  /** The schedule's one run: the target handed the input (Lambda's asynchronous invoke), then DELETE if asked. */
  private fire(key: string, record: ScheduleRecord): void {
    if (this.closed || this.schedules.get(key) !== record) return;
    if (record.actionAfterCompletion === 'DELETE') this.schedules.delete(key);
    let input: unknown = {};
    try {
      input = record.target.Input === undefined ? {} : JSON.parse(record.target.Input);
    } catch {
      input = record.target.Input;
    }
    this.invocations.push({
      schedule: record.name,
      group: record.group,
      targetArn: record.target.Arn,
      input,
      at: this.options.clock.now(),
    });
    this.invoke(record.target.Arn, input, 1, this.options.clock.now());
  }

  private invoke(arn: string, input: unknown, run: number, receivedAt: number): void {
    const { lambdas, clock } = this.options;
    const fn = lambdas.get(arn);
    if (fn === undefined) {
      console.error(`[local-aws] scheduler: no function ${arn}`);
      return;
    }
    this.running++;
    void fn(input)
      .catch((error: unknown) => {
        const config = lambdas.config(arn);
        const retries = run - 1;
        const delay: number = ASYNC_RETRY_DELAYS_MS[Math.min(retries, ASYNC_RETRY_DELAYS_MS.length - 1)] ?? 120_000;
        const tooOld = clock.now() + delay - receivedAt > config.maximumEventAgeSeconds * 1000;
        if (this.closed || retries >= config.maximumRetryAttempts || tooOld) {
          lambdas.fail({
            functionArn: arn,
            destination: config.onFailure,
            payload: input,
            error: error instanceof Error ? error.message : String(error),
            attempts: run,
            condition: tooOld && retries < config.maximumRetryAttempts ? 'EventAgeExceeded' : 'RetriesExhausted',
            at: new Date(clock.now()).toISOString(),
          });
          return;
        }
        clock.schedule(delay, () => {
          if (!this.closed) this.invoke(arn, input, run + 1, receivedAt);
        });
      })
      .finally(() => {
        this.running--;
        if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  private scheduleArn(group: string, name: string): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.accountId}:schedule/${group}/${name}`;
  }

  private groupArn(name: string): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.accountId}:schedule-group/${name}`;
  }
}

const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message, 404);
const conflict = (message: string) => new AwsServiceError('ConflictException', message, 409);
