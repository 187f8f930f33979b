import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetPipelineExecutionCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { CreateEventBusCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { WebClient } from '@slack/web-api';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CodePipelinePipelineClient } from '../../../src/aws/codepipeline-client';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import { CachedPipelineCatalog } from '../../../src/aws/pipeline-catalog';
import { type ButtonValue, encodeButtonValue, SNOOZE_CHOICE_LABELS, snoozeValues } from '../../../src/core/actions';
import { ManualClock } from '../../../src/local/aws/clock';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type ChannelPageHandler, createChannelPage, lateFallback } from '../../../src/local/channel/channel-page';
import { localPipelinePanel, type PanelPipelineState } from '../../../src/local/channel/pipeline-panel';
import { type LocalSlack, SLACK_STATE_FILE, startLocalSlack } from '../../../src/local/slack';
import { ACTION_IDS } from '../../../src/slack';
import { COMMENT_ACTION_ID, COMMENT_BLOCK_ID } from '../../../src/slack/app/approval-modal';
import { createSlackLambdaHandler, verifySlackSignature } from '../../../src/slack/app/lambda-handler';
import {
  STOP_MODE_ACTION_ID,
  STOP_MODE_BLOCK_ID,
  STOP_REASON_ACTION_ID,
  STOP_REASON_BLOCK_ID,
} from '../../../src/slack/app/stop-modal';
import { InMemoryClickClaims } from '../../helpers/in-memory-click-claims';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { rawRequest } from '../../helpers/raw-http';
import { ALICE, APPROVERS, BOB, BUS, DEPLOYS, NOTIFY_ARN, POLICY, RecordingLogger, TEAM } from '../slack/harness';

/*
 * The channel page's JSON API in front of the REAL Slack function (createSlackLambdaHandler with
 * the real EventBridge rule store and CodePipeline client against the local AWS): what is typed
 * or clicked on the page must arrive as Slack's signed requests, and the answers must show.
 */

const ALERTS = 'C0000ALERTS';

interface Fixture {
  local: LocalAwsClients;
  clock: ManualClock;
  slack: LocalSlack;
  page: ChannelPageHandler;
  log: RecordingLogger;
  /** Every event the page handed to the Slack function, with its answer. */
  invocations: { event: APIGatewayProxyEventV2; statusCode: number | undefined }[];
  bot: WebClient;
}

let f: Fixture;

interface SetUpOptions {
  pageSecret?: string;
  /** The local Slack's `--data DIR`. */
  dataDir?: string;
}

async function setUp(options: SetUpOptions = {}): Promise<Fixture> {
  const clock = new ManualClock();
  const local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  await local.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  return { local, clock, ...(await startSlackWithPage(local, options)) };
}

/** The local Slack with the page in front of the real Slack function, over `local`. */
async function startSlackWithPage(
  local: LocalAwsClients,
  options: SetUpOptions,
): Promise<Omit<Fixture, 'local' | 'clock'>> {
  const slot = lateFallback();
  const slack = await startLocalSlack({
    teamId: TEAM,
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: ALERTS, name: 'alerts' },
    ],
    users: [
      { id: ALICE, name: 'alice', realName: 'Alice Approver' },
      { id: BOB, name: 'bob' },
    ],
    usergroups: [{ id: APPROVERS, handle: 'approvers', users: [ALICE] }],
    fallback: slot.fallback,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  const log = new RecordingLogger();
  const handler = createSlackLambdaHandler({
    signingSecret: slack.signingSecret,
    bot: { botToken: slack.botToken, botId: slack.workspace.botId, botUserId: slack.workspace.botUserId },
    slackApiUrl: slack.apiUrl,
    deps: {
      rules: new EventBridgeRuleStore({ client: local.eventBridge, busName: BUS, targetArn: NOTIFY_ARN }),
      pipelines: new CodePipelinePipelineClient({ client: local.codePipeline, region: local.aws.region }),
      catalog: new CachedPipelineCatalog({
        source: new CodePipelinePipelineClient({ client: local.codePipeline, region: local.aws.region }),
      }),
      clicks: new InMemoryClickClaims(),
      // Alice may also stop myPipeline (the Stop modal's radio buttons).
      policy: {
        rules: POLICY.rules.map((rule) => (rule.pipelines.includes('myPipeline') ? { ...rule, stop: [ALICE] } : rule)),
      },
      log,
    },
  });
  const invocations: Fixture['invocations'] = [];
  const page = createChannelPage({
    slack,
    invokeSlack: async (event) => {
      const result = await handler(event);
      invocations.push({ event, statusCode: result.statusCode });
      return result;
    },
    signingSecret: options.pageSecret ?? slack.signingSecret,
    users: [
      { id: ALICE, name: 'alice', title: 'approver' },
      { id: BOB, name: 'bob', title: 'not an approver' },
    ],
    channels: [
      { id: DEPLOYS, name: 'deploys' },
      { id: ALERTS, name: 'alerts' },
    ],
    pipelines: localPipelinePanel(local.aws.codePipeline),
    teamId: TEAM,
  });
  slot.mount(page);
  const bot = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return { slack, page, log, invocations, bot };
}

