import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { notifyAppFromEnvironment } from '../../../src/app/notify-app';
import { teamsAppFromEnvironment } from '../../../src/app/teams-app';
import { DynamoDbChannelAddresses } from '../../../src/aws/dynamodb-channel-addresses';
import { createTableInput, DynamoDbConversationStore } from '../../../src/aws/dynamodb-conversation-store';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import type { AuthorizationPolicy, ExecutionButtonValue, PolicySource } from '../../../src/core/actions';
import type { ChannelRef } from '../../../src/core/channels';
import { EXECUTION_STATE_SCHEMA, type ExecutionState } from '../../../src/core/executions';
import type { StoredRule } from '../../../src/core/ports';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import {
  centralBusPolicy,
  forwardOtherPlaces,
  LOCAL_MEMBER_ROLE_NAME,
  localAccountsOptions,
} from '../../../src/local/dev-server/local-accounts';
import { LOCAL_HOME_ACCOUNT } from '../../../src/local/dev-server/start-local-pipewatch';
import { DEFAULT_TEAM, type LocalBotConnector, startLocalBotConnector } from '../../../src/local/teams/bot-connector';
import { type ActivityTokenOptions, type LocalIdentity, startLocalIdentity } from '../../../src/local/teams/identity';
import {
  type ActivityParties,
  cardActionActivity,
  messageActivity,
  teamsEvent,
} from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import type { TeamsLambdaHandler } from '../../../src/teams/app/create-teams-app';
import { deployForwardAndFollowRules } from '../../helpers/deployed-wiring';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { MemoryLog } from '../../helpers/memory-log';
import { RecordingLogger } from '../slack/harness';

