// (Lambda entry point) EventBridge subscription rule --> notify: built once per cold start, then delegates
import { createCodePipelineClient, createDynamoDbClient, createSsmClient } from '../src/aws/clients';
import { SecretParameters } from '../src/aws/ssm-secrets';
import { requireEnvironment } from '../src/config/environment';
import { createLogger } from '../src/log/logger';
import { createNotifyHandler, type NotifyHandler, notifyDepsFor } from '../src/notify/create-notify-handler';

interface Ready {
  /** The bot token, through SecretParameters' cache. */
  readonly token: () => Promise<string>;
  readonly handler: NotifyHandler;
}

let ready: Ready | undefined;

/** Clients, logger and configuration, once per cold start; a missing variable throws here, naming it. */
function build(): Ready {
  const env = requireEnvironment(['PIPEWATCH_TABLE', 'PIPEWATCH_SLACK_BOT_TOKEN_PARAM']);
  const log = createLogger({ level: env.PIPEWATCH_LOG_LEVEL, fields: { function: 'notify' } });
  const secrets = new SecretParameters({ client: createSsmClient() });
  const token = () => secrets.get(env.PIPEWATCH_SLACK_BOT_TOKEN_PARAM);
  const dynamo = createDynamoDbClient();
  const codePipeline = createCodePipelineClient();
  const region = process.env.AWS_REGION;
  return {
    token,
    handler: createNotifyHandler(
      notifyDepsFor({
        dynamo,
        tableName: env.PIPEWATCH_TABLE,
        codePipeline,
        ...(region === undefined ? {} : { region }),
        slack: {
          // Asked at each chat call; the Slack client is rebuilt when the token changes.
          token,
          ...(env.PIPEWATCH_SLACK_API_URL === undefined ? {} : { slackApiUrl: env.PIPEWATCH_SLACK_API_URL }),
        },
        log,
      }),
    ),
  };
}

/**
 * The bot token comes from SSM through a cache with a TTL (SecretParameters), so a rotated token
 * reaches a warm instance within minutes: the Slack client is rebuilt when the token changes. Its
 * read starts with the invocation and is awaited only at the first chat call, so that on a cold
 * start it overlaps the DynamoDB calls; a failure to read it throws there (EventBridge retries).
 */
export const handler = async (event: unknown): Promise<unknown> => {
  ready ??= build();
  // Handled here so that an invocation that never chats (a duplicate) leaves no unhandled rejection.
  ready.token().catch(() => undefined);
  return ready.handler(event);
};