afterEach(async () => {
  f.page.close();
  await f.slack.stop();
  await f.local.stop();
  expect(f.log.lines.filter((line) => line.level === 'error')).toEqual([]);
});

const url = (path: string) => `${f.slack.url}/channel/${path}`;

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url(`api/${path}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: f.slack.url },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

interface PageState {
  channels: { id: string; name: string }[];
  users: { id: string; name: string; title?: string; switchable: boolean }[];
  messages: {
    ts: string;
    text: string;
    bot: boolean;
    blocks?: Record<string, unknown>[];
    replyCount: number;
    replies: { ts: string; text: string }[];
  }[];
  ephemerals: { ts: string; text: string }[];
  views: { id: string; view: Record<string, unknown> }[];
}

async function state(user: string, channel = DEPLOYS): Promise<PageState> {
  const response = await fetch(url(`api/state?channel=${channel}&user=${user}`));
  expect(response.status).toBe(200);
  return (await response.json()) as PageState;
}

/** The form fields of the last request the Slack function received. */
function lastForm(): URLSearchParams {
  const last = f.invocations.at(-1);
  if (last === undefined) throw new Error('the Slack function was not invoked');
  return new URLSearchParams(last.event.body ?? '');
}

// biome-ignore lint/suspicious/noExplicitAny: a payload read as Slack sent it, checked by the assertions.
function lastPayload(): Record<string, any> {
  return JSON.parse(lastForm().get('payload') ?? 'null');
}

async function pipelineState(name = 'myPipeline') {
  const response = await fetch(url('api/pipelines'));
  const { pipelines } = (await response.json()) as {
    pipelines: {
      name: string;
      stages: { name: string; actions: { name: string; category: string }[] }[];
      state: PanelPipelineState;
    }[];
  };
  const found = pipelines.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no pipeline ${name}`);
  return found;
}

const stageStatus = async (stage: string) => (await pipelineState()).state.stages.find((s) => s.name === stage)?.status;

function target(executionId: string) {
  return {
    v: 1 as const,
    pipeline: 'myPipeline',
    executionId,
    region: f.local.aws.region,
    account: f.local.aws.accountId,
  };
}

/** A message with pipewatch's buttons, posted by the bot as the notify path would. */
async function postButtons(buttons: { actionId: string; value: ButtonValue; text: string; style?: string }[]) {
  const posted = await f.bot.chat.postMessage({
    channel: DEPLOYS,
    text: 'myPipeline: Build failed',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'myPipeline' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*myPipeline*: Build failed' } },
      {
        type: 'actions',
        elements: buttons.map((b) => ({
          type: 'button' as const,
          action_id: b.actionId,
          value: encodeButtonValue(b.value),
          text: { type: 'plain_text' as const, text: b.text },
          ...(b.style === undefined ? {} : { style: b.style as 'primary' | 'danger' }),
        })),
      },
    ],
  });
  if (posted.ts === undefined) throw new Error('not posted');
  return posted.ts;
}

