// (cli) pipewatch redrive: the notify DLQ's failed invocations --> notify again (SQS + Lambda Invoke, the default credential chain)
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { redrive } from '../../aws/redrive';
import { LOCAL_AWS_CREDENTIALS } from '../../local/aws/sigv4';
import { type CliIo, CliUsageError, EXIT_OK } from '../io';
import type { CliCommand } from './command';

/** Exit status when some messages failed again or could not be read (they stay in the queue). */
const EXIT_SOME_FAILED = 1;

export const redriveCommand: CliCommand = {
  name: 'redrive',
  summary: "replay the notify function's dead-letter queue through notify",
  usage: 'pipewatch redrive --queue-url URL --function NAME [--max N]',
  help: [
    "Reads the DLQ that failed notify invocations land in (the stack's DeadLetterQueue: Lambda's",
    'on-failure destination, after its two retries) and invokes notify again with each payload;',
    'a message is deleted only when notify succeeded. notify de-duplicates by event id, so a',
    "message replayed twice shows once. The stack's redrive function does the same every five",
    'minutes for events younger than its budget; this replays whatever is there, whatever its age.',
    'Uses your AWS credentials and region (AWS_PROFILE, AWS_REGION; for the local AWS of',
    '`pipewatch local`, AWS_ENDPOINT_URL and its credentials,',
    `AWS_ACCESS_KEY_ID=${LOCAL_AWS_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_AWS_CREDENTIALS.secretAccessKey}).`,
    '  --queue-url URL   the DLQ, e.g. https://sqs.eu-west-1.amazonaws.com/123456789012/pipewatch-prod-dlq',
    '  --function NAME   the notify function, e.g. pipewatch-prod-notify',
    '  --max N           at most N messages (default: all)',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        'queue-url': { type: 'string' },
        function: { type: 'string' },
        max: { type: 'string' },
      },
      strict: true,
    });
    const queueUrl = values['queue-url'];
    const functionName = values.function;
    if (queueUrl === undefined || functionName === undefined) {
      throw new CliUsageError('redrive needs --queue-url and --function.');
    }
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && (!Number.isInteger(max) || max < 1))
      throw new CliUsageError('--max takes a whole number from 1.');
    const sqs = new SQSClient({});
    const lambda = new LambdaClient({});
    try {
      const outcome = await redrive({ sqs, lambda, queueUrl, functionName, ...(max === undefined ? {} : { max }) });
      io.out(
        `redriven: ${outcome.redriven}, failed again: ${outcome.failed.length}, unreadable: ${outcome.unreadable.length}`,
      );
      for (const failure of outcome.failed) io.err(`  ${failure.messageId}: ${failure.error}`);
      return outcome.failed.length + outcome.unreadable.length === 0 ? EXIT_OK : EXIT_SOME_FAILED;
    } finally {
      sqs.destroy();
      lambda.destroy();
    }
  },
};
