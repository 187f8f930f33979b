import type { BlockAction, ViewSubmitAction } from '@slack/bolt';
import { isValidSlackRequest } from '@slack/bolt';
import {
  blockActionsBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../../../src/local/slack/sign-request';

/**
 * Slack's official example (docs.slack.dev/authentication/verifying-requests-from-slack), as
 * recorded in /work/shared/reference/slack-limits.md and python-slack-sdk's signature tests.
 */
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signSlackRequest', () => {
  test("reproduces Slack's official signing example", () => {
    expect(signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp)).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': VECTOR.signature,
    });
  });

  test('a changed body or timestamp changes the signature', () => {
    expect(signSlackRequest(VECTOR.secret, `${VECTOR.body}------`, VECTOR.timestamp)['x-slack-signature']).not.toBe(
      VECTOR.signature,
    );
    expect(signSlackRequest(VECTOR.secret, VECTOR.body, VECTOR.timestamp + 1)['x-slack-signature']).not.toBe(
      VECTOR.signature,
    );
  });

  test("Bolt's own verifier accepts a fresh signature and refuses a stale one", () => {
    const body = slashCommandBody({
      text: 'subscribe deploy',
      teamId: 'T1',
      channelId: 'C1',
      userId: 'U1',
      responseUrl: 'http://127.0.0.1:1/response/x',
      triggerId: '1.2.3',
    });
    const headers = signSlackRequest('secret', body);
    const verify = (h: typeof headers, nowMilliseconds?: number) =>
      isValidSlackRequest({
        signingSecret: 'secret',
        body,
        headers: {
          'x-slack-signature': h['x-slack-signature'],
          'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
        },
        nowMilliseconds,
      });
    expect(verify(headers)).toBe(true);
    expect(verify(signSlackRequest('other-secret', body))).toBe(false);
    expect(verify(signSlackRequest('secret', body, Math.floor(Date.now() / 1000) - 6 * 60))).toBe(false);
  });
});

describe('request body builders', () => {
  test("slashCommandBody encodes the fields in Slack's order and encoding (the official example, byte for byte)", () => {
    const body = slashCommandBody({
      token: 'xyzz0WbapA4vBCDEFasx0q6G',
      teamId: 'T1DC2JH3J',
      teamDomain: 'testteamnow',
      channelId: 'G8PSS9T3V',
      channelName: 'foobar',
      userId: 'U2CERLKJA',
      userName: 'roadrunner',
      command: '/webhook-collect',
      text: '',
      responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });
    expect(body).toBe(VECTOR.body);
  });

  test('slashCommandBody defaults the command to /pipewatch and round-trips text with spaces and mentions', () => {
    const body = slashCommandBody({
      text: 'subscribe pipeline:deploy-* <#C123|alerts> & more',
      teamId: 'T1',
      channelId: 'C1',
      userId: 'U1',
      responseUrl: 'http://127.0.0.1:1/response/abc',
      triggerId: '1.2.3',
      apiAppId: 'A1',
    });
    const parsed = Object.fromEntries(new URLSearchParams(body));
    expect(parsed).toMatchObject({
      command: '/pipewatch',
      text: 'subscribe pipeline:deploy-* <#C123|alerts> & more',
      response_url: 'http://127.0.0.1:1/response/abc',
      api_app_id: 'A1',
    });
    expect(parsed.token).toBeUndefined();
  });

  test('blockActionsBody and viewSubmissionBody are payload=<url-encoded JSON>', () => {
    const action = {
      type: 'block_actions',
      user: { id: 'U1', username: 'alice', team_id: 'T1' },
      team: { id: 'T1', domain: 'local' },
      api_app_id: 'A1',
      token: 'deprecated',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C1', is_ephemeral: false },
      trigger_id: '1.2.3',
      response_url: 'http://127.0.0.1:1/response/abc',
      channel: { id: 'C1', name: 'deployments' },
      message: { type: 'message', ts: '1700000000.000100', text: 'Approve? & more' },
      actions: [
        {
          type: 'button',
          block_id: 'approval',
          action_id: 'approve',
          value: '{"pipeline":"deploy"}',
          text: { type: 'plain_text', text: 'Approve' },
          action_ts: '1700000001.000200',
        },
      ],
    } as BlockAction;
    const body = blockActionsBody(action);
    expect(body.startsWith('payload=')).toBe(true);
    expect(body).not.toContain('{');
    expect(JSON.parse(new URLSearchParams(body).get('payload') as string)).toEqual(action);

    const submission = {
      type: 'view_submission',
      team: { id: 'T1', domain: 'local' },
      user: { id: 'U1', name: 'alice' },
      api_app_id: 'A1',
      token: 'deprecated',
      trigger_id: '1.2.3',
      view: { id: 'V1', callback_id: 'reject_reason', state: { values: {} } },
    } as unknown as ViewSubmitAction;
    expect(JSON.parse(new URLSearchParams(viewSubmissionBody(submission)).get('payload') as string)).toEqual(
      submission,
    );
  });
});