describe('the page itself', () => {
  beforeEach(async () => {
    f = await setUp();
  });

  test('is served on the local Slack port with a strict CSP; other paths still 404', async () => {
    const html = await fetch(url(''));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('data-testid="composer"');
    for (const file of ['app.js', 'block-kit.js', 'styles.css']) expect((await fetch(url(file))).status).toBe(200);
    expect((await fetch(url('block-kit.d.ts'))).status).toBe(404);
    expect((await fetch(url('../package.json'))).status).toBe(404);
    const root = await fetch(`${f.slack.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/channel/');
    expect((await fetch(`${f.slack.url}/elsewhere`)).status).toBe(404);
    // The Web API is still the local Slack's.
    expect((await f.bot.auth.test()).ok).toBe(true);
  });

  test('state lists the channels and the people with their titles', async () => {
    const s = await state(ALICE);
    expect(s.channels).toEqual([
      { id: DEPLOYS, name: 'deploys' },
      { id: ALERTS, name: 'alerts' },
    ]);
    expect(s.users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: ALICE, name: 'alice', title: 'approver', switchable: true }),
        expect.objectContaining({ id: BOB, title: 'not an approver', switchable: true }),
      ]),
    );
    expect((await fetch(url('api/state?channel=CNOPE&user=U00000ALICE'))).status).toBe(404);
  });

  test('POSTs must be JSON (a cross-site form cannot drive the workspace) and name known users', async () => {
    const form = await fetch(url('api/command'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: f.slack.url },
      body: 'channel=C00000DEPLOY&user=U00000ALICE&text=%2Fpipewatch%20help',
    });
    expect(form.status).toBe(415);
    expect((await post('command', { channel: DEPLOYS, user: 'UNOBODY', text: '/pipewatch help' })).status).toBe(400);
    expect(f.invocations).toHaveLength(0);
  });
});

describe('same origin only: another site or local port cannot act as the page (DNS rebinding, CSRF)', () => {
  beforeEach(async () => {
    f = await setUp();
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());
  let warn: jest.SpyInstance;

  const port = () => new URL(f.slack.url).port;
  const otherPort = () => String(Number(port()) + 1);
  /** The Origins a request may come with that are not the page's own, and none at all. */
  const foreignOrigins = () => [
    `http://evil.example:${port()}`,
    `http://localhost:${otherPort()}`,
    `http://127.0.0.1:${otherPort()}`,
    `https://127.0.0.1:${port()}`,
    'null',
    undefined,
  ];

  /** A POST to the page's API as a browser sends it: its Host, its Origin (or none). */
  async function postAs(path: string, body: unknown, origin: string | undefined, host = new URL(f.slack.url).host) {
    const answer = await rawRequest(url(`api/${path}`), {
      method: 'POST',
      headers: { host, 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
      body: JSON.stringify(body),
    });
    return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
  }

  const executions = async () =>
    (await f.local.codePipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'myPipeline' })))
      .pipelineExecutionSummaries ?? [];

  test('a command or a message from any other origin, or without one, is refused and not run', async () => {
    for (const origin of foreignOrigins()) {
      for (const text of ['/pipewatch subscribe myPipeline', 'a message as alice']) {
        const answer = await postAs('command', { channel: DEPLOYS, user: ALICE, text }, origin);
        expect({ origin, answer }).toEqual({
          origin,
          answer: {
            status: 403,
            json: {
              ok: false,
              error: 'cross_origin_request',
              detail: expect.stringContaining(f.slack.url),
            },
          },
        });
      }
    }
    expect(f.invocations).toHaveLength(0);
    const seen = await state(ALICE);
    expect(seen.messages).toEqual([]);
    expect(seen.ephemerals).toEqual([]);
    expect((await f.local.eventBridge.send(new ListRulesCommand({ EventBusName: BUS }))).Rules).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^\[channel-page\] refused POST \/channel\/api\/command: Origin http:\/\/evil\.example/),
    );
  });

  test('a button press, a modal and starting a pipeline from another origin are refused and do nothing', async () => {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline', failStage: 'Build', failAction: 'Build' });
    f.clock.advance(70_000);
    expect(await stageStatus('Build')).toBe('Failed');
    const ts = await postButtons([
      {
        actionId: ACTION_IDS.retryFailed,
        value: { ...target(json.executionId as string), kind: 'retry', mode: 'FAILED_ACTIONS', stage: 'Build' },
        text: 'Retry failed actions',
      },
    ]);
    const before = await executions();
    for (const origin of foreignOrigins()) {
      const press = { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.retryFailed };
      expect((await postAs('action', press, origin)).status).toBe(403);
      expect((await postAs('pipeline/start', { pipeline: 'myPipeline' }, origin)).status).toBe(403);
      expect((await postAs('view-submission', { user: ALICE, viewId: 'V1', values: {} }, origin)).status).toBe(403);
      expect((await postAs('view-close', { user: ALICE, viewId: 'V1' }, origin)).status).toBe(403);
    }
    expect(f.invocations).toHaveLength(0);
    expect(await stageStatus('Build')).toBe('Failed');
    expect(await executions()).toEqual(before);

    // The page's own origin: the same press retries.
    expect(
      (
        await postAs(
          'action',
          { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.retryFailed },
          f.slack.url,
        )
      ).status,
    ).toBe(200);
    expect(await stageStatus('Build')).toBe('InProgress');
  });

  test('the page under localhost works from its own origin; an origin under another loopback name is another origin', async () => {
    const host = `localhost:${port()}`;
    const own = await postAs(
      'command',
      { channel: DEPLOYS, user: ALICE, text: '/pipewatch help' },
      `http://${host}`,
      host,
    );
    expect(own).toEqual({ status: 200, json: { ok: true, kind: 'command', status: 200 } });
    expect(f.invocations).toHaveLength(1);
    const other = await postAs(
      'command',
      { channel: DEPLOYS, user: ALICE, text: '/pipewatch help' },
      f.slack.url,
      host,
    );
    expect(other.status).toBe(403);
    expect(f.invocations).toHaveLength(1);
  });

  test("reads: the page's state and live updates under a foreign Host (DNS rebinding) or with a foreign Origin are refused", async () => {
    for (const path of ['api/state', 'api/pipelines', 'api/events', '']) {
      const rebound = await rawRequest(url(path), { headers: { host: `evil.example:${port()}` } });
      expect({ path, status: rebound.status }).toEqual({ path, status: 421 });
      expect(rebound.body).not.toContain(DEPLOYS);
      const foreign = await rawRequest(url(path), { headers: { origin: `http://evil.example:${port()}` } });
      expect({ path, status: foreign.status }).toEqual({ path, status: 403 });
    }
    // The page's own reads carry no Origin (same-origin GETs), and are answered.
    expect((await state(ALICE)).channels).toHaveLength(2);
  });
});

