// (integration test) nothing forged, nothing twice: forged and tampered tokens, bodies that name another install, replays, foreign cards, unreadable policy or groups
import { createHmac } from 'node:crypto';
import { GetPipelineStateCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { type AuthorizationPolicy, type PolicySource, policyUnreadableText } from '../../../src/core/actions';
import { base64url, decodeJwt } from '../../../src/local/teams/jwt';
import { installationActivity, messageActivity } from '../../../src/local/teams/signed-activity';
import type { TeamsMessage } from '../../../src/local/teams/types';
import { TEAMS_REPLAY_CHECK_FAILED } from '../../../src/teams/app/activity-replays';
import { GRAPH_GROUPS_UNREADABLE } from '../../../src/teams/app/listeners/card-action';
import { offsetClock } from '../../helpers/offset-clock';
import {
  ALICE,
  BOB,
  CAROL,
  executeActions,
  startTeamsStack,
  TABLE,
  TEAM_ID,
  type TeamsStack,
  type TeamsStackOptions,
  type TeamsUser,
} from './teams-harness';

/*
 * Through the real Teams function as deployed (teamsAppFromEnvironment: the Teams SDK's JWT check
 * against a local identity with real RSA keys, pipewatch's checks around it, DynamoDB, CodePipeline),
 * with cards posted by the real notify function to a local Bot Connector. Every forged, replayed or
 * tampered request is refused (401, or 403 for a card pipewatch did not post), acts on nothing (the
 * local CodePipeline's state, the subscription rules, the connector's calls and the decisions are
 * as before) and is logged.
 *
 * What a Bot Framework token proves: Microsoft sent a request for this bot (audience) to be answered
 * at the `serviceurl` it names, within about an hour. It signs no body and no activity id, so what
 * binds a body to this install is checked from the body itself (channel, tenant, recipient, service
 * URL), a replayed activity id is refused for the token's lifetime, and a click must name a card
 * pipewatch posted.
 */

let stack: TeamsStack | undefined;
/** The Teams function's clock (click claims, replay memory); the JWT check reads real time. */
const { now, later, reset } = offsetClock();
const nowSeconds = () => Math.floor(Date.now() / 1000);

const OTHER_TENANT = 'ffffffff-0000-4000-8000-00000000ffff';
const APPROVERS = 'a9a9a9a9-0000-4000-8000-0000000a9a9a';

/** A Teams function installed in #deploys, with a subscription to myPipeline's failures. */
async function installed(options: TeamsStackOptions = {}, subscription = 'subscribe myPipeline FAILED') {
  const s = await startTeamsStack({ now, ...options });
  stack = s;
  expect((await s.send(installationActivity(s.parties(), 'add'))).statusCode).toBe(200);
  expect((await s.send(s.typed(BOB, subscription))).statusCode).toBe(200);
  return s;
}

afterEach(async () => {
  reset();
  await stack?.stop();
  stack = undefined;
});

/** Build fails (once, or every time); the card notify posted about it. */
async function failedBuildCard(s: TeamsStack, mode: 'once' | 'always' = 'once'): Promise<TeamsMessage> {
  s.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', { mode, summary: 'Tests failed' });
  await s.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
  await s.runFor(70_000);
  const card = s.cards().at(-1);
  if (card === undefined) throw new Error('no card');
  return card;
}

/** A run waiting for approval (the subscription follows every event): the thread reply with Approve. */
async function approvalReply(s: TeamsStack): Promise<TeamsMessage> {
  await s.local.codePipeline.send(new StartPipelineExecutionCommand({ name: 'myPipeline' }));
  await s.runFor(70_000);
  const reply = s
    .repliesTo(s.cards()[0])
    .find((candidate) => executeActions(candidate).some((action) => action.verb === 'pipewatch.approve'));
  if (reply === undefined) throw new Error('no approval reply');
  return reply;
}

async function stageStatus(s: TeamsStack, stage: string): Promise<string | undefined> {
  const state = await s.local.codePipeline.send(new GetPipelineStateCommand({ name: 'myPipeline' }));
  return state.stageStates?.find((candidate) => candidate.stageName === stage)?.latestExecution?.status;
}

/** What a request could have changed: the pipeline, the subscriptions, the chat, the decisions. */
async function effects(s: TeamsStack) {
  return {
    build: await stageStatus(s, 'Build'),
    approval: await stageStatus(s, 'Approval'),
    rules: (await s.rules()).map((rule) => rule.name).sort(),
    connectorCalls: s.connector.tenant.calls.length,
    decisions: s.log.decisions().length,
  };
}

const warnings = (s: TeamsStack, message: string) => s.log.lines.filter((line) => line.message === message);

function clickOn(s: TeamsStack, card: TeamsMessage, user: TeamsUser = BOB, verb = 'pipewatch.retry.failed') {
  return s.click(card, verb, user);
}

function answerOf(response: { body?: string | undefined }): { statusCode: number; type: string; value: string } {
  return JSON.parse(String(response.body));
}

/** A click as an Action.Submit fallback sends it (a message activity with the verb and the data). */
function submitted(s: TeamsStack, card: TeamsMessage, verb: string, user: TeamsUser = BOB): Record<string, unknown> {
  const action = executeActions(card).find((candidate) => candidate.verb === verb);
  if (action === undefined) throw new Error(`no ${verb} on the card`);
  const message = messageActivity(s.parties(user), '', { mention: false, threadOf: card.replyToId ?? card.id });
  return { ...message, text: '', replyToId: card.id, value: { verb, ...action.data } };
}

/** A token signed as a valid one, then re-signed with HS256 using the published RSA public key as the HMAC secret. */
function hs256WithPublicKey(s: TeamsStack): string {
  const { header, claims } = decodeJwt(s.sign());
  const pem = s.identity.publicKey(s.identity.currentKeyId())?.export({ type: 'spki', format: 'pem' });
  if (pem === undefined) throw new Error('no published key');
  const input = `${base64url(JSON.stringify({ ...header, alg: 'HS256' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(createHmac('sha256', pem).update(input).digest())}`;
}

describe('a forged token is refused with 401 and does nothing', () => {
  let s: TeamsStack;
  let card: TeamsMessage;
  beforeAll(async () => {
    s = await installed();
    card = await failedBuildCard(s);
    stack = undefined; // kept for the whole block
  });
  afterAll(() => s.stop());

  const forged: [string, (s: TeamsStack) => string | null, string][] = [
    ['no Authorization header', () => null, 'its token did not validate'],
    [
      'a signature by a key the OpenID metadata does not publish',
      (s) => s.sign({ foreignKey: true }),
      'its token did not validate',
    ],
    ['an unknown key id', (s) => s.sign({ kid: 'not-a-published-key' }), 'its token did not validate'],
    ['alg none, no signature', (s) => s.sign({ alg: 'none' }), 'its token did not validate'],
    ['HS256 with the public key as the HMAC secret', hs256WithPublicKey, 'its token did not validate'],
    ['another issuer', (s) => s.sign({ issuer: 'https://sts.windows.net/evil/' }), 'its token did not validate'],
    [
      'another app as the audience',
      (s) => s.sign({ audience: 'c0c0c0c0-0000-4000-8000-0000000000c0' }),
      'its token did not validate',
    ],
    [
      'expired beyond the 5-minute skew',
      (s) => s.sign({ issuedAt: nowSeconds() - 4000, notBefore: nowSeconds() - 4000, expiresAt: nowSeconds() - 360 }),
      'its token did not validate',
    ],
    [
      'not valid before a time beyond the 5-minute skew',
      (s) => s.sign({ notBefore: nowSeconds() + 360 }),
      'its token did not validate',
    ],
    [
      'a serviceurl claim other than the activity’s serviceUrl',
      (s) => s.sign({ serviceUrl: 'https://evil.example.com/teams/' }),
      'its token did not validate',
    ],
    ['no serviceurl claim', (s) => s.sign({ claims: { serviceurl: undefined } }), 'its token did not validate'],
    [
      'no exp (jsonwebtoken would accept it forever)',
      (s) => s.sign({ claims: { exp: undefined } }),
      'its token has no expiry',
    ],
    ['not a JWT', () => 'not.a.jwt', 'its token did not validate'],
  ];

  test.each(forged)('%s: a Retry click and a command get 401, nothing is done', async (_name, token, why) => {
    const before = await effects(s);
    const logged = warnings(s, `refused a Teams request: ${why}`).length;
    expect((await s.send(clickOn(s, card), token(s))).statusCode).toBe(401);
    expect((await s.send(s.typed(BOB, 'subscribe web-service'), token(s))).statusCode).toBe(401);
    expect(await effects(s)).toEqual(before);
    expect(before.build).toBe('Failed');
    expect(warnings(s, `refused a Teams request: ${why}`).length).toBe(logged + 2);
  });

  test('within the 5-minute skew, as the Bot Framework allows, a token is accepted (control)', async () => {
    const justExpired = s.sign({
      issuedAt: nowSeconds() - 4000,
      notBefore: nowSeconds() - 4000,
      expiresAt: nowSeconds() - 120,
    });
    expect((await s.send(s.typed(BOB, 'list'), justExpired)).statusCode).toBe(200);
    expect((await s.send(s.typed(BOB, 'list'), s.sign({ notBefore: nowSeconds() + 120 }))).statusCode).toBe(200);
  });
});

describe('a body that does not belong to this install is refused with 401, whatever its token', () => {
  let s: TeamsStack;
  let card: TeamsMessage;
  beforeAll(async () => {
    s = await installed({ allowedTenants: [OTHER_TENANT] });
    card = await failedBuildCard(s);
    stack = undefined;
  });
  afterAll(() => s.stop());

  const tampered: [string, (activity: Record<string, unknown>) => Record<string, unknown>, string][] = [
    [
      'a serviceUrl other than the token’s serviceurl',
      (a) => ({ ...a, serviceUrl: 'https://evil.example.com/teams/' }),
      'its token did not validate',
    ],
    [
      'no serviceUrl (the SDK compares only one that is present)',
      (a) => ({ ...a, serviceUrl: undefined }),
      'an activity without a serviceUrl',
    ],
    [
      'a tenant this install does not serve',
      (a) => ({
        ...a,
        conversation: { ...(a.conversation as object), tenantId: 'eeeeeeee-0000-4000-8000-00000000eeee' },
        channelData: { ...(a.channelData as object), tenant: { id: 'eeeeeeee-0000-4000-8000-00000000eeee' } },
      }),
      'a tenant this install does not serve',
    ],
    [
      'an allowed conversation tenant with channel data of a tenant not served',
      (a) => ({
        ...a,
        channelData: { ...(a.channelData as object), tenant: { id: 'eeeeeeee-0000-4000-8000-00000000eeee' } },
      }),
      'the conversation and the channel data name different tenants',
    ],
    [
      'another bot as the recipient',
      (a) => ({ ...a, recipient: { id: '28:another-bot', name: 'other' } }),
      'an activity for another bot',
    ],
    ['no recipient', (a) => ({ ...a, recipient: undefined }), 'an activity for another bot'],
    [
      'no activity id (it could not be told from a replay)',
      (a) => ({ ...a, id: undefined }),
      'an activity without an id',
    ],
    ['another channel than msteams', (a) => ({ ...a, channelId: 'webchat' }), 'not a Microsoft Teams activity'],
  ];

  test.each(tampered)('%s: a Retry click and a command get 401, nothing is done', async (_name, tamper, why) => {
    const before = await effects(s);
    const logged = warnings(s, `refused a Teams request: ${why}`).length;
    // The token is a correct one for the stack; only the body was changed after it was signed.
    expect((await s.send(tamper(clickOn(s, card)), s.sign())).statusCode).toBe(401);
    expect((await s.send(tamper(s.typed(BOB, 'subscribe web-service')), s.sign())).statusCode).toBe(401);
    expect(await effects(s)).toEqual(before);
    expect(warnings(s, `refused a Teams request: ${why}`).length).toBe(logged + 2);
  });

  test('the token binds no body: a captured token carries any command of an allowed tenant, which is why the checks above exist', async () => {
    const captured = s.sign();
    expect((await s.send(s.typed(BOB, 'list'), captured)).statusCode).toBe(200);
    const rules = (await s.rules()).length;
    expect((await s.send(s.typed(BOB, 'subscribe web-service'), captured)).statusCode).toBe(200);
    expect(await s.rules()).toHaveLength(rules + 1);
  });
});

describe('a replayed activity is refused with 401 for as long as its token is valid', () => {
  test('a Retry click replayed 61 s later (the click claim has expired) does not retry again', async () => {
    const s = await installed();
    const card = await failedBuildCard(s, 'always');
    const token = s.sign();
    const captured = s.event(clickOn(s, card), token);
    expect((await s.handler(captured)).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toBe('InProgress');
    await s.runFor(70_000);
    expect(await stageStatus(s, 'Build')).toBe('Failed');
    later(61);
    const before = await effects(s);
    expect((await s.handler(captured)).statusCode).toBe(401);
    expect(await effects(s)).toEqual(before);
    expect(warnings(s, 'refused a replayed Teams activity')).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({ reason: 'replay', activity: 'invoke/adaptiveCard/action' }),
      }),
    ]);
    // What the replay check prevents: the same click as a new activity, with the same token, retries again.
    expect((await s.send(clickOn(s, card), token)).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toBe('InProgress');
  });

  test('an Approve click replayed 61 s later is refused; the approval was decided once', async () => {
    const s = await installed({}, 'subscribe myPipeline');
    const reply = await approvalReply(s);
    const captured = s.event(s.click(reply, 'pipewatch.approve', ALICE, { comment: 'ship it' }));
    expect(answerOf(await s.handler(captured)).value).toMatch(/Approved/);
    expect(s.log.decisions()).toEqual([expect.objectContaining({ action: 'approve', outcome: 'ok' })]);
    // The approval's own events (CodePipeline's, delivered to notify) render first: not the replay's doing.
    await s.local.aws.eventBridge.settled();
    later(61);
    const before = await effects(s);
    expect((await s.handler(captured)).statusCode).toBe(401);
    expect(await effects(s)).toEqual(before);
    expect(s.log.decisions()).toHaveLength(1);
  });

  test('the same activity with a fresh token is still a replay: the activity id is what is remembered', async () => {
    const s = await installed();
    const card = await failedBuildCard(s, 'always');
    const click = clickOn(s, card);
    expect((await s.send(click)).statusCode).toBe(200);
    await s.runFor(70_000);
    later(61);
    const before = await effects(s);
    expect((await s.send(click, s.sign({ issuedAt: nowSeconds() + 1 }))).statusCode).toBe(401);
    expect(await effects(s)).toEqual(before);
  });

  test('a replayed `unsubscribe all` does not remove the subscriptions made since', async () => {
    const s = await installed();
    const captured = s.event(s.typed(BOB, 'unsubscribe all'));
    expect((await s.handler(captured)).statusCode).toBe(200);
    expect(await s.rules()).toEqual([]);
    expect((await s.send(s.typed(BOB, 'subscribe web-service SUCCEEDED'))).statusCode).toBe(200);
    later(61);
    expect((await s.handler(captured)).statusCode).toBe(401);
    expect(await s.rules()).toEqual([expect.objectContaining({ description: expect.stringContaining('web-service') })]);
  });

  test('a replayed uninstall does not delete the subscriptions of the app installed again', async () => {
    const s = await installed();
    const uninstall = s.event(installationActivity(s.parties(), 'remove'));
    expect((await s.handler(uninstall)).statusCode).toBe(200);
    expect(await s.rules()).toEqual([]);
    expect((await s.send(installationActivity(s.parties(), 'add'))).statusCode).toBe(200);
    expect((await s.send(s.typed(BOB, 'subscribe myPipeline FAILED'))).statusCode).toBe(200);
    expect((await s.handler(uninstall)).statusCode).toBe(401);
    expect(await s.rules()).toHaveLength(1);
    expect(await s.address()).toBeDefined();
  });

  test('a replay memory that cannot answer refuses: a command is told so, a click gets 503', async () => {
    const s = await installed();
    const card = await failedBuildCard(s);
    await s.local.dynamo.send(new DeleteTableCommand({ TableName: TABLE }));
    const before = await effects(s);
    expect((await s.send(clickOn(s, card))).statusCode).toBe(503);
    const command = s.typed(BOB, 'subscribe web-service');
    expect((await s.send(command)).statusCode).toBe(200);
    expect(s.connector.tenant.threadReplies(s.parties().conversationId, String(command.id))).toEqual([
      expect.objectContaining({ activity: expect.objectContaining({ text: TEAMS_REPLAY_CHECK_FAILED }) }),
    ]);
    expect({ ...(await effects(s)), connectorCalls: before.connectorCalls }).toEqual(before);
    expect(
      s.log.lines.filter((line) => line.message === 'could not check a Teams activity against replays: refused'),
    ).toHaveLength(2);
  });
});

