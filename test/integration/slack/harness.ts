import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ChatAppDeps, chatAppDepsFor } from '../../../src/app/chat-app-deps';
import { createNotifyHandler, notifyDepsFor } from '../../../src/app/notify/notify-handler';
import { fullLog } from '../../../src/app/run-announcer';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { createTableInput, DynamoDbConversationStore } from '../../../src/aws/dynamodb-conversation-store';
import { DynamoDbRunRequesters } from '../../../src/aws/dynamodb-run-requesters';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import { CachedPipelineCatalog } from '../../../src/aws/pipeline-catalog';
import { ServiceQuotasRulesQuota } from '../../../src/aws/service-quotas-rules-quota';
import type { AuthorizationPolicy, PolicySource } from '../../../src/core/actions';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { signedSlackEvent } from '../../../src/local/channel/slack-requests';
import {
  blockActionsBody,
  type LocalSlack,
  type OpenedView,
  type SlackMessage,
  slashCommandBody,
  startLocalSlack,
  viewSubmissionBody,
} from '../../../src/local/slack';
import type { SlackAppLogger } from '../../../src/slack/app/deps';
import type { SlackInstallationConfig } from '../../../src/slack/app/installation';
import { createSlackLambdaHandler, type SlackLambdaHandler } from '../../../src/slack/app/lambda-handler';
import type { RequestReplays } from '../../../src/slack/app/request-replays';
import { SlackChatPoster } from '../../../src/slack/slack-chat-poster';
import { deployForwardAndFollowRules, localNotifyAdapters } from '../../helpers/deployed-wiring';
import { InMemoryClickClaims } from '../../helpers/in-memory-click-claims';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { MemoryLog } from '../../helpers/memory-log';

export const TEAM = 'T0000LOCAL';
export const DEPLOYS = 'C00000DEPLOY';
export const OTHER = 'C00000OTHER';
export const ALICE = 'U00000ALICE';
export const BOB = 'U0000000BOB';
export const CAROL = 'U00000CAROL';
export const APPROVERS = 'S00APPROVERS';
export const BUS = 'pipewatch';
export const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';

/**
 * Alice may retry myPipeline and approve it through the approvers group; Carol may retry
 * web-service; nobody may approve anything but myPipeline.
 */
export const POLICY: AuthorizationPolicy = {
  rules: [
    { pipelines: ['myPipeline'], retry: [ALICE], approve: [APPROVERS] },
    { pipelines: ['web-*'], retry: [CAROL], approve: [] },
  ],
};

/** A logger that keeps every line, so tests can assert that decisions were logged. */
export class RecordingLogger implements SlackAppLogger {
  readonly lines: { level: string; message: string; fields: Readonly<Record<string, unknown>> }[] = [];
  info(message: string, fields: Readonly<Record<string, unknown>> = {}) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Readonly<Record<string, unknown>> = {}) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Readonly<Record<string, unknown>> = {}) {
    this.lines.push({ level: 'error', message, fields });
  }
  decisions(): Record<string, unknown>[] {
    return this.lines
      .filter((line) => line.message === 'pipewatch decision')
      .map((line) => line.fields.decision as Record<string, unknown>);
  }
}

