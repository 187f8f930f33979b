import { serveTeamsMessages, type TeamsEndpoint } from '../../../src/local/dev-server/teams-endpoint';
import { installationActivity } from '../../../src/local/teams/signed-activity';
import { BOB, startTeamsStack, type TeamsStack } from './teams-harness';

/*
 * `npm start` with a real tenant serves the Teams function on a loopback messaging endpoint that a
 * dev tunnel forwards to: real HTTP requests in, the function's answers out, its JWT check intact.
 */

let stack: TeamsStack;
let endpoint: TeamsEndpoint;
beforeAll(async () => {
  stack = await startTeamsStack();
  endpoint = await serveTeamsMessages(stack.handler, 0);
});
afterAll(async () => {
  await endpoint.stop();
  await stack.stop();
});

async function post(body: unknown, token?: string): Promise<number> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

test('a signed activity posted to the endpoint reaches the Teams function; an unsigned one is refused', async () => {
  const activity = installationActivity(stack.parties(BOB), 'add');
  expect(await post(activity, stack.sign())).toBe(200);
  expect(await stack.address()).toBeDefined();
  expect(await post(activity)).toBe(401);
});

test('anything but POST /api/messages is 404', async () => {
  expect((await fetch(endpoint.url.replace('/api/messages', '/'))).status).toBe(404);
  expect((await fetch(endpoint.url)).status).toBe(404);
});
