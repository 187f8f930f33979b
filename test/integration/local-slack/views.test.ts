import type { View } from '@slack/web-api';
import type { LocalSlack } from '../../../src/local/slack';
import { ALICE, clientFor, manualNow, slackError, startWorkspace } from './harness';

let slack: LocalSlack;
const clock = manualNow();

beforeAll(async () => {
  slack = await startWorkspace({ now: clock.now });
});
afterAll(() => slack.stop());

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const x = (n: number) => 'x'.repeat(n);
const modal = (overrides: Record<string, unknown> = {}) =>
  ({
    type: 'modal',
    callback_id: 'reject_reason',
    title: plain('Reject approval'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ pipeline: 'deploy' }),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true },
      },
    ],
    ...overrides,
  }) as View;

describe('views.open / views.update', () => {
  test('opens a modal with a fresh trigger and records it', async () => {
    const client = clientFor(slack);
    const triggerId = slack.workspace.createTriggerId(ALICE);
    const result = await client.views.open({ trigger_id: triggerId, view: modal() });
    expect(result.view).toMatchObject({ type: 'modal', callback_id: 'reject_reason', id: expect.stringMatching(/^V/) });
    const [opened] = slack.workspace.views();
    expect(opened).toMatchObject({ triggerId, userId: ALICE, id: result.view?.id });
    expect(opened?.view.private_metadata).toBe('{"pipeline":"deploy"}');
  });

  test('a trigger is single-use, expires after 3 seconds, and must be one Slack issued', async () => {
    const client = clientFor(slack);
    const used = slack.workspace.createTriggerId(ALICE);
    await client.views.open({ trigger_id: used, view: modal() });
    expect((await slackError(client.views.open({ trigger_id: used, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );
    const late = slack.workspace.createTriggerId(ALICE);
    clock.advance(3001);
    expect((await slackError(client.views.open({ trigger_id: late, view: modal() }))).error).toBe('expired_trigger_id');
    expect((await slackError(client.views.open({ trigger_id: '1.2.abc', view: modal() }))).error).toBe(
      'invalid_trigger_id',
    );
  });

  test.each([
    ['title over 24', { title: plain(x(25)) }, 'must be less than 25 characters [json-pointer:/view/title/text]'],
    ['submit over 24', { submit: plain(x(25)) }, 'must be less than 25 characters [json-pointer:/view/submit/text]'],
    ['close over 24', { close: plain(x(25)) }, 'must be less than 25 characters [json-pointer:/view/close/text]'],
    [
      'title in mrkdwn',
      { title: { type: 'mrkdwn', text: 't' } },
      'must be a valid enum value [json-pointer:/view/title/type]',
    ],
    [
      'callback_id over 255',
      { callback_id: x(256) },
      'must be less than 256 characters [json-pointer:/view/callback_id]',
    ],
    [
      'private_metadata over 3000',
      { private_metadata: x(3001) },
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ],
    [
      'over 100 blocks',
      { blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      'must be less than 101 items [json-pointer:/view/blocks]',
    ],
    [
      'input without submit',
      { submit: undefined },
      'submit is required when blocks contain input [json-pointer:/view]',
    ],
    ['not a modal', { type: 'home' }, 'must be a valid enum value [json-pointer:/view/type]'],
  ])('rejects a modal with %s (invalid_arguments)', async (_name, overrides, expected) => {
    const client = clientFor(slack);
    const view = JSON.parse(JSON.stringify(modal(overrides))) as View;
    const { error, data } = await slackError(
      client.views.open({ trigger_id: slack.workspace.createTriggerId(ALICE), view }),
    );
    expect(error).toBe('invalid_arguments');
    expect(data.response_metadata).toEqual({ messages: [`[ERROR] ${expected}`] });
  });

  test('at the limits a modal is accepted', async () => {
    const client = clientFor(slack);
    const view = modal({
      title: plain(x(24)),
      submit: plain(x(24)),
      close: plain(x(24)),
      callback_id: x(255),
      private_metadata: x(3000),
      blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })),
    });
    await expect(
      client.views.open({ trigger_id: slack.workspace.createTriggerId(ALICE), view }),
    ).resolves.toMatchObject({ ok: true });
  });

  test('views.update by id with the current hash; a stale hash is hash_conflict', async () => {
    const client = clientFor(slack);
    const opened = await client.views.open({ trigger_id: slack.workspace.createTriggerId(ALICE), view: modal() });
    const id = opened.view?.id as string;
    const hash = opened.view?.hash as string;
    const updated = await client.views.update({ view_id: id, hash, view: modal({ title: plain('Rejected') }) });
    expect(updated.view?.title).toEqual(plain('Rejected'));
    expect(slack.workspace.view(id)?.history).toHaveLength(2);
    expect((await slackError(client.views.update({ view_id: id, hash, view: modal() }))).error).toBe('hash_conflict');
    expect((await slackError(client.views.update({ view_id: 'V404', view: modal() }))).error).toBe('not_found');
  });
});
