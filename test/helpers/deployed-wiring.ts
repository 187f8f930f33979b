import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { NotifyAdapters } from '../../src/app/notify/notify-handler';
import { FOLLOW_INPUT_TEMPLATE, FOLLOW_RULE_NAME, FOLLOW_RULE_PATTERN } from '../../src/aws/notify-input';
import type { Log } from '../../src/core/ports';
import type { LocalSlack } from '../../src/local/slack';
import type { LocalAwsClients } from './local-aws';

/**
 * What serverless.yml deploys around the functions, on the local AWS: the forwarding rule that
 * sends CodePipeline events from the default bus to the pipewatch bus `bus` (ARN `busArn`), and
 * the follow rule on it, whose target is the notify function `notifyArn`.
 */
export async function deployForwardAndFollowRules(
  local: LocalAwsClients,
  bus: { readonly name: string; readonly arn: string },
  notifyArn: string,
): Promise<void> {
  await local.eventBridge.send(
    new PutRuleCommand({ Name: 'pipewatch-forward', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }),
  );
  await local.eventBridge.send(
    new PutTargetsCommand({
      Rule: 'pipewatch-forward',
      Targets: [{ Id: 'bus', Arn: bus.arn, RoleArn: `arn:aws:iam::${local.aws.accountId}:role/pipewatch-forward` }],
    }),
  );
  await local.eventBridge.send(
    new PutRuleCommand({
      Name: FOLLOW_RULE_NAME,
      EventBusName: bus.name,
      EventPattern: JSON.stringify(FOLLOW_RULE_PATTERN),
    }),
  );
  await local.eventBridge.send(
    new PutTargetsCommand({
      Rule: FOLLOW_RULE_NAME,
      EventBusName: bus.name,
      Targets: [{ Id: 'notify', Arn: notifyArn, InputTransformer: { InputTemplate: FOLLOW_INPUT_TEMPLATE } }],
    }),
  );
}

/** The notify function's adapters over the local AWS and a local Slack: no retries within a call (Lambda's are tested). */
export function localNotifyAdapters(
  local: LocalAwsClients,
  slack: LocalSlack,
  tableName: string,
  log: Log,
): NotifyAdapters {
  return {
    dynamo: local.dynamo,
    tableName,
    codePipeline: local.codePipeline,
    codeBuild: local.codeBuild,
    logs: local.logs,
    region: local.aws.region,
    slack: { token: slack.botToken, slackApiUrl: slack.apiUrl, retries: 0 },
    log,
  };
}
