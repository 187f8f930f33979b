import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { chatAppDepsFor } from '../../../src/app/chat-app-deps';
import type { AuthorizationPolicy } from '../../../src/core/actions';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalIdentity, startLocalIdentity } from '../../../src/local/teams/identity';
import { type ActivityParties, teamsEvent } from '../../../src/local/teams/signed-activity';
import { createTeamsLambdaHandler, type TeamsLambdaHandler } from '../../../src/teams/app/create-teams-app';
import { InMemoryChannelAddresses } from '../../helpers/in-memory-channel-addresses';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { RecordingLogger } from '../slack/harness';

export const BUS = 'pipewatch';
export const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';
export const TABLE = 'pipewatch-state';
/** Entra object ids of the local people: an approver, a retrier, a viewer. */
export const ALICE = { id: '29:alice', aadObjectId: 'aaaaaaaa-0000-4000-8000-00000000a11c', name: 'Alice' };
export const BOB = { id: '29:bob', aadObjectId: 'bbbbbbbb-0000-4000-8000-000000000b0b', name: 'Bob' };
export const CAROL = { id: '29:carol', aadObjectId: 'cccccccc-0000-4000-8000-0000000ca201', name: 'Carol' };
export const CHANNEL_ID = '19:deploys0000000000000000000000@thread.tacv2';
export const TEAM_ID = '19:general000000000000000000000@thread.tacv2';

export const POLICY: AuthorizationPolicy = {
  rules: [{ pipelines: ['myPipeline'], retry: [ALICE.aadObjectId, BOB.aadObjectId], approve: [ALICE.aadObjectId] }],
};

export interface TeamsStack {
  readonly local: LocalAwsClients;
  readonly identity: LocalIdentity;
  readonly clock: ManualClock;
  readonly log: RecordingLogger;
  readonly addresses: InMemoryChannelAddresses;
  readonly handler: TeamsLambdaHandler;
  /** The parties of an activity in #deploys from `user`. */
  parties(user?: typeof ALICE): ActivityParties;
  /** POST /api/messages with a token the local identity signed for this activity (or `token` as given). */
  send(activity: Record<string, unknown>, token?: string | null): Promise<APIGatewayProxyStructuredResultV2>;
  stop(): Promise<void>;
}

/** The Teams function on the real local AWS, checking tokens against a local identity with real keys. */
export async function startTeamsStack(options: { readonly serviceUrl: string }): Promise<TeamsStack> {
  const clock = new ManualClock();
  const local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  const identity = await startLocalIdentity({ port: 0 });
  const log = new RecordingLogger();
  const addresses = new InMemoryChannelAddresses();
  const handler = await createTeamsLambdaHandler({
    appId: identity.clientId,
    tenantId: identity.tenantId,
    token: async () => identity.signAccessToken(),
    allowedTenants: [],
    cloud: identity.cloud,
    deps: {
      ...chatAppDepsFor({
        eventBridge: local.eventBridge,
        codePipeline: local.codePipeline,
        dynamo: local.dynamo,
        region: local.aws.region,
        busName: BUS,
        notifyFunctionArn: NOTIFY_ARN,
        tableName: TABLE,
        policy: POLICY,
        policyLocation: 'the test policy',
        log,
      }),
      addresses,
    },
  });
  const parties = (user = BOB): ActivityParties => ({
    serviceUrl: options.serviceUrl,
    tenantId: identity.tenantId,
    conversationId: CHANNEL_ID,
    conversationType: 'channel',
    teamId: TEAM_ID,
    bot: { id: `28:${identity.clientId}`, name: 'pipewatch' },
    user,
  });
  return {
    local,
    identity,
    clock,
    log,
    addresses,
    handler,
    parties,
    async send(activity, token) {
      const signed =
        token === null
          ? undefined
          : (token ??
            identity.signActivityToken({ appId: identity.clientId, serviceUrl: String(activity.serviceUrl) }));
      return handler(teamsEvent(activity, signed));
    },
    async stop() {
      await identity.stop();
      await local.stop();
    },
  };
}
