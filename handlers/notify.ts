// (Lambda entry point) EventBridge subscription rule --> notify: built once per cold start, then delegates
import { createCodePipelineClient, createDynamoDbClient, createSsmClient } from '../src/aws/clients';
import { SecretParameters } from '../src/aws/ssm-secrets';
import { requireEnvironment } from '../src/config/environment';
import { createLogger } from '../src/log/logger';
import { createNotifyHandler, type NotifyHandler, notifyDepsFor } from '../src/notify/create-notify-handler';

interface Ready {
  readonly token: () => Promise<string>;
  readonly handlerFor: (token: string) => NotifyHandler;
}

let ready: Ready | undefined;
let current: { token: string; handler: NotifyHandler } | undefined;

/** Clients, logger and configuration, once per cold start; a missing variable throws here, naming it. */
function build(): Ready {
  const env = requireEnvironment(['PIPEWATCH_TABLE', 'PIPEWATCH_SLACK_BOT_TOKEN_PARAM']);
  const log = createLogger({ level: env.PIPEWATCH_LOG_LEVEL, fields: { function: 'notify' } });
  const secrets = new SecretParameters({ client: createSsmClient() });
  const dynamo = createDynamoDbClient();
  const codePipeline = createCodePipelineClient();
  const region = process.env.AWS_REGION;
  return {
    token: () => secrets.get(env.PIPEWATCH_SLACK_BOT_TOKEN_PARAM),
    handlerFor: (token) =>
      createNotifyHandler(
        notifyDepsFor({
          dynamo,
          tableName: env.PIPEWATCH_TABLE,
          codePipeline,
          ...(region === undefined ? {} : { region }),
          slack: {
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
 * reaches a warm instance within minutes: the Slack client is rebuilt when the token changes.
 */
export const handler = async (event: unknown): Promise<unknown> => {
  ready ??= build();
  const token = await ready.token();
  if (current?.token !== token) current = { token, handler: ready.handlerFor(token) };
  return current.handler(event);
};