describe('a click must be on a card pipewatch posted', () => {
  let s: TeamsStack;
  let card: TeamsMessage;
  let newer: TeamsMessage;
  beforeAll(async () => {
    s = await installed({ allowedTenants: [OTHER_TENANT] });
    card = await failedBuildCard(s);
    newer = await failedBuildCard(s);
    stack = undefined;
  });
  afterAll(() => s.stop());

  const foreign: [string, (s: TeamsStack) => Record<string, unknown>, string][] = [
    [
      'a button value of another execution than the card’s (the newer card’s Retry on the older card)',
      (s) => ({ ...clickOn(s, newer), replyToId: card.id }),
      'the card is not one pipewatch posted about that execution',
    ],
    [
      "a person's message",
      (s) => ({
        ...clickOn(s, card),
        replyToId: s.connector.tenant.postUserMessage(s.parties().conversationId, BOB.id, 'hi').id,
      }),
      'the card is not one pipewatch posted about that execution',
    ],
    [
      "another bot's message with pipewatch's buttons copied onto it",
      (s) => {
        const copy = s.connector.tenant.insertMessage(
          s.parties().conversationId,
          '28:another-bot',
          'post',
          card.activity,
        );
        return { ...clickOn(s, card), replyToId: copy.id };
      },
      'the card is not one pipewatch posted about that execution',
    ],
    [
      'no card named (no replyToId)',
      (s) => ({ ...clickOn(s, card), replyToId: undefined }),
      'no card named (replyToId)',
    ],
    [
      "the card named from another conversation (the team's General channel)",
      (s) => {
        const click = clickOn(s, card);
        return { ...click, conversation: { ...(click.conversation as object), id: `${TEAM_ID};messageid=${card.id}` } };
      },
      'pipewatch posted nothing about that execution in this conversation',
    ],
    [
      'the card named from a conversation of another tenant this install serves',
      (s) => {
        const click = clickOn(s, card);
        return {
          ...click,
          conversation: { ...(click.conversation as object), tenantId: OTHER_TENANT },
          channelData: { ...(click.channelData as object), tenant: { id: OTHER_TENANT } },
        };
      },
      'pipewatch posted nothing about that execution in this conversation',
    ],
  ];

  test.each(foreign)('%s: 403, nothing retried, nothing sent, logged', async (_name, forge, reason) => {
    const before = await effects(s);
    const response = await s.send(forge(s));
    expect(response.statusCode).toBe(403);
    expect(await effects(s)).toEqual(before);
    expect(warnings(s, "refused a click on a card that is not pipewatch's own message").at(-1)).toEqual(
      expect.objectContaining({ fields: expect.objectContaining({ reason, user: BOB.aadObjectId }) }),
    );
  });

  test('the Action.Submit fallback (a message activity) on a foreign card: 403, no answer sent', async () => {
    const before = await effects(s);
    const message = { ...submitted(s, card, 'pipewatch.retry.failed'), replyToId: newer.id };
    expect((await s.send(message)).statusCode).toBe(403);
    expect(await effects(s)).toEqual(before);
  });

  test('(control) the same clicks, untouched, act: the Action.Execute on the older card, the fallback on the newer', async () => {
    expect(answerOf(await s.send(clickOn(s, card))).value).toMatch(/not the latest execution/);
    const fallback = submitted(s, newer, 'pipewatch.retry.failed');
    expect((await s.send(fallback)).statusCode).toBe(200);
    expect(await stageStatus(s, 'Build')).toBe('InProgress');
    expect(s.connector.tenant.threadReplies(s.parties().conversationId, newer.id).map((m) => m.activity.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Retrying/)]),
    );
  });
});