export interface Stack {
  local: LocalAwsClients;
  clock: ManualClock;
  slack: LocalSlack;
  bot: WebClient;
  log: RecordingLogger;
  clicks: InMemoryClickClaims;
  handler: SlackLambdaHandler;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The CodePipeline client of the ports (default: the local AWS's), e.g. one that cannot reach CodePipeline. */
  codePipeline?: (local: LocalAwsClients) => CodePipelineClient;
  /** Where the policy lives, as a refused button names it. */
  policyLocation?: string;
  /** The handler's clock (signature window, replays) and the click claims' (default Date.now). */
  now?: () => number;
  /** Where accepted requests are remembered (default: the handler's in-memory store). */
  replays?: RequestReplays;
  /** The installation the handler is bound to (default: none configured, the team from auth.test). */
  installation?: (slack: LocalSlack) => SlackInstallationConfig;
  /**
   * The deployed wiring around the handler: the table, the forwarding and follow rules, the notify
   * function as every subscription's target, and the Slack function's ports from chatAppDepsFor with
   * its chat poster (so `run` posts its execution's message and links to it).
   */
  notify?: boolean;
  /**
   * A DynamoDB table (`pipewatch-state`, as `notify: true` makes it) on the local AWS with the real conversation store and
   * run requesters (`run` records who started an execution; an approval reads it and the trigger).
   */
  table?: boolean;
  /** The bot token's scopes in the local Slack (default: every scope). */
  slackScopes?: string[];
  /** The local EventBridge's rules per bus, which its Service Quotas reports too (default 300, AWS's). */
  rulesPerBus?: number;
}

/** The real stack: local AWS with the pipewatch bus and sample pipelines, the real adapters, a local Slack. */
export async function startStack(policy: PolicySource = POLICY, options: StackOptions = {}): Promise<Stack> {
  const clock = new ManualClock();
  const local = await startLocalAwsWithClients({
    clock,
    definitionsFile: SAMPLE_PIPELINES_FILE,
    ...(options.rulesPerBus === undefined ? {} : { rulesPerBus: options.rulesPerBus }),
  });
  await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  const slack = await startLocalSlack({
    teamId: TEAM,
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: OTHER, name: 'other' },
    ],
    users: [
      { id: ALICE, name: 'alice', realName: 'Alice Approver' },
      { id: BOB, name: 'bob', email: 'bob@example.com' },
      { id: CAROL, name: 'carol' },
    ],
    usergroups: [{ id: APPROVERS, handle: 'approvers', users: [ALICE] }],
    ...(options.slackScopes === undefined ? {} : { scopes: options.slackScopes }),
  });
  const log = new RecordingLogger();
  const clicks = new InMemoryClickClaims(options.now);
  const pipelines = new CodePipelinePipelineClient({
    client: options.codePipeline?.(local) ?? local.codePipeline,
    region: local.aws.region,
  });
  const wired = options.notify === true ? await deployedWiring(local, slack, policy, log) : undefined;
  let stores: { conversations: DynamoDbConversationStore; requesters: DynamoDbRunRequesters } | undefined;
  if (options.table === true && wired === undefined) {
    await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
    stores = {
      conversations: new DynamoDbConversationStore({ client: local.dynamo, tableName: TABLE }),
      requesters: new DynamoDbRunRequesters({ client: local.dynamo, tableName: TABLE }),
    };
  }
  const handler = createSlackLambdaHandler({
    signingSecret: slack.signingSecret,
    bot: { botToken: slack.botToken, botId: slack.workspace.botId, botUserId: slack.workspace.botUserId },
    slackApiUrl: slack.apiUrl,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.replays === undefined ? {} : { replays: options.replays }),
    ...(options.installation === undefined ? {} : { installation: options.installation(slack) }),
    deps: wired ?? {
      rules: new EventBridgeRuleStore({ client: local.eventBridge, busName: BUS, targetArn: NOTIFY_ARN }),
      // As chatAppDepsFor wires it: the bus's "Number of rules" from the local Service Quotas.
      rulesQuota: new ServiceQuotasRulesQuota({ client: local.serviceQuotas, region: local.aws.region, log }),
      pipelines,
      catalog: new CachedPipelineCatalog({ source: pipelines }),
      clicks,
      policy,
      ...(stores === undefined ? {} : stores),
      ...(options.policyLocation === undefined ? {} : { policyLocation: options.policyLocation }),
      log,
    },
  });
  const bot = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return {
    local,
    clock,
    slack,
    bot,
    log,
    clicks,
    handler,
    async stop() {
      await slack.stop();
      await local.stop();
    },
  };
}

