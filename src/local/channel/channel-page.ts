// (local channel page) a Slack-like page in the browser, with the local Teams channels: what pipewatch posted, and clicks/commands --> signed requests --> the Slack and Teams functions
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { BlockAction, ViewSubmitAction } from '@slack/bolt';
import { AwsServiceError } from '../aws/aws-error';
import type { LocalSlack } from '../slack';
import { blockActionsBody, slashCommandBody, viewSubmissionBody } from '../slack/sign-request';
import type { Block, EphemeralMessage, OpenedView, SlackMessage, WorkspaceChange } from '../slack/types';
import { PanelInputError, type PipelinePanelPort } from './pipeline-panel';
import { crossOriginReason } from './same-origin';
import {
  answerJson,
  effectiveBlockId,
  findButton,
  type InvokeSlack,
  readAnswer,
  type SlackFunctionAnswer,
  signedSlackEvent,
  withBlockIds,
} from './slack-requests';
import { createTeamsPageApi, TeamsPageInputError } from './teams-page';
import type { TeamsPagePort } from './teams-page-port';

/**
 * The channel page: a Slack-like page in the browser over the local Slack's workspace. It renders
 * what pipewatch posted, and turns what a person does there (a `/pipewatch` command, a button, a
 * modal's submit) into the signed requests Slack would send, delivered to the Slack function as
 * API Gateway would deliver them. Mounted on the local Slack's port through its `fallback` option:
 *
 * ```ts
 * const slot = lateFallback();
 * const slack = await startLocalSlack({ ..., fallback: slot.fallback });
 * slot.mount(createChannelPage({ slack, invokeSlack, signingSecret: slack.signingSecret, ... }));
 * // open `${slack.url}/channel/`
 * ```
 */

export interface ChannelPageUser {
  id: string;
  name: string;
  /** Shown in the user switcher, e.g. "approver" / "not an approver". */
  title?: string;
}

export interface ChannelPageChannel {
  id: string;
  name: string;
}

export interface ChannelPageOptions {
  slack: Pick<LocalSlack, 'workspace'>;
  /** The Slack function, called with the event API Gateway would pass it. */
  invokeSlack: InvokeSlack;
  signingSecret: string;
  /** The people one can act as (added to the workspace if missing). */
  users: ChannelPageUser[];
  /** The channels in the sidebar (added to the workspace if missing). */
  channels: ChannelPageChannel[];
  /** The pipeline panel; the page hides it without one. */
  pipelines?: PipelinePanelPort;
  teamId: string;
  /** The slash command the Slack app is registered for. Default `/pipewatch`. */
  command?: string;
  /** Shown as the bot's name. Default `pipewatch`. */
  appName?: string;
  /** The local Teams: its team's channels join the sidebar, with the same people. */
  teams?: TeamsPagePort;
}

/** Handles the page's requests (true) or leaves the request alone (false). `close` ends live connections. */
export type ChannelPageHandler = ((req: IncomingMessage, res: ServerResponse) => boolean) & { close(): void };