describe('commands', () => {
  test('/pipewatch typed on the page reaches the handler signed as Slack signs it; the answer is ephemeral', async () => {
    f = await setUp();
    const { status, json } = await post('command', { channel: DEPLOYS, user: ALICE, text: '/pipewatch help' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, status: 200 });

    const [invocation] = f.invocations;
    expect(invocation?.statusCode).toBe(200);
    const event = invocation?.event as APIGatewayProxyEventV2;
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/slack/events',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/slack/events' } },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(
      verifySlackSignature(f.slack.signingSecret, event.body ?? '', event.headers, Math.floor(Date.now() / 1000)),
    ).toBe('valid');
    const form = lastForm();
    expect(Object.fromEntries(form)).toMatchObject({
      team_id: TEAM,
      channel_id: DEPLOYS,
      channel_name: 'deploys',
      user_id: ALICE,
      user_name: 'alice',
      command: '/pipewatch',
      text: 'help',
    });
    expect(form.get('response_url')).toMatch(new RegExp(`^${f.slack.url}/response/`));
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(f.log.lines.filter((l) => l.message === 'refused a Slack request')).toEqual([]);

    const alice = await state(ALICE);
    expect(alice.ephemerals).toEqual([
      expect.objectContaining({ text: expect.stringContaining('/pipewatch unsubscribe') }),
    ]);
    expect(alice.messages).toEqual([]);
    // Only Alice sees it, and only in #deploys.
    expect((await state(BOB)).ephemerals).toEqual([]);
    expect((await state(ALICE, ALERTS)).ephemerals).toEqual([]);
  });

  test('subscribe from the page creates the rule; non-ASCII text survives the signature', async () => {
    f = await setUp();
    await post('command', { channel: DEPLOYS, user: BOB, text: '/pipewatch   subscribe myPipeline' });
    expect(lastForm().get('text')).toBe('subscribe myPipeline');
    expect((await state(BOB)).ephemerals.at(-1)?.text).toMatch(/^Subscribed this channel to .* in myPipeline\./);
    await post('command', { channel: DEPLOYS, user: BOB, text: '/pipewatch list déploiement ✅' });
    expect(f.invocations.at(-1)?.statusCode).toBe(200);
  });

  test('a wrong signing secret is refused by the handler, and the page shows Slack’s failure line', async () => {
    f = await setUp({ pageSecret: 'not-the-secret' });
    const { json } = await post('command', { channel: DEPLOYS, user: ALICE, text: '/pipewatch help' });
    expect(json).toMatchObject({ ok: false, status: 401 });
    expect((await state(ALICE)).ephemerals).toEqual([
      expect.objectContaining({ text: '/pipewatch failed with the error "http_client_error"' }),
    ]);
    expect(f.log.lines).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'refused a Slack request' })]),
    );
  });

  test('another slash command is not sent; plain text is a message from the person', async () => {
    f = await setUp();
    expect((await post('command', { channel: DEPLOYS, user: ALICE, text: '/deploy now' })).json).toMatchObject({
      ok: false,
      error: 'unknown_command',
    });
    await post('command', { channel: DEPLOYS, user: ALICE, text: 'hello <!channel> & co' });
    expect(f.invocations).toHaveLength(0);
    const s = await state(BOB);
    expect(s.messages).toEqual([expect.objectContaining({ text: 'hello <!channel> & co', bot: false })]);
  });
});

