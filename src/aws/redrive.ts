// (adapter) the notify function's dead-letter queue (SQS) --> each failed invocation's payload invoked again (Lambda Invoke) --> deleted once it worked
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from '../core/zod';

export interface RedriveOptions {
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  readonly queueUrl: string;
  /** The notify function's name or ARN. */
  readonly functionName: string;
  /** At most this many messages (all by default). */
  readonly max?: number;
  /** How long a message that failed again stays hidden before another redrive may take it. */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * The budget: a message whose event is older than this is not invoked again but left in the
   * queue for a person (`expired`). Every message is replayed when absent (`pipewatch redrive`).
   */
  readonly maxEventAgeSeconds?: number;
  /** No replay starts at or after this time (epoch ms): what the run did not reach waits in the queue. */
  readonly deadline?: number;
  /** What the run leaves is made visible again at its end (ChangeMessageVisibility 0), not after the timeout. */
  readonly releaseLeft?: boolean;
  /** Clock of the ages and the deadline (epoch ms). */
  readonly now?: () => number;
}

export interface RedriveOutcome {
  /** Invoked again successfully and deleted from the queue. */
  readonly redriven: number;
  /** Failed again: left in the queue (visible again after the visibility timeout). */
  readonly failed: readonly { readonly messageId: string; readonly error: string }[];
  /** Not a payload pipewatch can replay (neither a Lambda destination record nor JSON): left in the queue. */
  readonly unreadable: readonly string[];
  /** Older than the budget (`maxEventAgeSeconds`): not invoked, left in the queue for a person. */
  readonly expired: readonly { readonly messageId: string; readonly eventTime: string }[];
  /** The deadline came first: the queue may hold messages this run did not read. */
  readonly stoppedAtDeadline: boolean;
}

/** What Lambda's on-failure destination writes: the invocation's payload, and when it failed for good. */
const destinationRecordSchema = z.looseObject({ requestPayload: z.unknown(), timestamp: z.optional(z.string()) });
/** A notify input (`{rule, channel | follow, event}`): its event's time. */
const notifyInputTimeSchema = z.looseObject({ event: z.looseObject({ time: z.string() }) });
/** A bare EventBridge event (a target without a transformer): its time. */
const eventTimeSchema = z.looseObject({ time: z.string() });

/**
 * `pipewatch redrive` and the scheduled redrive function: replays what is in the DLQ through
 * notify. A message is Lambda's on-failure destination record (`requestPayload` is the
 * invocation's input) or, from a rule's own DLQ, the input EventBridge could not hand over; either
 * is invoked again (RequestResponse, so a failure is seen) and deleted only when the function
 * succeeded. notify de-duplicates by event id, so a message replayed twice shows once. Each message
 * is tried at most once per run; with a budget, one whose event is older is left alone.
 */
export async function redrive(options: RedriveOptions): Promise<RedriveOutcome> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  let redriven = 0;
  const failed: { messageId: string; error: string }[] = [];
  const unreadable: string[] = [];
  const expired: { messageId: string; eventTime: string }[] = [];
  /** Received and not deleted: released at the end when asked to. */
  const left: Message[] = [];
  const taken = () => redriven + failed.length + unreadable.length + expired.length;
  // A message seen again in this run (its visibility ran out) ends it: each is tried once per run.
  const seen = new Set<string>();
  let again = false;
  let stoppedAtDeadline = false;
  try {
    while (!again && !stoppedAtDeadline && taken() < max) {
      const { Messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(10, max - taken()),
          WaitTimeSeconds: 0,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 300,
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const messageId = message.MessageId ?? '?';
        if (seen.has(messageId)) {
          again = true;
          // Received again (its visibility ran out mid-run): this receipt is the one to release.
          left.push(message);
          continue;
        }
        seen.add(messageId);
        const read = readMessage(message);
        if (read === undefined) {
          unreadable.push(messageId);
          left.push(message);
          continue;
        }
        const age = read.eventTime === undefined ? undefined : now() - read.eventTime;
        if (options.maxEventAgeSeconds !== undefined && age !== undefined && age > options.maxEventAgeSeconds * 1000) {
          expired.push({ messageId, eventTime: new Date(read.eventTime ?? 0).toISOString() });
          left.push(message);
          continue;
        }
        if (stoppedAtDeadline || (options.deadline !== undefined && now() >= options.deadline)) {
          stoppedAtDeadline = true;
          left.push(message);
          continue;
        }
        const error = await invoke(options, read.payload);
        if (error !== undefined) {
          failed.push({ messageId, error });
          left.push(message);
          continue;
        }
        await options.sqs.send(
          new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        redriven += 1;
      }
    }
  } finally {
    if (options.releaseLeft === true) await release(options, left);
  }
  return { redriven, failed, unreadable, expired, stoppedAtDeadline };
}

/** The function's error (its own, or the Invoke call's), undefined when it succeeded. */
async function invoke(options: RedriveOptions, payload: unknown): Promise<string | undefined> {
  try {
    const answer = await options.lambda.send(
      new InvokeCommand({
        FunctionName: options.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (answer.FunctionError === undefined) return undefined;
    return new TextDecoder().decode(answer.Payload ?? new Uint8Array()).slice(0, 500);
  } catch (error) {
    // Throttled, denied, unreachable: this message stays for the next run, the others are tried.
    return `Invoke failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 500);
  }
}

/** Visible again at once, for the next run or a person; the visibility timeout does it anyway if this fails. */
async function release(options: RedriveOptions, messages: readonly Message[]): Promise<void> {
  for (const message of messages) {
    await options.sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: options.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .catch(() => undefined);
  }
}

/**
 * The payload to invoke again and the time of its event (epoch ms): the event's own `time`, else
 * when Lambda gave the invocation up, else when the queue got it. Undefined: not JSON.
 */
function readMessage(message: Message): { payload: unknown; eventTime: number | undefined } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.Body ?? '');
  } catch {
    return undefined;
  }
  const record = destinationRecordSchema.safeParse(parsed);
  const isRecord = record.success && record.data.requestPayload !== undefined;
  const payload = isRecord ? record.data.requestPayload : parsed;
  const input = notifyInputTimeSchema.safeParse(payload);
  const bare = eventTimeSchema.safeParse(payload);
  const eventTime = input.success ? input.data.event.time : bare.success ? bare.data.time : undefined;
  const sent = Number(message.Attributes?.SentTimestamp);
  const times = [
    eventTime === undefined ? Number.NaN : Date.parse(eventTime),
    isRecord && record.data.timestamp !== undefined ? Date.parse(record.data.timestamp) : Number.NaN,
    sent,
  ];
  return { payload, eventTime: times.find((time) => Number.isFinite(time)) };
}