describe('who clicks: the policy decides, by Entra object id', () => {
  test.each<[string, TeamsUser]>([
    ['someone the policy does not list', CAROL],
    [
      'a guest or a person of another tenant (an object id the policy does not list)',
      { id: '29:guest', aadObjectId: '99999999-0000-4000-8000-00000000e4e4', name: 'Guest' },
    ],
  ])('%s is told alone that they may not retry; nothing is done', async (_name, user) => {
    const s = await installed();
    const card = await failedBuildCard(s);
    const before = await effects(s);
    const answer = answerOf(await s.send(clickOn(s, card, user)));
    expect(answer).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(answer.value).toMatch(/not allowed to retry/);
    expect({ ...(await effects(s)), decisions: before.decisions }).toEqual(before);
    expect(s.log.decisions()).toEqual([
      expect.objectContaining({
        allowed: false,
        outcome: 'forbidden',
        user: expect.objectContaining({ id: user.aadObjectId }),
      }),
    ]);
  });

  test('a clicker without an Entra object id (an anonymous participant) cannot be authorized: told, nothing done', async () => {
    const s = await installed();
    const card = await failedBuildCard(s);
    const before = await effects(s);
    const click = clickOn(s, card);
    const answer = answerOf(await s.send({ ...click, from: { id: '29:anonymous', name: 'Anonymous' } }));
    expect(answer.value).toMatch(/could not be read/);
    expect(await effects(s)).toEqual(before);
  });
});

