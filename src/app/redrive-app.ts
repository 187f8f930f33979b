// (composition root) the scheduled redrive function from its environment: SQS and Lambda clients, the DLQ, the notify function, the age budget
import { createLambdaClient, createSqsClient } from '../aws/clients';
import { type RedriveOutcome, redrive } from '../aws/redrive';
import { readRedriveEnvironment } from '../config/environment';
import type { Log } from '../core/ports';
import { createLogger } from '../log/logger';

/** How often the redrive runs: serverless.yml's RedriveSchedule (`rate(5 minutes)`), and the local mode's timer. */
export const REDRIVE_INTERVAL_MS = 5 * 60_000;
/**
 * The default budget: an event older than six hours is left for a person. Six hours is also how
 * long Lambda keeps an event for notify's own retries (maximumEventAge): a longer outage is not
 * one the automatic path was built for.
 */
export const DEFAULT_REDRIVE_BUDGET_SECONDS = 6 * 60 * 60;
/** serverless.yml's notify timeout: an invocation waited for may take this long. */
export const NOTIFY_TIMEOUT_SECONDS = 30;
/** No replay starts this close to the function's own timeout: the one under way must finish. */
const DEADLINE_MARGIN_MS = (NOTIFY_TIMEOUT_SECONDS + 5) * 1000;
/**
 * The Lambda client's: a replay waits for notify to finish, longer than its timeout, and is not
 * retried by the SDK (a slow or throttled one simply stays in the DLQ for the next run).
 */
export const REDRIVE_INVOKE_SETTINGS = { requestTimeout: DEADLINE_MARGIN_MS, maxAttempts: 1 } as const;

/** What a run did: `drained` when it read the queue to the end and left nothing in it. */
export type ScheduledRedriveOutcome = RedriveOutcome & { readonly status: 'drained' | 'left' };

/** The Lambda context's one method the run reads. */
export interface RedriveContext {
  getRemainingTimeInMillis(): number;
}

export type RedriveApp = (context?: RedriveContext) => Promise<ScheduledRedriveOutcome>;

export interface RedriveAppOverrides {
  /** The AWS clients (built from the environment by default: endpoints, region, credentials). */
  readonly clients?: {
    readonly sqs: ReturnType<typeof createSqsClient>;
    readonly lambda: ReturnType<typeof createLambdaClient>;
  };
  readonly log?: Log;
  /** The clock events are aged by (the local mode's is the local AWS's). */
  readonly now?: () => number;
}

/**
 * The redrive function as deployed (handlers/redrive.ts, every five minutes) and as the local mode
 * runs it on the local AWS's clock: `pipewatch redrive` unattended. Each run replays the DLQ through
 * notify (RequestResponse; a message is deleted only when notify succeeded), leaves what fails for
 * the next run, and leaves alone, for a person, what is older than the budget
 * (PIPEWATCH_REDRIVE_BUDGET_SECONDS) or not a payload at all. Whatever it leaves is logged, and made
 * visible again at the end of the run. A chat outage of an hour is over a dozen runs: the first run
 * after it delivers what waited.
 */
export function redriveAppFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  overrides: RedriveAppOverrides = {},
): RedriveApp {
  const environment = readRedriveEnvironment(env);
  const log =
    overrides.log ?? createLogger({ level: environment.PIPEWATCH_LOG_LEVEL, fields: { function: 'redrive' } });
  const clients = overrides.clients ?? {
    sqs: createSqsClient(),
    lambda: createLambdaClient(REDRIVE_INVOKE_SETTINGS),
  };
  const now = overrides.now ?? Date.now;
  const budgetSeconds = environment.PIPEWATCH_REDRIVE_BUDGET_SECONDS ?? DEFAULT_REDRIVE_BUDGET_SECONDS;
  return async (context) => {
    const started = now();
    const outcome = await redrive({
      sqs: clients.sqs,
      lambda: clients.lambda,
      queueUrl: environment.PIPEWATCH_DLQ_URL,
      functionName: environment.PIPEWATCH_NOTIFY_FUNCTION_ARN,
      maxEventAgeSeconds: budgetSeconds,
      releaseLeft: true,
      now,
      ...(context === undefined ? {} : { deadline: started + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS }),
    });
    const left = outcome.failed.length + outcome.expired.length + outcome.unreadable.length;
    const drained = left === 0 && !outcome.stoppedAtDeadline;
    const result: ScheduledRedriveOutcome = { ...outcome, status: drained ? 'drained' : 'left' };
    report(result, budgetSeconds, log);
    return result;
  };
}

/** One line a run that did something; what it left, named, for the person who will look. */
function report(outcome: ScheduledRedriveOutcome, budgetSeconds: number, log: Log): void {
  const counts = {
    redriven: outcome.redriven,
    failedAgain: outcome.failed.length,
    pastBudget: outcome.expired.length,
    unreadable: outcome.unreadable.length,
    ...(outcome.stoppedAtDeadline ? { stoppedAtDeadline: true } : {}),
  };
  if (outcome.expired.length > 0 || outcome.unreadable.length > 0) {
    // Never replayed unattended again: a person decides (`pipewatch redrive` replays them, whatever their age).
    log.error('left in the dead-letter queue for a person: past the redrive budget, or not a payload', {
      ...counts,
      budgetSeconds,
      messagesPastBudget: outcome.expired,
      unreadableMessages: outcome.unreadable,
    });
  }
  if (outcome.failed.length > 0) {
    log.warn('notify failed again: left in the dead-letter queue for the next run', {
      ...counts,
      failed: outcome.failed.slice(0, 10),
    });
  } else if (outcome.redriven > 0 || outcome.stoppedAtDeadline) {
    log.info('redrove the dead-letter queue', counts);
  }
}
