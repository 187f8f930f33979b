// (local AWS) SQS, the part pipewatch uses: the dead-letter queue that failed notify invocations land in, read and emptied by the redrive
import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError, validationError } from '../aws-error';
import type { Clock } from '../clock';
import type { LocalService } from '../service';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  /** When the queue got it (clock time, epoch ms): the SentTimestamp attribute. */
  readonly sentAt: number;
  /** Hidden from ReceiveMessage until then (epoch ms), after a receive. */
  invisibleUntil: number;
  receiptHandle: string | undefined;
  receiveCount: number;
}

interface Queue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly messages: StoredMessage[];
}

export interface LocalSqsOptions {
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  /** The local AWS endpoint, for queue URLs (`<endpoint>/<account>/<name>`). */
  readonly endpoint: () => string;
}

const DEFAULT_VISIBILITY_TIMEOUT_S = 30;
const MAX_MESSAGES = 10;

/**
 * SQS behind the local AWS endpoint (`X-Amz-Target: AmazonSQS.<Op>`, the JSON protocol the SDK v3
 * client speaks): CreateQueue, GetQueueUrl, GetQueueAttributes, SendMessage, ReceiveMessage,
 * DeleteMessage, ChangeMessageVisibility. A received message is hidden for its visibility timeout
 * (on the clock) and comes back unless deleted, as SQS does; bodies carry their MD5, which the SDK
 * checks; ReceiveMessage answers the SentTimestamp attribute when asked.
 */
export class LocalSqs implements LocalService {
  readonly targetPrefix = 'AmazonSQS';
  readonly signingName = 'sqs';
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: LocalSqsOptions) {}

  /** Creates the queue if missing (idempotent); its URL. */
  createQueue(name: string): Queue {
    const existing = this.queues.get(name);
    if (existing !== undefined) return existing;
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw validationError(`Invalid queue name ${name}`);
    const { region, accountId } = this.options;
    const queue: Queue = {
      name,
      url: `${this.options.endpoint()}/${accountId}/${name}`,
      arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
      messages: [],
    };
    this.queues.set(name, queue);
    return queue;
  }

  /** A message put on the queue with this ARN by the local AWS itself (a Lambda on-failure destination); false if no such queue. */
  sendInternal(queueArn: string, body: string): boolean {
    const queue = [...this.queues.values()].find((candidate) => candidate.arn === queueArn);
    if (queue === undefined) return false;
    this.enqueue(queue, body);
    return true;
  }

  /** A new message, visible at once, sent now (SendMessage, or the local AWS's own destination records). */
  private enqueue(queue: Queue, body: string): StoredMessage {
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      sentAt: this.options.clock.now(),
      invisibleUntil: 0,
      receiptHandle: undefined,
      receiveCount: 0,
    };
    queue.messages.push(message);
    return message;
  }

  /** The messages of a queue, visible or not (tests). */
  messages(name: string): readonly string[] {
    return (this.queues.get(name)?.messages ?? []).map((message) => message.body);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue':
        return { QueueUrl: this.createQueue(requireString(input, 'QueueName')).url };
      case 'GetQueueUrl':
        return { QueueUrl: this.byName(requireString(input, 'QueueName')).url };
      case 'GetQueueAttributes': {
        const queue = this.byUrl(requireString(input, 'QueueUrl'));
        const now = this.options.clock.now();
        return {
          Attributes: {
            QueueArn: queue.arn,
            ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.invisibleUntil <= now).length),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.invisibleUntil > now).length),
          },
        };
      }
      case 'SendMessage': {
        const queue = this.byUrl(requireString(input, 'QueueUrl'));
        const body = requireString(input, 'MessageBody');
        const message = this.enqueue(queue, body);
        return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
      }
      case 'ReceiveMessage':
        return this.receive(input);
      case 'DeleteMessage': {
        const queue = this.byUrl(requireString(input, 'QueueUrl'));
        queue.messages.splice(queue.messages.indexOf(received(queue, requireString(input, 'ReceiptHandle'))), 1);
        return {};
      }
      case 'ChangeMessageVisibility': {
        const queue = this.byUrl(requireString(input, 'QueueUrl'));
        const message = received(queue, requireString(input, 'ReceiptHandle'));
        const timeout = input.VisibilityTimeout;
        if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
          throw validationError('VisibilityTimeout must be a whole number of seconds from 0 to 43200');
        }
        message.invisibleUntil = this.options.clock.now() + timeout * 1000;
        return {};
      }
      default:
        throw new AwsServiceError('UnknownOperationException', `Unknown operation AmazonSQS.${operation}`);
    }
  }

  private receive(input: Record<string, unknown>): unknown {
    const queue = this.byUrl(requireString(input, 'QueueUrl'));
    const max = typeof input.MaxNumberOfMessages === 'number' ? input.MaxNumberOfMessages : 1;
    if (!Number.isInteger(max) || max < 1 || max > MAX_MESSAGES) {
      throw validationError('MaxNumberOfMessages must be between 1 and 10');
    }
    const visibility =
      typeof input.VisibilityTimeout === 'number' ? input.VisibilityTimeout : DEFAULT_VISIBILITY_TIMEOUT_S;
    const now = this.options.clock.now();
    const names = [
      ...(Array.isArray(input.MessageSystemAttributeNames) ? input.MessageSystemAttributeNames : []),
      ...(Array.isArray(input.AttributeNames) ? input.AttributeNames : []),
    ];
    const sentTimestamp = names.includes('All') || names.includes('SentTimestamp');
    const visible = queue.messages.filter((message) => message.invisibleUntil <= now).slice(0, max);
    for (const message of visible) {
      message.invisibleUntil = now + visibility * 1000;
      message.receiptHandle = randomUUID();
      message.receiveCount += 1;
    }
    return {
      Messages: visible.map((message) => ({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: md5(message.body),
        Body: message.body,
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          ...(sentTimestamp ? { SentTimestamp: String(message.sentAt) } : {}),
        },
      })),
    };
  }

  private byName(name: string): Queue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw nonExistentQueue();
    return queue;
  }

  private byUrl(url: string): Queue {
    const name = url.split('/').at(-1) ?? '';
    const queue = this.queues.get(name);
    if (queue === undefined) throw nonExistentQueue();
    return queue;
  }
}

/** The message this receipt handle was last received with; SQS's error for any other handle. */
function received(queue: Queue, handle: string): StoredMessage {
  const message = queue.messages.find((candidate) => candidate.receiptHandle === handle);
  if (message === undefined) {
    throw new AwsServiceError('ReceiptHandleIsInvalid', `The receipt handle "${handle}" is not valid.`);
  }
  return message;
}

function nonExistentQueue(): AwsServiceError {
  return new AwsServiceError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
}

function requireString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') throw validationError(`${field} is required`);
  return value;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