export const BUS = 'pipewatch';
export const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';
export const TABLE = 'pipewatch-state';
/** Entra object ids of the local people: an approver, a retrier, a viewer. */
export const ALICE = { id: '29:alice', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice' };
export const BOB = { id: '29:bob', aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000b0b', name: 'Bob' };
export const CAROL = { id: '29:carol', aadObjectId: 'cccccccc-0000-4000-8000-0000000ca201', name: 'Carol' };
/** The local Bot Connector's team: its General channel has the team's id, #deploys is the second. */
export const TEAM_ID = DEFAULT_TEAM.id;
export const CHANNEL_ID = DEFAULT_TEAM.channels?.[1]?.id ?? '';

export const POLICY: AuthorizationPolicy = {
  rules: [
    {
      pipelines: ['myPipeline'],
      retry: [ALICE.aadObjectId, BOB.aadObjectId],
      approve: [ALICE.aadObjectId],
      stop: [ALICE.aadObjectId],
      run: [ALICE.aadObjectId],
    },
  ],
};

const APP_ID_PARAM = '/pipewatch/test/teams/app-id';
const CLIENT_SECRET_PARAM = '/pipewatch/test/teams/client-secret';
const TENANT_ID_PARAM = '/pipewatch/test/teams/tenant-id';

export type TeamsUser = typeof ALICE;

export interface TeamsStackOptions {
  readonly policy?: PolicySource;
  readonly policyLocation?: string;
  /** PIPEWATCH_TEAMS_ALLOWED_TENANTS: tenants served besides the bot's own. */
  readonly allowedTenants?: readonly string[];
  /** PIPEWATCH_TEAMS_GRAPH_GROUPS on, with Graph at `url` (default: the local identity's). */
  readonly graph?: { readonly url?: string };
  /** The Teams function's clock (click claims, the replay memory); real time by default. */
  readonly now?: () => number;
  /**
   * The reminders' schedule group `SCHEDULE_GROUP` in the local Scheduler, named to both functions
   * as deployed (PIPEWATCH_REMINDER_SCHEDULE_GROUP and _ROLE_ARN): snoozes' ends and approval
   * reminders are then scheduled, calling notify.
   */
  readonly schedules?: boolean;
  /** The local EventBridge's rules per bus, which its Service Quotas reports too (default 300, AWS's). */
  readonly rulesPerBus?: number;
  /**
   * `pipewatch local`'s accounts and regions: the member account 111111111111 in us-west-2 (its
   * role pipewatch-member trusting this account, its events forwarded to the bus, whose policy
   * names it) and this account in us-west-2; both functions get PIPEWATCH_MEMBER_ROLE_NAME. The
   * clock starts at the real time (the SDK judges the role's credentials by it).
   */
  readonly accounts?: boolean;
}

export const SCHEDULE_GROUP = 'pipewatch-test';

/** Every Action.Execute of a message's cards (ShowCards included): its verb and data. */
export interface ExecuteAction {
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

export interface TeamsStack {
  readonly local: LocalAwsClients;
  readonly identity: LocalIdentity;
  readonly connector: LocalBotConnector;
  /** The local AWS's clock: pipelines run as it advances. */
  readonly clock: ManualClock;
  /** The Teams function's log. */
  readonly log: RecordingLogger;
  /** The notify function's log, and what it threw. */
  readonly notifyLog: MemoryLog;
  readonly notifyErrors: unknown[];
  /** The Teams function as deployed: teamsAppFromEnvironment (SSM, DynamoDB, the local identity). */
  readonly handler: TeamsLambdaHandler;
  /** The parties of an activity in #deploys from `user` (Bob by default). */
  parties(user?: TeamsUser): ActivityParties;
  /** A token the local identity signs as the Bot Framework does for this stack (serviceUrl and audience), with overrides. */
  sign(overrides?: Partial<ActivityTokenOptions>): string;
  /** The HTTP event of POST /api/messages: `token` as given, none for null, else a correct one for the activity. */
  event(activity: Record<string, unknown>, token?: string | null): APIGatewayProxyEventV2;
  send(activity: Record<string, unknown>, token?: string | null): Promise<APIGatewayProxyStructuredResultV2>;
  /** A person's post mentioning the bot, as the service stores it and then sends it to the bot. */
  typed(user: TeamsUser, command: string): Record<string, unknown>;
  /** A click on a button (by verb) of a message's card, as Teams sends it; `data` is merged into the button's. */
  click(message: TeamsMessage, verb: string, user: TeamsUser, data?: Record<string, unknown>): Record<string, unknown>;
  /**
   * Records `messageId` in #deploys as pipewatch's card about the button's execution, as the notify
   * path records the cards it posts (for cards a test posts itself).
   */
  recordCard(messageId: string, button: ExecutionButtonValue): Promise<void>;
  /** The address kept for #deploys (undefined: none). */
  address(channel?: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** The subscription rules on the bus. */
  rules(): Promise<readonly StoredRule[]>;
  /** Advances the clock a second at a time, delivering events, then every pending retry. */
  runFor(ms: number): Promise<void>;
  /** The bot's root posts with a card in #deploys (one per execution). */
  cards(): TeamsMessage[];
  repliesTo(message: TeamsMessage | undefined): TeamsMessage[];
  stop(): Promise<void>;
}

/**
 * The Teams stack as deployed, on loopback: the Teams function and the notify function built by
 * their composition roots (teamsAppFromEnvironment, notifyAppFromEnvironment) from an environment
 * and the local SSM, as the local mode builds them; the local AWS with the table, the bus and the
 * follow rule serverless.yml deploys; a local Microsoft identity with real keys (inbound tokens,
 * client credentials, Graph) and a local Bot Connector holding the team.
 */
export async function startTeamsStack(options: TeamsStackOptions = {}): Promise<TeamsStack> {
  const clock = options.accounts === true ? new ManualClock(Date.now()) : new ManualClock();
  const local = await startLocalAwsWithClients({
    clock,
    definitionsFile: SAMPLE_PIPELINES_FILE,
    ...(options.rulesPerBus === undefined ? {} : { rulesPerBus: options.rulesPerBus }),
    ...(options.accounts === true ? localAccountsOptions(LOCAL_HOME_ACCOUNT) : {}),
  });
  const identity = await startLocalIdentity({ port: 0 });
  const connector = await startLocalBotConnector({ port: 0, identity });
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
  const busArn = await deployBusAndFollowRule(local);
  if (options.accounts === true) {
    await forwardOtherPlaces(local.aws, busArn);
    await local.eventBridge.send(
      new PutPermissionCommand({ EventBusName: BUS, Policy: centralBusPolicy(local.aws, busArn) }),
    );
  }
  if (options.schedules === true) await local.scheduler.send(new CreateScheduleGroupCommand({ Name: SCHEDULE_GROUP }));
  for (const [name, value] of [
    [APP_ID_PARAM, identity.clientId],
    [CLIENT_SECRET_PARAM, identity.clientSecret],
    [TENANT_ID_PARAM, identity.tenantId],
  ] as const) {
    await local.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
  }
  const environment: NodeJS.ProcessEnv = {
    AWS_REGION: local.aws.region,
    PIPEWATCH_TABLE: TABLE,
    PIPEWATCH_EVENT_BUS: BUS,
    PIPEWATCH_NOTIFY_FUNCTION_ARN: NOTIFY_ARN,
    PIPEWATCH_TEAMS_APP_ID_PARAM: APP_ID_PARAM,
    PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM: CLIENT_SECRET_PARAM,
    PIPEWATCH_TEAMS_TENANT_ID_PARAM: TENANT_ID_PARAM,
    PIPEWATCH_TEAMS_ALLOWED_TENANTS: (options.allowedTenants ?? []).join(','),
    PIPEWATCH_TEAMS_LOGIN_ENDPOINT: identity.loginEndpoint,
    PIPEWATCH_TEAMS_OPENID_METADATA_URL: identity.openIdMetadataUrl,
    PIPEWATCH_TEAMS_TOKEN_ISSUER: identity.tokenIssuer,
    ...(options.accounts === true ? { PIPEWATCH_MEMBER_ROLE_NAME: LOCAL_MEMBER_ROLE_NAME } : {}),
    ...(options.graph === undefined
      ? {}
      : { PIPEWATCH_TEAMS_GRAPH_GROUPS: 'true', PIPEWATCH_TEAMS_GRAPH_URL: options.graph.url ?? identity.graphUrl }),
    ...(options.schedules === true
      ? {
          PIPEWATCH_REMINDER_SCHEDULE_GROUP: SCHEDULE_GROUP,
          PIPEWATCH_REMINDER_ROLE_ARN: 'arn:aws:iam::000000000000:role/pipewatch-test-reminders',
        }
      : {}),
  };
  const notifyLog = new MemoryLog();
  const notifyErrors: unknown[] = [];
  const notify = notifyAppFromEnvironment(environment, { clients: local, log: notifyLog });
  local.aws.lambdas.register(NOTIFY_ARN, async (input) => {
    try {
      return await notify.handler(input);
    } catch (error) {
      notifyErrors.push(error);
      throw error;
    }
  });
  const log = new RecordingLogger();
  const handler = teamsAppFromEnvironment(environment, {
    clients: local,
    log,
    policy: options.policy ?? POLICY,
    policyLocation: options.policyLocation ?? 'the test policy',
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const addresses = new DynamoDbChannelAddresses({ client: local.dynamo, tableName: TABLE });
  const ruleStore = new EventBridgeRuleStore({ client: local.eventBridge, busName: BUS, targetArn: NOTIFY_ARN });

  const parties = (user: TeamsUser = BOB): ActivityParties => ({
    serviceUrl: connector.serviceUrl,
    tenantId: identity.tenantId,
    conversationId: CHANNEL_ID,
    conversationType: 'channel',
    teamId: TEAM_ID,
    bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
    user,
  });
  const sign = (overrides: Partial<ActivityTokenOptions> = {}) =>
    identity.signActivityToken({ appId: identity.clientId, serviceUrl: connector.serviceUrl, ...overrides });
  const event = (activity: Record<string, unknown>, token?: string | null) =>
    teamsEvent(
      activity,
      token === null ? undefined : (token ?? sign({ serviceUrl: String(activity.serviceUrl ?? connector.serviceUrl) })),
    );
  const cards = () =>
    connector.tenant
      .messages(CHANNEL_ID)
      .filter((message) => JSON.stringify(message.activity).includes('AdaptiveCard'));

  return {
    local,
    identity,
    connector,
    clock,
    log,
    notifyLog,
    notifyErrors,
    handler,
    parties,
    sign,
    event,
    send: (activity, token) => handler(event(activity, token)),
    typed(user, command) {
      const post = connector.tenant.postUserMessage(CHANNEL_ID, user.id, `<at>pipewatch</at> ${command}`);
      return messageActivity(parties(user), command, { id: post.id });
    },
    click(message, verb, user, data = {}) {
      const action = executeActions(message).find((candidate) => candidate.verb === verb);
      if (action === undefined) throw new Error(`no ${verb} button on message ${message.id}`);
      return cardActionActivity(
        parties(user),
        { activityId: message.id, threadOf: message.replyToId ?? message.id },
        { verb, data: { ...action.data, ...data } },
      );
    },
    async recordCard(messageId, button) {
      const store = new DynamoDbConversationStore({ client: local.dynamo, tableName: TABLE });
      const { pipeline, executionId, region, account } = button;
      const key = { channel: teamsChannel(identity.tenantId), pipeline, executionId };
      const state: ExecutionState = {
        schema: EXECUTION_STATE_SCHEMA,
        ...{ pipeline, executionId, region, account },
        ...{ stages: {}, actions: {}, seenEvents: [], version: 0 },
      };
      await store.writeState(key, state, undefined);
      await store.acquireLock(key, 'test', 10_000);
      await store.releaseLock(key, 'test', { messageId, renderedVersion: 1, replies: [] });
    },
    address: (channel = CHANNEL_ID) => addresses.get(teamsChannel(identity.tenantId, channel)),
    rules: () => ruleStore.listRules('pw-'),
    async runFor(ms) {
      const eventBridge = local.aws.eventBridge;
      for (let t = 0; t < ms; t += 1000) {
        clock.advance(1000);
        // Other places first: what they forward lands on this account's bus.
        for (const place of local.aws.places.slice(1)) await place.eventBridge.settled();
        await eventBridge.settled();
      }
      while (eventBridge.pendingRetries > 0) {
        clock.runAll();
        await eventBridge.settled();
      }
    },
    cards,
    repliesTo: (message) => (message === undefined ? [] : connector.tenant.threadReplies(CHANNEL_ID, message.id)),
    async stop() {
      // Deliveries still in flight would write to a stopped DynamoDB.
      await local.aws.eventBridge.settled();
      await connector.stop();
      await identity.stop();
      await local.stop();
    },
  };
}

export function teamsChannel(tenantId: string, channel = CHANNEL_ID): ChannelRef {
  return { platform: 'teams', workspace: tenantId, channel };
}

/** Every Action.Execute of a message's cards, ShowCards included (not their Action.Submit fallbacks). */
export function executeActions(message: TeamsMessage | undefined): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute' && typeof record.verb === 'string') {
        found.push({ verb: record.verb, data: (record.data ?? {}) as Record<string, unknown> });
      }
      for (const [key, value] of Object.entries(record)) if (key !== 'fallback') walk(value);
    }
  };
  walk(message?.activity.attachments ?? []);
  return found;
}

/** What serverless.yml deploys: the bus, the forward rule from the default bus, the follow rule. */
async function deployBusAndFollowRule(local: LocalAwsClients): Promise<string> {
  const { EventBusArn } = await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  if (EventBusArn === undefined) throw new Error('the bus has no ARN');
  await deployForwardAndFollowRules(local, { name: BUS, arn: EventBusArn }, NOTIFY_ARN);
  return EventBusArn;
}