describe('buttons and the approval modal', () => {
  beforeEach(async () => {
    f = await setUp();
  });

  async function failedBuild(): Promise<string> {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline', failStage: 'Build', failAction: 'Build' });
    const executionId = json.executionId as string;
    f.clock.advance(70_000);
    expect(await stageStatus('Build')).toBe('Failed');
    return executionId;
  }

  test('a click sends a signed block_actions with the message as Slack sends it; authorization applies', async () => {
    const executionId = await failedBuild();
    const ts = await postButtons([
      {
        actionId: ACTION_IDS.retryFailed,
        value: { ...target(executionId), kind: 'retry', mode: 'FAILED_ACTIONS', stage: 'Build' },
        text: 'Retry failed actions',
        style: 'primary',
      },
    ]);
    const shown = (await state(BOB)).messages.find((m) => m.ts === ts);
    const actions = shown?.blocks?.find((b) => b.type === 'actions');
    expect(typeof actions?.block_id).toBe('string');

    // Bob may not retry: told so, privately.
    const refused = await post('action', {
      channel: DEPLOYS,
      user: BOB,
      messageTs: ts,
      actionId: ACTION_IDS.retryFailed,
      blockId: actions?.block_id,
    });
    expect(refused.json).toMatchObject({ ok: true, status: 200 });
    const event = f.invocations.at(-1)?.event as APIGatewayProxyEventV2;
    expect(
      verifySlackSignature(f.slack.signingSecret, event.body ?? '', event.headers, Math.floor(Date.now() / 1000)),
    ).toBe('valid');
    const payload = lastPayload();
    expect(payload).toMatchObject({
      type: 'block_actions',
      team: { id: TEAM },
      user: { id: BOB, username: 'bob', team_id: TEAM },
      api_app_id: f.slack.workspace.appId,
      container: { type: 'message', message_ts: ts, channel_id: DEPLOYS, is_ephemeral: false },
      channel: { id: DEPLOYS, name: 'deploys' },
      message: { type: 'message', ts, bot_id: f.slack.workspace.botId, text: 'myPipeline: Build failed' },
      actions: [
        {
          type: 'button',
          action_id: ACTION_IDS.retryFailed,
          block_id: actions?.block_id,
          style: 'primary',
          text: { type: 'plain_text', text: 'Retry failed actions' },
        },
      ],
    });
    expect(payload.message.blocks).toHaveLength(3);
    expect(payload.message.blocks.every((b: { block_id?: unknown }) => typeof b.block_id === 'string')).toBe(true);
    expect(payload.actions[0].value).toBe(
      encodeButtonValue({ ...target(executionId), kind: 'retry', mode: 'FAILED_ACTIONS', stage: 'Build' }),
    );
    expect(payload.response_url).toMatch(new RegExp(`^${f.slack.url}/response/`));
    expect(typeof payload.trigger_id).toBe('string');
    expect((await state(BOB)).ephemerals).toEqual([
      expect.objectContaining({ text: expect.stringContaining('You are not allowed to retry') }),
    ]);
    expect(await stageStatus('Build')).toBe('Failed');

    // Alice may: the stage runs again, the message says who, the thread has a reply.
    await post('action', { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.retryFailed });
    expect(f.invocations.at(-1)?.statusCode).toBe(200);
    expect(await stageStatus('Build')).toBe('InProgress');
    const after = (await state(ALICE)).messages.find((m) => m.ts === ts);
    expect(JSON.stringify(after?.blocks)).toContain(`Retried by <@${ALICE}>`);
    expect(after?.replyCount).toBe(1);
    expect(after?.replies[0]?.text).toContain('Retrying the failed actions of stage Build');
  });

  test('a Snooze choice (a static_select) sends a signed block_actions with the option chosen; an option not on the select is a 400', async () => {
    const options = snoozeValues('myPipeline').map(({ choice, value }) => ({
      text: { type: 'plain_text' as const, text: `Snooze ${SNOOZE_CHOICE_LABELS[choice]}` },
      value: encodeButtonValue(value),
    }));
    const posted = await f.bot.chat.postMessage({
      channel: DEPLOYS,
      text: 'myPipeline: Build failed',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*myPipeline*: Build failed' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: ACTION_IDS.snooze,
              placeholder: { type: 'plain_text', text: 'Snooze…' },
              options,
            },
          ],
        },
      ],
    });
    const ts = String(posted.ts);
    const chosen = options[1]?.value;
    const forged = await post('action', {
      channel: DEPLOYS,
      user: BOB,
      messageTs: ts,
      actionId: ACTION_IDS.snooze,
      value: chosen?.replace('4h', '5h'),
    });
    expect(forged.status).toBe(400);
    expect(f.invocations).toHaveLength(0);

    const pressed = await post('action', {
      channel: DEPLOYS,
      user: BOB,
      messageTs: ts,
      actionId: ACTION_IDS.snooze,
      value: chosen,
    });
    expect(pressed.json).toMatchObject({ ok: true, status: 200 });
    expect(lastPayload()).toMatchObject({
      type: 'block_actions',
      user: { id: BOB },
      channel: { id: DEPLOYS },
      actions: [
        {
          type: 'static_select',
          action_id: ACTION_IDS.snooze,
          selected_option: { text: { type: 'plain_text', text: 'Snooze 4 hours' }, value: chosen },
        },
      ],
    });
    // This Slack function has no snooze store: it says so, to the chooser alone.
    expect((await state(BOB)).ephemerals).toEqual([
      expect.objectContaining({ text: expect.stringContaining('Snoozing is not set up') }),
    ]);
  });

  test('an unknown button is a 404 and nothing is sent', async () => {
    const ts = await postButtons([
      {
        actionId: ACTION_IDS.retryAll,
        value: { ...target('x'), kind: 'retry', mode: 'ALL_ACTIONS', stage: 'Build' },
        text: 'Retry',
      },
    ]);
    const { status } = await post('action', { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: 'nope' });
    expect(status).toBe(404);
    expect(f.invocations).toHaveLength(0);
  });

  test('approve opens the modal for the clicker; submitting it approves in CodePipeline', async () => {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline' });
    const executionId = json.executionId as string;
    f.clock.advance(70_000);
    expect(await stageStatus('Approval')).toBe('InProgress');
    const approval = (kind: 'approve' | 'reject'): ButtonValue => ({
      ...target(executionId),
      kind,
      stage: 'Approval',
      action: 'Approval',
    });
    const ts = await postButtons([
      { actionId: ACTION_IDS.approve, value: approval('approve'), text: 'Approve', style: 'primary' },
      { actionId: ACTION_IDS.reject, value: approval('reject'), text: 'Reject', style: 'danger' },
    ]);
    await post('action', { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.approve });
    const alice = await state(ALICE);
    expect(alice.views).toHaveLength(1);
    expect((await state(BOB)).views).toEqual([]);
    const view = alice.views[0];
    expect(view?.view).toMatchObject({ type: 'modal', title: { text: 'Approve' }, submit: { text: 'Approve' } });

    const submitted = await post('view-submission', {
      user: ALICE,
      viewId: view?.id,
      values: { [COMMENT_BLOCK_ID]: { [COMMENT_ACTION_ID]: 'Ship it' } },
    });
    expect(submitted.json).toMatchObject({ ok: true, closed: true });
    const payload = lastPayload();
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: ALICE },
      view: {
        id: view?.id,
        callback_id: 'pipewatch.approval.submit',
        state: {
          values: { [COMMENT_BLOCK_ID]: { [COMMENT_ACTION_ID]: { type: 'plain_text_input', value: 'Ship it' } } },
        },
      },
    });
    expect((await state(ALICE)).views).toEqual([]);
    expect(await stageStatus('Approval')).toBe('Succeeded');
    const message = (await state(BOB)).messages.find((m) => m.ts === ts);
    expect(JSON.stringify(message?.blocks)).toContain(`Approved by <@${ALICE}>`);
    expect(JSON.stringify(message?.blocks)).not.toContain(ACTION_IDS.approve);
  });

  test('Bob (not an approver) gets no modal, only an explanation', async () => {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline' });
    f.clock.advance(70_000);
    const ts = await postButtons([
      {
        actionId: ACTION_IDS.approve,
        value: { ...target(json.executionId as string), kind: 'approve', stage: 'Approval', action: 'Approval' },
        text: 'Approve',
      },
    ]);
    await post('action', { channel: DEPLOYS, user: BOB, messageTs: ts, actionId: ACTION_IDS.approve });
    const bob = await state(BOB);
    expect(bob.views).toEqual([]);
    expect(bob.ephemerals).toEqual([expect.objectContaining({ text: expect.stringContaining('not allowed') })]);
  });

  /** myPipeline started and running, a Stop button on a message, Alice's click: the modal it opened. */
  async function openStopModal() {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline' });
    const executionId = json.executionId as string;
    f.clock.advance(5_000);
    const ts = await postButtons([
      { actionId: ACTION_IDS.stop, value: { ...target(executionId), kind: 'stop' }, text: 'Stop…' },
    ]);
    await post('action', { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.stop });
    const [view] = (await state(ALICE)).views;
    return { executionId, view };
  }

  test('Stop: the modal’s radio buttons, "stop and abandon" chosen on the page arrives as Slack’s selected_option', async () => {
    const { executionId, view } = await openStopModal();
    const blocks = (view?.view.blocks ?? []) as { block_id?: string; element?: Record<string, unknown> }[];
    const mode = blocks.find((block) => block.block_id === STOP_MODE_BLOCK_ID)?.element;
    expect(mode).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'wait' } });
    const abandon = ((mode?.options ?? []) as { value: string }[]).find((option) => option.value === 'abandon');

    // A value that is none of the options is refused before anything reaches the app.
    const before = f.invocations.length;
    const forged = await post('view-submission', {
      user: ALICE,
      viewId: view?.id,
      values: { [STOP_MODE_BLOCK_ID]: { [STOP_MODE_ACTION_ID]: 'explode' } },
    });
    expect(forged.status).toBe(400);
    expect(forged.json.error).toContain('"explode" is not an option of pipewatch.stop.mode');
    expect(f.invocations).toHaveLength(before);

    const submitted = await post('view-submission', {
      user: ALICE,
      viewId: view?.id,
      values: {
        [STOP_MODE_BLOCK_ID]: { [STOP_MODE_ACTION_ID]: 'abandon' },
        [STOP_REASON_BLOCK_ID]: { [STOP_REASON_ACTION_ID]: 'a bad commit' },
      },
    });
    expect(submitted.json).toMatchObject({ ok: true, closed: true });
    // As Slack sends it: the option as the view defined it (text, description, value).
    expect(lastPayload().view.state.values).toEqual({
      [STOP_MODE_BLOCK_ID]: { [STOP_MODE_ACTION_ID]: { type: 'radio_buttons', selected_option: abandon } },
      [STOP_REASON_BLOCK_ID]: { [STOP_REASON_ACTION_ID]: { type: 'plain_text_input', value: 'a bad commit' } },
    });
    const { pipelineExecution } = await f.local.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: executionId }),
    );
    // Abandoned at once (stop and wait would read Stopping while the running action finishes).
    expect(pipelineExecution?.status).toBe('Stopped');
  });

  test('Stop with no choice on the page: selected_option null, as Slack sends an unselected radio group', async () => {
    const { executionId, view } = await openStopModal();
    await post('view-submission', { user: ALICE, viewId: view?.id, values: {} });
    expect(lastPayload().view.state.values[STOP_MODE_BLOCK_ID]).toEqual({
      [STOP_MODE_ACTION_ID]: { type: 'radio_buttons', selected_option: null },
    });
    const { pipelineExecution } = await f.local.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName: 'myPipeline', pipelineExecutionId: executionId }),
    );
    // The handler's default, the gentler stop: the running action finishes first.
    expect(pipelineExecution?.status).toBe('Stopping');
  });

  test('a closed modal is no longer shown', async () => {
    const { json } = await post('pipeline/start', { pipeline: 'myPipeline' });
    f.clock.advance(70_000);
    const ts = await postButtons([
      {
        actionId: ACTION_IDS.reject,
        value: { ...target(json.executionId as string), kind: 'reject', stage: 'Approval', action: 'Approval' },
        text: 'Reject',
      },
    ]);
    await post('action', { channel: DEPLOYS, user: ALICE, messageTs: ts, actionId: ACTION_IDS.reject });
    const [view] = (await state(ALICE)).views;
    expect((await post('view-close', { user: ALICE, viewId: view?.id })).json).toEqual({ ok: true });
    expect((await state(ALICE)).views).toEqual([]);
    expect(await stageStatus('Approval')).toBe('InProgress');
  });
});