export const CHANNEL_PAGE_PATH = '/channel/';
const API = '/channel/api/';
const MAX_BODY = 1024 * 1024;
const KEEPALIVE_MS = 15_000;
const PUBLIC_DIR = path.join(__dirname, 'public');
const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/channel/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/channel/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/channel/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/channel/block-kit.js': { file: 'block-kit.js', type: 'text/javascript; charset=utf-8' },
  '/channel/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
  '/channel/teams.js': { file: 'teams.js', type: 'text/javascript; charset=utf-8' },
  '/channel/teams-markdown.js': { file: 'teams-markdown.js', type: 'text/javascript; charset=utf-8' },
  // Microsoft's Adaptive Cards renderer (npm `adaptivecards`, its self-contained browser bundle), as installed.
  '/channel/vendor/adaptivecards.min.js': {
    file: require.resolve('adaptivecards/dist/adaptivecards.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function createChannelPage(options: ChannelPageOptions): ChannelPageHandler {
  const workspace = options.slack.workspace;
  const command = options.command ?? '/pipewatch';
  const appName = options.appName ?? 'pipewatch';
  const titles = new Map(options.users.map((u) => [u.id, u.title]));
  for (const user of options.users) {
    if (workspace.user(user.id) === undefined) workspace.addUser({ id: user.id, name: user.name });
  }
  for (const channel of options.channels) {
    if (workspace.channel(channel.id) === undefined) workspace.addChannel({ id: channel.id, name: channel.name });
  }
  /** Views closed from the page (submitted or cancelled): Slack no longer shows them. */
  const closedViews = new Set<string>();

  // ---- live updates --------------------------------------------------------------------------
  const streams = new Set<ServerResponse>();
  const pendingSources = new Set<'slack' | 'pipeline' | 'teams'>();
  /** What every interaction payload carries: its type, the team, the user, the app, the (deprecated) token. */
  const interaction = (type: string, userId: string) => {
    const name = workspace.user(userId)?.name ?? userId;
    return {
      type,
      team: { id: options.teamId, domain: workspace.teamDomain },
      user: { id: userId, username: name, name, team_id: options.teamId },
      api_app_id: workspace.appId,
      token: 'local-verification-token',
    };
  };

  const tick = (source: 'slack' | 'pipeline' | 'teams') => {
    if (pendingSources.size === 0) {
      // One tick for a burst of changes (a click updates a message, replies and opens a view).
      setTimeout(() => {
        const data = JSON.stringify({ sources: [...pendingSources] });
        pendingSources.clear();
        for (const stream of streams) stream.write(`event: tick\ndata: ${data}\n\n`);
      }, 20).unref();
    }
    pendingSources.add(source);
  };
  const onWorkspaceChange = (change: WorkspaceChange) => {
    if (change.type !== 'call') tick('slack');
  };
  workspace.on('change', onWorkspaceChange);
  const stopPipelineListener = options.pipelines?.onChange(() => tick('pipeline'));
  const teams =
    options.teams === undefined
      ? undefined
      : createTeamsPageApi(options.teams, {
          slackUsers: options.users.map((u) => ({ id: u.id, name: u.name, realName: workspace.user(u.id)?.realName })),
          onChange: () => tick('teams'),
        });
  const keepalive = setInterval(() => {
    for (const stream of streams) stream.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  // ---- state ---------------------------------------------------------------------------------
  const userName = (id: string) => workspace.user(id)?.name ?? (id === workspace.botUserId ? appName : id);

  function messageView(message: SlackMessage) {
    return {
      ts: message.ts,
      user: message.user,
      userName: message.botId === undefined ? userName(message.user) : appName,
      bot: message.botId !== undefined,
      text: message.text,
      blocks: withBlockIds(message.blocks, message.ts),
      threadTs: message.threadTs,
      edited: message.edited !== undefined,
      replyCount: message.replyCount,
    };
  }

  function ephemeralView(ephemeral: EphemeralMessage) {
    return {
      ts: ephemeral.ts,
      text: ephemeral.text,
      blocks: withBlockIds(ephemeral.blocks, ephemeral.ts),
      threadTs: ephemeral.threadTs,
    };
  }

  function openViews(userId: string) {
    return workspace
      .views()
      .filter((v) => !closedViews.has(v.id) && (v.userId === undefined || v.userId === userId))
      .map((v) => ({
        id: v.id,
        hash: v.hash,
        view: { ...v.view, blocks: withBlockIds(Array.isArray(v.view.blocks) ? (v.view.blocks as Block[]) : [], v.id) },
      }));
  }

  function state(query: URLSearchParams) {
    const channelId = query.get('channel') || options.channels[0]?.id;
    const userId = query.get('user') || options.users[0]?.id;
    const channel = channelId === undefined ? undefined : workspace.channel(channelId);
    if (channel === undefined) throw new BadRequest(`unknown channel ${channelId}`, 404);
    if (userId === undefined || workspace.user(userId) === undefined)
      throw new BadRequest(`unknown user ${userId}`, 404);
    return {
      team: { id: options.teamId, domain: workspace.teamDomain },
      command,
      app: { name: appName, botUserId: workspace.botUserId },
      channels: options.channels.map((c) => ({ id: c.id, name: workspace.channel(c.id)?.name ?? c.name })),
      users: workspace.users().map((u) => ({
        id: u.id,
        name: u.name,
        realName: u.realName,
        ...(titles.get(u.id) === undefined ? {} : { title: titles.get(u.id) }),
        switchable: titles.has(u.id),
      })),
      channel: { id: channel.id, name: channel.name },
      user: userId,
      messages: workspace.messages(channel.id).map((message) => ({
        ...messageView(message),
        replies:
          message.threadTs === message.ts ? workspace.threadReplies(channel.id, message.ts).map(messageView) : [],
      })),
      ephemerals: workspace.ephemerals(channel.id, userId).map(ephemeralView),
      views: openViews(userId),
      pipelinesEnabled: options.pipelines !== undefined,
      teams: teams?.sidebar(),
    };
  }

  async function pipelines() {
    const port = options.pipelines;
    if (port === undefined) return { pipelines: [] };
    const list = await port.list();
    const states = await Promise.all(list.map((p) => port.state(p.name)));
    return { pipelines: list.map((p, i) => ({ ...p, state: states[i] })) };
  }

  // ---- what people do ------------------------------------------------------------------------
  function requireUser(id: unknown): string {
    if (typeof id !== 'string' || workspace.user(id) === undefined) throw new BadRequest(`unknown user ${String(id)}`);
    return id;
  }

  function requireChannel(id: unknown): string {
    if (typeof id !== 'string' || workspace.channel(id) === undefined) {
      throw new BadRequest(`unknown channel ${String(id)}`);
    }
    return id;
  }

  async function invoke(body: string, host: string | undefined): Promise<SlackFunctionAnswer> {
    try {
      return readAnswer(await options.invokeSlack(signedSlackEvent(options.signingSecret, body, { host })));
    } catch (error) {
      console.error('[channel-page] the Slack function failed', error);
      return { statusCode: 502, body: '' };
    }
  }

  /** Slack's own line when the app did not answer a command properly. */
  function commandFailed(channelId: string, userId: string, name: string, error: string) {
    workspace.insertEphemeral(channelId, userId, 'chat.postEphemeral', {
      text: `${name} failed with the error "${error}"`,
      blocks: undefined,
    });
  }

  async function runCommand(input: Record<string, unknown>, host: string | undefined) {
    const channelId = requireChannel(input.channel);
    const userId = requireUser(input.user);
    const typed = typeof input.text === 'string' ? input.text.trim() : '';
    if (typed === '') throw new BadRequest('nothing to send');
    if (!typed.startsWith('/')) {
      const threadTs = typeof input.threadTs === 'string' && input.threadTs !== '' ? input.threadTs : undefined;
      const message = workspace.postUserMessage(channelId, userId, typed, threadTs);
      return { ok: true, kind: 'message', ts: message.ts };
    }
    const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(typed);
    const name = match?.[1] ?? typed;
    const text = match?.[2] ?? '';
    if (name !== command) {
      workspace.insertEphemeral(channelId, userId, 'chat.postEphemeral', {
        text: `${name} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
        blocks: undefined,
      });
      return { ok: false, kind: 'command', error: 'unknown_command' };
    }
    const user = workspace.user(userId);
    const channel = workspace.channel(channelId);
    const body = slashCommandBody({
      command,
      text,
      teamId: options.teamId,
      teamDomain: workspace.teamDomain,
      channelId,
      channelName: channel?.name ?? channelId,
      userId,
      userName: user?.name ?? userId,
      responseUrl: workspace.createResponseUrl(channelId, userId),
      triggerId: workspace.createTriggerId(userId),
      apiAppId: workspace.appId,
    });
    const answer = await invoke(body, host);
    if (answer.statusCode !== 200) {
      commandFailed(channelId, userId, command, answer.statusCode === 502 ? 'dispatch_failed' : 'http_client_error');
      return { ok: false, kind: 'command', status: answer.statusCode };
    }
    // The body of the HTTP answer is a message too: ephemeral unless it says in_channel.
    const immediate = answerJson(answer.body);
    if (immediate !== undefined) {
      const content = {
        text: typeof immediate.text === 'string' ? immediate.text : '',
        blocks: Array.isArray(immediate.blocks) ? (immediate.blocks as Block[]) : undefined,
      };
      if (immediate.response_type === 'in_channel') {
        workspace.insertMessage(channelId, workspace.botUserId, 'response_url', content);
      } else {
        workspace.insertEphemeral(channelId, userId, 'response_url', content);
      }
    }
    return { ok: true, kind: 'command', status: answer.statusCode };
  }

  async function runAction(input: Record<string, unknown>, host: string | undefined) {
    const channelId = requireChannel(input.channel);
    const userId = requireUser(input.user);
    const messageTs = typeof input.messageTs === 'string' ? input.messageTs : '';
    const actionId = typeof input.actionId === 'string' ? input.actionId : '';
    const blockId = typeof input.blockId === 'string' ? input.blockId : undefined;
    const ephemeral = workspace.ephemerals(channelId, userId).find((e) => e.ts === messageTs);
    const message = ephemeral === undefined ? workspace.message(channelId, messageTs) : undefined;
    const blocks = ephemeral?.blocks ?? message?.blocks;
    if (ephemeral === undefined && message === undefined) throw new BadRequest('no such message', 404);
    const button = findButton(blocks, messageTs, actionId, blockId);
    if (button === undefined) throw new BadRequest(`no button ${actionId} in that message`, 404);
    const selected = button.element.type === 'static_select' ? chosenOption(button.element, input.value) : undefined;
    const channel = workspace.channel(channelId);
    const threadTs = ephemeral?.threadTs ?? (message?.threadTs !== message?.ts ? message?.threadTs : undefined);
    // A select sends the option chosen (Slack's block_actions for a static_select), a button its value.
    const action: Record<string, unknown> =
      selected !== undefined
        ? {
            type: 'static_select',
            block_id: button.blockId,
            action_id: actionId,
            selected_option: selected,
            ...(button.element.placeholder === undefined ? {} : { placeholder: button.element.placeholder }),
            action_ts: (Date.now() / 1000).toFixed(6),
          }
        : {
            type: 'button',
            block_id: button.blockId,
            action_id: actionId,
            text: button.element.text,
            ...(button.element.value === undefined ? {} : { value: button.element.value }),
            ...(button.element.url === undefined ? {} : { url: button.element.url }),
            ...(button.element.style === undefined ? {} : { style: button.element.style }),
            action_ts: (Date.now() / 1000).toFixed(6),
          };
    const payload = {
      ...interaction('block_actions', userId),
      container: {
        type: 'message',
        message_ts: messageTs,
        channel_id: channelId,
        is_ephemeral: ephemeral !== undefined,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      },
      trigger_id: workspace.createTriggerId(userId),
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channelId, name: channel?.name ?? channelId },
      // Slack leaves the message out of an ephemeral's payload.
      ...(message === undefined
        ? {}
        : {
            message: {
              type: 'message',
              ...(message.botId === undefined
                ? { user: message.user }
                : { user: message.user, bot_id: message.botId, app_id: workspace.appId }),
              text: message.text,
              ts: message.ts,
              ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
              ...(message.replyCount > 0 ? { reply_count: message.replyCount } : {}),
              ...(message.blocks === undefined ? {} : { blocks: withBlockIds(message.blocks, message.ts) }),
            },
          }),
      state: { values: {} },
      response_url: workspace.createResponseUrl(channelId, userId, messageTs),
      actions: [action],
    } as unknown as BlockAction;
    const answer = await invoke(blockActionsBody(payload), host);
    return { ok: answer.statusCode === 200, status: answer.statusCode };
  }

  async function runViewSubmission(input: Record<string, unknown>, host: string | undefined) {
    const userId = requireUser(input.user);
    const viewId = typeof input.viewId === 'string' ? input.viewId : '';
    const opened = workspace.view(viewId);
    if (opened === undefined || closedViews.has(viewId)) throw new BadRequest('no such open view', 404);
    const values = stateValues(opened, input.values);
    const view = opened.view;
    const payload = {
      ...interaction('view_submission', userId),
      trigger_id: workspace.createTriggerId(userId),
      view: {
        id: opened.id,
        team_id: options.teamId,
        type: view.type ?? 'modal',
        blocks: withBlockIds(Array.isArray(view.blocks) ? (view.blocks as Block[]) : [], opened.id) ?? [],
        private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
        callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
        state: { values },
        hash: opened.hash,
        title: view.title,
        clear_on_close: view.clear_on_close === true,
        notify_on_close: view.notify_on_close === true,
        close: view.close ?? null,
        submit: view.submit ?? null,
        previous_view_id: null,
        root_view_id: opened.id,
        app_id: workspace.appId,
        external_id: opened.externalId ?? '',
        app_installed_team_id: options.teamId,
        bot_id: workspace.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    } as unknown as ViewSubmitAction;
    const answer = await invoke(viewSubmissionBody(payload), host);
    if (answer.statusCode !== 200) return { ok: false, status: answer.statusCode, closed: false };
    const response = answerJson(answer.body);
    switch (response?.response_action) {
      case 'errors':
        return { ok: false, status: 200, closed: false, errors: response.errors ?? {} };
      case 'update':
      case 'push':
        if (typeof response.view === 'object' && response.view !== null) {
          workspace.updateView(opened, response.view as Record<string, unknown>);
          return { ok: true, status: 200, closed: false };
        }
        break;
    }
    closedViews.add(opened.id);
    tick('slack');
    return { ok: true, status: 200, closed: true };
  }

  async function closeView(input: Record<string, unknown>, host: string | undefined) {
    const userId = requireUser(input.user);
    const viewId = typeof input.viewId === 'string' ? input.viewId : '';
    const opened = workspace.view(viewId);
    if (opened === undefined) throw new BadRequest('no such view', 404);
    closedViews.add(viewId);
    tick('slack');
    // Slack tells the app only when it asked (notify_on_close).
    if (opened.view.notify_on_close === true) {
      const payload = {
        ...interaction('view_closed', userId),
        view: { ...opened.view, id: opened.id, hash: opened.hash, state: { values: {} } },
        is_cleared: false,
      };
      await invoke(`payload=${encodeURIComponent(JSON.stringify(payload))}`, host);
    }
    return { ok: true };
  }

  async function startPipeline(input: Record<string, unknown>) {
    const port = options.pipelines;
    if (port === undefined) throw new BadRequest('no pipeline panel', 404);
    if (typeof input.pipeline !== 'string' || input.pipeline === '') throw new BadRequest('pipeline is required');
    const failStage = typeof input.failStage === 'string' && input.failStage !== '' ? input.failStage : undefined;
    const failAction = typeof input.failAction === 'string' && input.failAction !== '' ? input.failAction : undefined;
    if ((failStage === undefined) !== (failAction === undefined)) {
      throw new BadRequest('failStage and failAction go together');
    }
    const executionId = await port.start(
      input.pipeline,
      failStage !== undefined && failAction !== undefined
        ? { failAction: { stage: failStage, action: failAction } }
        : {},
    );
    return { ok: true, executionId };
  }

  function requireTeams() {
    if (teams === undefined) throw new BadRequest('no local Teams on this page', 404);
    return teams;
  }

  // ---- routing -------------------------------------------------------------------------------
  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const host = req.headers.host;
    if (url.pathname.startsWith(API)) {
      const endpoint = url.pathname.slice(API.length);
      if (method === 'GET') {
        if (endpoint === 'state') return sendJson(res, 200, state(url.searchParams));
        if (endpoint === 'pipelines') return sendJson(res, 200, await pipelines());
        if (endpoint === 'teams/state') return sendJson(res, 200, requireTeams().state(url.searchParams));
        if (endpoint === 'events') return openStream(req, res);
        return sendJson(res, 404, { ok: false, error: 'not_found' });
      }
      if (method !== 'POST') return sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
      const input = await readJson(req);
      switch (endpoint) {
        case 'command':
          return sendJson(res, 200, await runCommand(input, host));
        case 'action':
          return sendJson(res, 200, await runAction(input, host));
        case 'view-submission':
          return sendJson(res, 200, await runViewSubmission(input, host));
        case 'view-close':
          return sendJson(res, 200, await closeView(input, host));
        case 'pipeline/start':
          return sendJson(res, 200, await startPipeline(input));
        case 'teams/message':
          return sendJson(res, 200, await requireTeams().postMessage(input));
        case 'teams/action':
          return sendJson(res, 200, await requireTeams().pressAction(input));
        default:
          return sendJson(res, 404, { ok: false, error: 'not_found' });
      }
    }
    const file = STATIC_FILES[url.pathname];
    if (file === undefined || (method !== 'GET' && method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    const content = await readFile(path.resolve(PUBLIC_DIR, file.file));
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': content.length });
    res.end(method === 'HEAD' ? undefined : content);
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\nevent: tick\ndata: {"sources":["hello"]}\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  const handler = ((req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/' || url.pathname === '/channel') {
      res.writeHead(302, { location: CHANNEL_PAGE_PATH }).end();
      return true;
    }
    if (!url.pathname.startsWith(CHANNEL_PAGE_PATH)) return false;
    const crossOrigin = crossOriginReason(req);
    if (crossOrigin !== undefined) {
      console.warn(`[channel-page] refused ${req.method} ${url.pathname}: ${crossOrigin}`);
      sendJson(res, 403, { ok: false, error: 'cross_origin_request', detail: crossOrigin });
      return true;
    }
    route(req, res, url).catch((error: unknown) => {
      if (error instanceof BadRequest || error instanceof TeamsPageInputError) {
        return sendJson(res, error.status, { ok: false, error: error.message });
      }
      if (error instanceof PanelInputError || isAwsClientError(error)) {
        return sendJson(res, 400, { ok: false, error: (error as Error).message });
      }
      console.error('[channel-page] internal error', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
      else res.end();
    });
    return true;
  }) as ChannelPageHandler;
  handler.close = () => {
    workspace.off('change', onWorkspaceChange);
    stopPipelineListener?.();
    teams?.close();
    clearInterval(keepalive);
    for (const stream of streams) stream.end();
    streams.clear();
  };
  return handler;
}

/**
 * startLocalSlack takes its `fallback` before the page (which needs the LocalSlack) can be made:
 * pass `fallback` there, `mount` the page once it exists. Requests the page does not handle get a 404.
 */
export function lateFallback(): {
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  mount: (handler: (req: IncomingMessage, res: ServerResponse) => boolean) => void;
} {
  let mounted: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  return {
    fallback(req, res) {
      if (mounted?.(req, res) === true) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    },
    mount(handler) {
      mounted = handler;
    },
  };
}

/** Values as Slack puts them in `view.state.values`, for the view's input blocks only. */
function stateValues(opened: OpenedView, given: unknown): Record<string, Record<string, unknown>> {
  const provided = typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {};
  const out: Record<string, Record<string, unknown>> = {};
  const blocks = Array.isArray(opened.view.blocks) ? (opened.view.blocks as Block[]) : [];
  for (const [index, block] of blocks.entries()) {
    if (block.type !== 'input' || typeof block.element !== 'object' || block.element === null) continue;
    const element = block.element as Record<string, unknown>;
    const blockId = effectiveBlockId(block, opened.id, index);
    const actionId = typeof element.action_id === 'string' ? element.action_id : 'input';
    const fromPage = provided[blockId];
    const raw =
      typeof fromPage === 'object' && fromPage !== null ? (fromPage as Record<string, unknown>)[actionId] : undefined;
    const chosen = typeof raw === 'string' && raw !== '' ? raw : null;
    out[blockId] = {
      [actionId]:
        element.type === 'radio_buttons'
          ? { type: element.type, selected_option: selectedOption(element, chosen, blockId) }
          : { type: element.type, value: chosen },
    };
  }
  return out;
}

/**
 * A radio_buttons element's state as Slack sends it: the chosen option as the view defined it
 * (text, description, value), or null when none is chosen. A value that is none of the options is
 * refused: the page offers only the view's.
 */
function selectedOption(element: Record<string, unknown>, chosen: string | null, blockId: string): unknown {
  if (chosen === null) return null;
  const options = Array.isArray(element.options) ? (element.options as Record<string, unknown>[]) : [];
  const option = options.find((candidate) => candidate.value === chosen);
  if (option === undefined) throw new BadRequest(`"${chosen}" is not an option of ${blockId}`);
  return option;
}

/** A CodePipeline error the caller caused (unknown pipeline, bad input): the simulator's or the SDK's. */
function isAwsClientError(error: unknown): boolean {
  if (error instanceof AwsServiceError) return error.status < 500;
  return error instanceof Error && (error as { $fault?: string }).$fault === 'client';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/**
 * A JSON object body. Only `application/json` is accepted: a cross-site form cannot send it without
 * a CORS preflight, which this server never grants, so another page cannot drive the workspace.
 */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new BadRequest('send application/json', 415);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest('request too large', 413);
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequest('expected an object');
  return parsed as Record<string, unknown>;
}

/** The option of a static_select whose value the page sent: one of its own options, else a 400. */
function chosenOption(select: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const options = Array.isArray(select.options) ? (select.options as Record<string, unknown>[]) : [];
  const option = options.find((candidate) => typeof value === 'string' && candidate.value === value);
  if (option === undefined) throw new BadRequest('that option is not one of the select’s', 400);
  return option;
}