describe('a policy or Entra groups that cannot be read are told to the clicker alone', () => {
  const brokenPolicy: PolicySource = () => {
    throw new SyntaxError('Unexpected token } in JSON at position 12');
  };

  test('a broken policy: Retry tells the clicker where an admin fixes it, and logs it; nothing is done', async () => {
    const s = await installed({
      policy: brokenPolicy,
      policyLocation: 'the SSM parameter /pipewatch/test/authorization',
    });
    const card = await failedBuildCard(s);
    const before = await effects(s);
    const response = await s.send(clickOn(s, card));
    expect(response.statusCode).toBe(200);
    expect(answerOf(response)).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: policyUnreadableText('the SSM parameter /pipewatch/test/authorization'),
    });
    expect(answerOf(response).value).toContain(
      'An admin can fix it in the SSM parameter /pipewatch/test/authorization.',
    );
    expect(await effects(s)).toEqual(before);
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'a click was refused: the authorization policy could not be read',
        fields: expect.objectContaining({ user: BOB.aadObjectId }),
      }),
    );
  });

  test('a broken policy: Approve tells the clicker too', async () => {
    const s = await installed(
      { policy: brokenPolicy, policyLocation: 'local/authorization.json' },
      'subscribe myPipeline',
    );
    const reply = await approvalReply(s);
    const before = await effects(s);
    const answer = answerOf(await s.send(s.click(reply, 'pipewatch.approve', ALICE)));
    expect(answer.value).toBe(policyUnreadableText('local/authorization.json'));
    expect(await effects(s)).toEqual(before);
    expect(before.approval).toBe('InProgress');
  });

  const byGroup: AuthorizationPolicy = { rules: [{ pipelines: ['myPipeline'], retry: [], approve: [APPROVERS] }] };

  test('Microsoft Graph unreachable: the approver is told their Entra groups could not be read; nothing is approved', async () => {
    const s = await installed({ policy: byGroup, graph: { url: 'http://127.0.0.1:9' } }, 'subscribe myPipeline');
    s.identity.setGroupMembers(APPROVERS, [ALICE.aadObjectId]);
    const reply = await approvalReply(s);
    const before = await effects(s);
    const answer = answerOf(await s.send(s.click(reply, 'pipewatch.approve', ALICE)));
    expect(answer).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: GRAPH_GROUPS_UNREADABLE,
    });
    expect(await effects(s)).toEqual(before);
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: "a click was refused: the clicker's Entra groups could not be read",
        fields: expect.objectContaining({ user: ALICE.aadObjectId, button: 'approve' }),
      }),
    );
  });

  test('(control) with Graph answering, the group member approves', async () => {
    const s = await installed({ policy: byGroup, graph: {} }, 'subscribe myPipeline');
    s.identity.setGroupMembers(APPROVERS, [ALICE.aadObjectId]);
    const reply = await approvalReply(s);
    expect(answerOf(await s.send(s.click(reply, 'pipewatch.approve', ALICE))).value).toMatch(/Approved/);
    expect(await stageStatus(s, 'Approval')).toBe('Succeeded');
  });
});
