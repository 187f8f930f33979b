import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { serveTeamsMessages, type TeamsEndpoint } from '../../../src/local/dev-server/teams-endpoint';
import { type LocalSlack, startLocalSlack } from '../../../src/local/slack';
import { BOT_FRAMEWORK_SCOPE, type LocalBotConnector, type LocalIdentity } from '../../../src/local/teams';
import { startLocalBotConnector } from '../../../src/local/teams/bot-connector';
import { startLocalIdentity } from '../../../src/local/teams/identity';
import { type LocalAwsClients, signedHeaders, startLocalAwsWithClients } from '../../helpers/local-aws';
import { type RawAnswer, rawRequest } from '../../helpers/raw-http';
import { activitiesPath, cardActivity, DEPLOYS } from '../teams/connector-harness';

/*
 * DNS rebinding: a page on evil.example re-points its name at 127.0.0.1 and talks to a local port as
 * its own origin, sending `Host: evil.example:PORT`. Every local server (the local AWS, the local
 * Slack with the channel page, the local Teams identity and Bot Connector, the dev server's Teams
 * endpoint) refuses such a request before it does anything, even one with valid credentials; the
 * same request under a loopback name is answered.
 */

let local: LocalAwsClients;
let slack: LocalSlack;
let identity: LocalIdentity;
let connector: LocalBotConnector;
let endpoint: TeamsEndpoint;
const teamsEvents: APIGatewayProxyEventV2[] = [];
let warn: jest.SpyInstance;

beforeAll(async () => {
  local = await startLocalAwsWithClients();
  slack = await startLocalSlack();
  identity = await startLocalIdentity();
  connector = await startLocalBotConnector({ identity });
  endpoint = await serveTeamsMessages(async (event) => {
    teamsEvents.push(event);
    return { statusCode: 200, body: '' };
  }, 0);
});
afterAll(async () => {
  await endpoint.stop();
  await connector.stop();
  await identity.stop();
  await slack.stop();
  await local.stop();
});
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

const port = (url: string) => new URL(url).port;
const FOREIGN = (url: string) => ['evil.example', `evil.example:${port(url)}`, `localhost.evil.example:${port(url)}`];
const LOOPBACK = (url: string) => [`localhost:${port(url)}`, `127.0.0.1:${port(url)}`, `[::1]:${port(url)}`];

function expectRefused(answer: RawAnswer, host: string): void {
  expect(answer.status).toBe(421);
  expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(answer.body).toContain(`Host ${JSON.stringify(host)} refused`);
  expect(answer.body).toMatch(/is not a loopback name/);
  expect(answer.body).toMatch(/answers only localhost, 127\.0\.0\.1, \[::1\]/);
  expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  expect(warn).toHaveBeenLastCalledWith(expect.stringContaining(`refused a request for Host ${JSON.stringify(host)}`));
}

describe('the local AWS', () => {
  /** An SSM request signed with the local credentials for `host`, sent over loopback. */
  async function ssm(operation: string, input: object, host: string): Promise<RawAnswer> {
    const body = JSON.stringify(input);
    const headers = await signedHeaders(
      local.ssm,
      local.aws.endpoint,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
      body,
      host,
    );
    return rawRequest(local.aws.endpoint, { method: 'POST', headers, body });
  }

  test('a request signed with its credentials, but for a foreign Host, is refused and changes nothing', async () => {
    for (const host of FOREIGN(local.aws.endpoint)) {
      const answer = await ssm('PutParameter', { Name: '/pipewatch/rebound', Value: 'x', Type: 'SecureString' }, host);
      expectRefused(answer, host);
    }
    expect(local.aws.ssm.callCount()).toBe(0);
  });

  test('the same request under a loopback name is answered', async () => {
    local.aws.ssm.setParameter('/pipewatch/host-check', 'secret');
    for (const host of LOOPBACK(local.aws.endpoint)) {
      const answer = await ssm('GetParameter', { Name: '/pipewatch/host-check', WithDecryption: true }, host);
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
      expect(JSON.parse(answer.body)).toMatchObject({ Parameter: { Value: 'secret' } });
    }
  });
});