/** The table `table: true` and `notify: true` create. */
export const TABLE = 'pipewatch-state';

/** As serverless.yml deploys it around the Slack function (see StackOptions.notify); the Slack function's ports. */
async function deployedWiring(
  local: LocalAwsClients,
  slack: LocalSlack,
  policy: PolicySource,
  log: RecordingLogger,
): Promise<ChatAppDeps> {
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
  const busArn = `arn:aws:events:${local.aws.region}:${local.aws.accountId}:event-bus/${BUS}`;
  await deployForwardAndFollowRules(local, { name: BUS, arn: busArn }, NOTIFY_ARN);
  const notify = createNotifyHandler(notifyDepsFor(localNotifyAdapters(local, slack, TABLE, new MemoryLog())));
  local.aws.lambdas.register(NOTIFY_ARN, (input) => notify(input));
  return chatAppDepsFor({
    eventBridge: local.eventBridge,
    codePipeline: local.codePipeline,
    dynamo: local.dynamo,
    serviceQuotas: local.serviceQuotas,
    region: local.aws.region,
    busName: BUS,
    notifyFunctionArn: NOTIFY_ARN,
    tableName: TABLE,
    policy,
    log,
    chat: new SlackChatPoster({ token: slack.botToken, slackApiUrl: slack.apiUrl, log: fullLog(log) }),
  });
}

export interface SendOptions {
  timestamp?: number;
  secret?: string;
  base64?: boolean;
  headers?: Record<string, string>;
}

/** An API Gateway HTTP API (payload v2) event carrying `body`, signed as Slack signs it. */
export function httpEvent(stack: Stack, body: string, options: SendOptions = {}): APIGatewayProxyEventV2 {
  const { secret, ...rest } = options;
  return signedSlackEvent(secret ?? stack.slack.signingSecret, body, rest);
}

export function send(
  stack: Stack,
  body: string,
  options: SendOptions = {},
): Promise<APIGatewayProxyStructuredResultV2> {
  return stack.handler(httpEvent(stack, body, options));
}

/** Types `/pipewatch <text>` in a channel; returns the HTTP answer and the ephemeral answers it produced. */
export async function command(
  stack: Stack,
  text: string,
  options: { channel?: string; user?: string; userName?: string; base64?: boolean } = {},
): Promise<{ status: number | undefined; answer: string }> {
  const channel = options.channel ?? DEPLOYS;
  const user = options.user ?? ALICE;
  const before = stack.slack.workspace.ephemerals(channel, user).length;
  const body = slashCommandBody({
    text,
    teamId: TEAM,
    channelId: channel,
    userId: user,
    ...(options.userName === undefined ? {} : { userName: options.userName }),
    responseUrl: stack.slack.workspace.createResponseUrl(channel, user),
    triggerId: stack.slack.workspace.createTriggerId(user),
  });
  const response = await send(stack, body, { base64: options.base64 });
  const answers = stack.slack.workspace.ephemerals(channel, user).slice(before);
  return { status: response.statusCode, answer: answers.map((a) => a.text).join('\n---\n') };
}

/** Posts a message with pipewatch's buttons, as the notify path would (the real WebClient as the bot). */
export async function postButtons(
  stack: Stack,
  buttons: { actionId: string; value: string; text: string }[],
  channel = DEPLOYS,
): Promise<SlackMessage> {
  const posted = await stack.bot.chat.postMessage({
    channel,
    text: 'myPipeline: Build failed',
    blocks: [
      { type: 'section', block_id: 'head', text: { type: 'mrkdwn', text: '*myPipeline*: Build failed' } },
      {
        type: 'actions',
        block_id: 'buttons',
        elements: buttons.map((b) => ({
          type: 'button' as const,
          action_id: b.actionId,
          value: b.value,
          text: { type: 'plain_text' as const, text: b.text },
        })),
      },
    ],
  });
  const message = stack.slack.workspace.message(channel, posted.ts ?? '');
  if (message === undefined) throw new Error('message not posted');
  return message;
}

