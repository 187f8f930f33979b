// (adapter) the notify function's dead-letter queue (SQS) --> each failed invocation's payload invoked again (Lambda Invoke) --> deleted once it worked
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
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
}

export interface RedriveOutcome {
  /** Invoked again successfully and deleted from the queue. */
  readonly redriven: number;
  /** Failed again: left in the queue (visible again after the visibility timeout). */
  readonly failed: readonly { readonly messageId: string; readonly error: string }[];
  /** Not a payload pipewatch can replay (neither a Lambda destination record nor JSON): left in the queue. */
  readonly unreadable: readonly string[];
}

/** What Lambda's on-failure destination writes: the invocation's payload among other things. */
const destinationRecordSchema = z.looseObject({ requestPayload: z.unknown() });

/**
 * `pipewatch redrive`: replays what is in the DLQ through notify. A message is Lambda's on-failure
 * destination record (`requestPayload` is the invocation's input) or, from a rule's own DLQ, the
 * input EventBridge could not hand over; either is invoked again (RequestResponse, so a failure is
 * seen) and deleted only when the function succeeded. notify de-duplicates by event id, so a
 * message replayed twice shows once.
 */
export async function redrive(options: RedriveOptions): Promise<RedriveOutcome> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let redriven = 0;
  const failed: { messageId: string; error: string }[] = [];
  const unreadable: string[] = [];
  // A message seen again in this run (its visibility ran out) ends it: each is tried once per run.
  const seen = new Set<string>();
  let again = false;
  while (!again && redriven + failed.length + unreadable.length < max) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max - redriven - failed.length - unreadable.length),
        WaitTimeSeconds: 0,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 300,
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const messageId = message.MessageId ?? '?';
      if (seen.has(messageId)) {
        again = true;
        continue;
      }
      seen.add(messageId);
      const payload = payloadOf(message.Body ?? '');
      if (payload === undefined) {
        unreadable.push(messageId);
        continue;
      }
      const answer = await options.lambda.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
      if (answer.FunctionError !== undefined) {
        failed.push({ messageId, error: new TextDecoder().decode(answer.Payload ?? new Uint8Array()).slice(0, 500) });
        continue;
      }
      await options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      redriven += 1;
    }
  }
  return { redriven, failed, unreadable };
}

function payloadOf(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const record = destinationRecordSchema.safeParse(parsed);
  return record.success && record.data.requestPayload !== undefined ? record.data.requestPayload : parsed;
}