describe('the local Slack (the channel page is on its port)', () => {
  test('its Web API with the right token, the channel page and response URLs are refused under a foreign Host', async () => {
    const text = new URLSearchParams({ channel: 'C0000000001', text: 'rebound' }).toString();
    for (const host of FOREIGN(slack.url)) {
      const post = await rawRequest(`${slack.url}/api/chat.postMessage`, {
        method: 'POST',
        headers: {
          host,
          authorization: `Bearer ${slack.botToken}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: text,
      });
      expectRefused(post, host);
      expectRefused(await rawRequest(`${slack.url}/channel/api/state`, { headers: { host } }), host);
      expectRefused(await rawRequest(`${slack.url}/channel/api/events`, { headers: { host } }), host);
      const responseUrl = slack.workspace.createResponseUrl('C0000000001', 'U0000000001');
      const reply = await rawRequest(responseUrl, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'rebound', response_type: 'in_channel' }),
      });
      expectRefused(reply, host);
    }
    expect(slack.workspace.messages('C0000000001')).toEqual([]);
    expect(slack.workspace.calls).toEqual([]);
  });

  test('under a loopback name the same call is answered', async () => {
    for (const host of LOOPBACK(slack.url)) {
      const answer = await rawRequest(`${slack.url}/api/auth.test`, {
        method: 'POST',
        headers: { host, authorization: `Bearer ${slack.botToken}` },
      });
      expect({ host, status: answer.status, ok: JSON.parse(answer.body).ok }).toEqual({ host, status: 200, ok: true });
    }
  });
});

describe('the local Teams', () => {
  test("the identity's token endpoint, with the right secret, is refused under a foreign Host", async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: identity.clientId,
      client_secret: identity.clientSecret,
      scope: BOT_FRAMEWORK_SCOPE,
    }).toString();
    const requests = () => identity.tokenRequests().length;
    const before = requests();
    for (const host of FOREIGN(identity.url)) {
      const answer = await rawRequest(identity.tokenEndpoint, {
        method: 'POST',
        headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expectRefused(answer, host);
    }
    expect(requests()).toBe(before);
    const loopback = await rawRequest(identity.tokenEndpoint, {
      method: 'POST',
      headers: { host: `localhost:${port(identity.url)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(loopback.status).toBe(200);
  });

  test('the Bot Connector, with a valid token, is refused under a foreign Host', async () => {
    const body = JSON.stringify(cardActivity());
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${identity.signAccessToken()}` };
    for (const host of FOREIGN(connector.url)) {
      const answer = await rawRequest(`${connector.serviceUrl}${activitiesPath(DEPLOYS)}`, {
        method: 'POST',
        headers: { ...headers, host },
        body,
      });
      expectRefused(answer, host);
    }
    expect(connector.tenant.messages(DEPLOYS)).toEqual([]);
    const loopback = await rawRequest(`${connector.serviceUrl}${activitiesPath(DEPLOYS)}`, {
      method: 'POST',
      headers: { ...headers, host: `localhost:${port(connector.url)}` },
      body,
    });
    expect(loopback.status).toBe(201);
  });

  test("the dev server's Teams endpoint is refused under a foreign Host; localhost (a dev tunnel's Host) is answered", async () => {
    for (const host of FOREIGN(endpoint.url)) {
      const answer = await rawRequest(endpoint.url, {
        method: 'POST',
        headers: { host, 'content-type': 'application/json' },
        body: '{}',
      });
      expectRefused(answer, host);
    }
    expect(teamsEvents).toEqual([]);
    const tunnelled = await rawRequest(endpoint.url, {
      method: 'POST',
      headers: { host: 'localhost', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(tunnelled.status).toBe(200);
    expect(teamsEvents).toHaveLength(1);
  });
});
