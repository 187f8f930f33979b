import { type LocalIdentity, startLocalIdentity } from '../../../src/local/teams/identity';
import { BotTokenProvider } from '../../../src/teams/bot-token';
import { GraphGroups, GraphGroupsError, groupCandidates } from '../../../src/teams/graph-groups';

/*
 * The optional Entra group check: Microsoft Graph's checkMemberGroups on a local Graph that checks
 * its bearer (a client-credentials token for Graph from the local identity), asked only about the
 * groups the policy names for the pipeline and the action.
 */

const APPROVERS = 'a9a9a9a9-0000-4000-8000-0000000a9a9a';
const RETRIERS = 'b8b8b8b8-0000-4000-8000-0000000b8b8b';
const ALICE = 'aaaaaaaa-0000-4000-8000-00000000a11c';
const BOB = 'bbbbbbbb-0000-4000-8000-000000000b0b';
const POLICY = {
  rules: [
    { pipelines: ['myPipeline'], retry: [RETRIERS, BOB], approve: [APPROVERS] },
    { pipelines: ['web-*'], retry: [], approve: ['c7c7c7c7-0000-4000-8000-0000000c7c7c'] },
  ],
};

let identity: LocalIdentity;
beforeAll(async () => {
  identity = await startLocalIdentity({ port: 0 });
  identity.setGroupMembers(APPROVERS, [ALICE]);
  identity.setGroupMembers(RETRIERS, [ALICE, BOB]);
});
afterAll(() => identity.stop());

function graph(scope = 'https://graph.microsoft.com/.default'): GraphGroups {
  const tokens = new BotTokenProvider({
    tenantId: identity.tenantId,
    loginEndpoint: identity.loginEndpoint,
    scope,
    credentials: async () => ({ clientId: identity.clientId, clientSecret: identity.clientSecret }),
  });
  return new GraphGroups({ token: tokens.token, graphUrl: identity.graphUrl });
}

test('only the groups the policy names for this pipeline and action, never the user ids', () => {
  expect(groupCandidates(POLICY, 'approve', 'myPipeline', ALICE)).toEqual([APPROVERS]);
  expect(groupCandidates(POLICY, 'retry', 'myPipeline', BOB)).toEqual([RETRIERS]);
  expect(groupCandidates(POLICY, 'retry', 'web-api', ALICE)).toEqual([]);
});

test('a member gets the group, a non-member does not', async () => {
  const groups = graph();
  await expect(groups.memberGroups(POLICY, 'approve', 'myPipeline', ALICE)).resolves.toEqual([APPROVERS]);
  await expect(groups.memberGroups(POLICY, 'approve', 'myPipeline', BOB)).resolves.toEqual([]);
});

test('a policy without groups costs no Graph call', async () => {
  const before = identity.calls.length;
  await expect(
    graph().memberGroups({ rules: [{ pipelines: ['*'], retry: [BOB], approve: [] }] }, 'retry', 'x', BOB),
  ).resolves.toEqual([]);
  expect(identity.calls.length).toBe(before);
});

test('a token for another resource is refused by Graph: a GraphGroupsError the click turns into words', async () => {
  await expect(
    graph('https://api.botframework.com/.default').memberGroups(POLICY, 'approve', 'myPipeline', ALICE),
  ).rejects.toBeInstanceOf(GraphGroupsError);
});

test('checkMemberGroups without a bearer, or with a token Graph did not issue, is 401 and tells nothing', async () => {
  const ask = (authorization?: string) =>
    fetch(`${identity.graphUrl}/v1.0/users/${ALICE}/checkMemberGroups`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ groupIds: [APPROVERS] }),
    });
  for (const authorization of [undefined, 'Bearer not.a.token', `Bearer ${identity.signAccessToken()}`]) {
    const answer = await ask(authorization);
    expect({ authorization, status: answer.status, body: await answer.json() }).toEqual({
      authorization,
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } },
    });
  }
});