describe('pipeline panel', () => {
  beforeEach(async () => {
    f = await setUp();
  });

  test('lists pipelines with stages and action categories; start with a failure; live ticks', async () => {
    const pipeline = await pipelineState();
    expect(pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Approval', 'Prod']);
    expect(pipeline.stages[2]?.actions).toEqual([expect.objectContaining({ name: 'Approval', category: 'Approval' })]);
    expect(pipeline.state.latestExecution).toBeUndefined();

    const abort = new AbortController();
    const events = await fetch(url('api/events'), { signal: abort.signal });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const waitFor = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        received += decoder.decode(value);
      }
    };
    await waitFor(/"sources":\["hello"\]/);

    const started = await post('pipeline/start', { pipeline: 'myPipeline', failStage: 'Build', failAction: 'Build' });
    expect(started.json.executionId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(/"sources":\[[^\]]*"pipeline"/);
    f.clock.advance(70_000);
    const after = await pipelineState();
    expect(after.state.latestExecution).toEqual({ id: started.json.executionId, status: 'Failed' });
    expect(after.state.stages.map((s) => [s.name, s.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Build', 'Failed'],
      ['Approval', undefined],
      ['Prod', undefined],
    ]);
    // 'once': the next run succeeds.
    await post('pipeline/start', { pipeline: 'myPipeline' });
    f.clock.advance(70_000);
    expect(await stageStatus('Build')).toBe('Succeeded');

    received = '';
    await f.bot.chat.postMessage({ channel: DEPLOYS, text: 'hi' });
    await waitFor(/"sources":\[[^\]]*"slack"/);
    abort.abort();
  });

  test('an unknown pipeline or action is a 400', async () => {
    expect((await post('pipeline/start', { pipeline: 'nope' })).status).toBe(400);
    const bad = await post('pipeline/start', { pipeline: 'myPipeline', failStage: 'Build', failAction: 'Nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('no action Build / Nope');
    expect((await pipelineState()).state.latestExecution).toBeUndefined();
  });
});

describe('pipeline panel: two executions in flight', () => {
  beforeEach(async () => {
    f = await setUp();
  });

  const start = async (pipeline = 'myPipeline') =>
    (await post('pipeline/start', { pipeline })).json.executionId as string;

  test('each stage names its own execution; the newer one waits for the stage the older one holds', async () => {
    const older = await start();
    f.clock.advance(70_000); // Source 5 s, Build 60 s: the older one waits for its approval
    const newer = await start();
    f.clock.advance(70_000); // the newer one is built, and cannot enter Approval
    const { state: panel } = await pipelineState();

    expect(panel.latestExecution).toEqual({ id: newer, status: 'InProgress' });
    // Newest first, each with where it is.
    expect(panel.executions).toEqual([
      { id: newer, status: 'InProgress', position: { kind: 'waiting', stage: 'Approval', heldBy: older } },
      { id: older, status: 'InProgress', position: { kind: 'in', stage: 'Approval' } },
    ]);
    expect(panel.stages.map((s) => [s.name, s.status, s.executionId, s.waiting])).toEqual([
      ['Source', 'Succeeded', newer, []],
      ['Build', 'Succeeded', newer, []],
      ['Approval', 'InProgress', older, [newer]],
      ['Prod', undefined, undefined, []],
    ]);
    const actions = Object.fromEntries(panel.stages.flatMap((s) => s.actions.map((a) => [`${s.name}/${a.name}`, a])));
    expect(actions['Build/Build']).toMatchObject({ status: 'Succeeded', executionId: newer });
    expect(actions['Approval/Approval']).toMatchObject({
      status: 'InProgress',
      executionId: older,
      waitingForApproval: true,
    });
    expect(actions['Prod/Deploy']?.executionId).toBeUndefined();
  });

  test('an action not yet run by the execution in its stage is shown with the execution it ran in', async () => {
    const first = await start('web-service');
    f.clock.runAll();
    const second = await start('web-service');
    f.clock.advance(10_000); // Source done; Test's first actions run, Package (runOrder 2) has not started
    const { state: panel } = await pipelineState('web-service');
    const test = panel.stages.find((s) => s.name === 'Test');
    expect(test).toMatchObject({ status: 'InProgress', executionId: second });
    expect(test?.actions.map((a) => [a.name, a.status, a.executionId])).toEqual([
      ['UnitTests', 'InProgress', second],
      ['Lint', 'InProgress', second],
      ['Package', 'Succeeded', first],
    ]);
    expect(panel.stages.find((s) => s.name === 'Production')).toMatchObject({
      status: 'Succeeded',
      executionId: first,
    });
    expect(panel.executions).toEqual([{ id: second, status: 'InProgress', position: { kind: 'in', stage: 'Test' } }]);
  });
});

describe('messages across a restart with the same data directory', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-channel-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Stops the local Slack and its page, and starts them again over the same local AWS and data directory. */
  async function restartSlack(): Promise<void> {
    f.page.close();
    await f.slack.stop();
    Object.assign(f, await startSlackWithPage(f.local, { dataDir }));
  }

  test('messages, thread replies, edits and metadata are shown again; the next message comes after them', async () => {
    f = await setUp({ dataDir });
    const metadata = { event_type: 'pipewatch_execution', event_payload: { executionId: 'e-1' } };
    const parent = await f.bot.chat.postMessage({
      channel: DEPLOYS,
      text: 'myPipeline: Build failed',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*myPipeline*: Build failed ❌' } }],
      metadata,
    });
    const parentTs = parent.ts as string;
    await f.bot.chat.postMessage({ channel: DEPLOYS, thread_ts: parentTs, text: 'Build failed: exit 2' });
    await f.bot.chat.update({
      channel: DEPLOYS,
      ts: parentTs,
      text: 'myPipeline: Build succeeded',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*myPipeline*: Build succeeded ✅' } }],
    });
    await post('command', { channel: DEPLOYS, user: ALICE, text: 'on it' });
    await post('command', { channel: ALERTS, user: BOB, text: 'nothing here' });
    await post('command', { channel: DEPLOYS, user: ALICE, text: '/pipewatch help' }); // an ephemeral
    const before = await state(ALICE);
    expect(before.messages).toHaveLength(2);
    expect(before.ephemerals).toHaveLength(1);
    const alertsBefore = (await state(BOB, ALERTS)).messages;
    const storedBefore = structuredClone(f.slack.workspace.message(DEPLOYS, parentTs));
    expect(JSON.stringify(storedBefore?.options.metadata)).toContain('pipewatch_execution');

    // Written a moment after the changes, without waiting for a stop.
    const file = path.join(dataDir, SLACK_STATE_FILE);
    await waitUntil(() => existsSync(file) && readFileSync(file, 'utf8').includes('on it'));

    await restartSlack();
    const after = await state(ALICE);
    expect(after.messages).toEqual(before.messages);
    expect(after.messages[0]).toMatchObject({
      ts: parentTs,
      text: 'myPipeline: Build succeeded',
      edited: true,
      replyCount: 1,
      replies: [expect.objectContaining({ text: 'Build failed: exit 2' })],
    });
    expect((await state(BOB, ALERTS)).messages).toEqual(alertsBefore);
    // Ephemerals do not outlive a session (in Slack neither).
    expect(after.ephemerals).toEqual([]);
    // The workspace keeps the message whole: chat.postMessage's other arguments (metadata) and revisions.
    const stored = f.slack.workspace.message(DEPLOYS, parentTs);
    expect(stored).toStrictEqual(storedBefore);
    expect(stored?.revisions.map((r) => r.by)).toEqual(['chat.postMessage', 'chat.update']);

    // The app carries on with the same message (notify updates it by its ts) and thread.
    await f.bot.chat.update({ channel: DEPLOYS, ts: parentTs, text: 'myPipeline: Succeeded' });
    const reply = await f.bot.chat.postMessage({ channel: DEPLOYS, thread_ts: parentTs, text: 'Approved' });
    const newest = [...after.messages.map((m) => m.ts), ...after.messages.flatMap((m) => m.replies.map((r) => r.ts))];
    expect(newest.every((ts) => (reply.ts as string) > ts)).toBe(true);
    const again = (await state(BOB)).messages[0];
    expect(again).toMatchObject({ text: 'myPipeline: Succeeded', replyCount: 2 });

    // And once more: what changed after the first restart is kept too (stop writes what is pending).
    await restartSlack();
    expect((await state(BOB)).messages[0]).toMatchObject({ text: 'myPipeline: Succeeded', replyCount: 2 });
  });

  test('an unreadable file stops the start and is left as it is', async () => {
    f = await setUp();
    const file = path.join(dataDir, SLACK_STATE_FILE);
    const broken = '{"version":1,"channels":[{"id":"C000DEPLOYS"';
    writeFileSync(file, broken);
    await expect(startLocalSlack({ dataDir })).rejects.toThrow(
      new RegExp(`Cannot read the local Slack's saved messages in ${escapeRegExp(file)}: not JSON`),
    );
    expect(readFileSync(file, 'utf8')).toBe(broken);

    writeFileSync(file, JSON.stringify({ version: 1, channels: [], messages: [{ ts: '1.5' }] }));
    await expect(startLocalSlack({ dataDir })).rejects.toThrow(/messages\[0\]\.ts.*left as it is/);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