/** A block_actions click on one of the message's buttons, signed and sent; returns the HTTP status. */
export async function click(
  stack: Stack,
  message: SlackMessage,
  actionId: string,
  user: string,
): Promise<number | undefined> {
  const response = await send(stack, blockActionsBody(clickPayload(stack, message, actionId, user)));
  return response.statusCode;
}

/** The block_actions payload Slack sends for a click on one of the message's buttons (as it is now). */
export function clickPayload(
  stack: Stack,
  message: SlackMessage,
  actionId: string,
  user: string,
): BlockAction<ButtonAction> {
  const current = stack.slack.workspace.message(message.channel, message.ts) ?? message;
  const elements = (current.blocks ?? []).flatMap((block) =>
    Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [],
  );
  const button = elements.find((element) => element.action_id === actionId);
  if (button === undefined) throw new Error(`no button ${actionId} in the message`);
  const payload = {
    type: 'block_actions',
    team: { id: TEAM, domain: 'local' },
    user: { id: user, username: stack.slack.workspace.user(user)?.name ?? user, team_id: TEAM },
    api_app_id: stack.slack.workspace.appId,
    token: 'deprecated',
    container: { type: 'message', message_ts: current.ts, channel_id: current.channel, is_ephemeral: false },
    trigger_id: stack.slack.workspace.createTriggerId(user),
    channel: { id: current.channel, name: stack.slack.workspace.channel(current.channel)?.name ?? '' },
    message: {
      type: 'message',
      user: current.user,
      bot_id: current.botId,
      ...(current.botId === undefined ? {} : { app_id: stack.slack.workspace.appId }),
      ts: current.ts,
      text: current.text,
      blocks: current.blocks,
      ...(current.threadTs ? { thread_ts: current.threadTs } : {}),
    },
    response_url: stack.slack.workspace.createResponseUrl(current.channel, user, current.ts),
    actions: [
      {
        type: 'button',
        block_id: 'buttons',
        action_id: actionId,
        value: button.value,
        text: button.text,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  } as unknown as BlockAction<ButtonAction>;
  return payload;
}

/** Submits an opened modal with a comment (a view_submission as Slack sends it). */
export async function submit(
  stack: Stack,
  opened: OpenedView,
  user: string,
  comment: string | null,
  options: { base64?: boolean } = {},
): Promise<number | undefined> {
  const response = await send(stack, viewSubmissionBody(submissionPayload(stack, opened, user, comment)), {
    base64: options.base64,
  });
  return response.statusCode;
}

/** The view_submission payload Slack sends when the opened modal is submitted with a comment. */
export function submissionPayload(
  stack: Stack,
  opened: OpenedView,
  user: string,
  comment: string | null,
): ViewSubmitAction {
  return viewSubmissionPayload(stack, opened, user, {
    'pipewatch.approval.comment': { comment: { type: 'plain_text_input', value: comment } },
  });
}

/** The view_submission payload Slack sends for the opened modal with its inputs' `state.values`. */
export function viewSubmissionPayload(
  stack: Stack,
  opened: OpenedView,
  user: string,
  values: Record<string, Record<string, unknown>>,
): ViewSubmitAction {
  return {
    type: 'view_submission',
    team: { id: TEAM, domain: 'local' },
    user: { id: user, name: stack.slack.workspace.user(user)?.name ?? user, team_id: TEAM },
    api_app_id: stack.slack.workspace.appId,
    token: 'deprecated',
    trigger_id: stack.slack.workspace.createTriggerId(user),
    view: { ...opened.view, id: opened.id, team_id: TEAM, hash: opened.hash, state: { values } },
    response_urls: [],
  } as unknown as ViewSubmitAction;
}

export function ephemeralTexts(stack: Stack, user: string, channel = DEPLOYS): string[] {
  return stack.slack.workspace.ephemerals(channel, user).map((e) => e.text);
}
