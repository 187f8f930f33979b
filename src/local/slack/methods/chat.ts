// (local Slack) chat.postMessage, chat.update, chat.postEphemeral, chat.getPermalink --> the local workspace, with Slack's checks and errors
import { z } from 'zod';
import { TS_PATTERN } from '../message-ts';
import { boolArg, decodeJsonArg, parseArgs } from '../request-args';
import { SlackApiError } from '../slack-api-error';
import type { LocalWorkspace } from '../workspace';
import { visibleChannel, writableChannel } from './channel-access';
import { readMessageContent } from './message-content';
import { toWireMessage } from './message-wire';
import { type SlackMethod, withWarnings } from './method';

const PostMessageArgs = z.object({
  channel: z.string(),
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  thread_ts: z.string().optional(),
  reply_broadcast: boolArg.optional(),
  unfurl_links: boolArg.optional(),
  unfurl_media: boolArg.optional(),
  mrkdwn: boolArg.optional(),
  link_names: boolArg.optional(),
  parse: z.string().optional(),
  metadata: z.unknown().optional(),
  username: z.string().optional(),
  icon_emoji: z.string().optional(),
  icon_url: z.string().optional(),
});

const OPTION_KEYS = [
  'attachments',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'link_names',
  'parse',
  'metadata',
  'username',
  'icon_emoji',
  'icon_url',
] as const;

/**
 * A thread_ts must be a ts string of a message in the channel. A number that went through a float
 * (WebClient warns about this) no longer matches and fails here instead of starting a new thread.
 * A reply's ts threads under its parent, as Slack does.
 */
function resolveThread(workspace: LocalWorkspace, channelId: string, threadTs: string | undefined): string | undefined {
  if (threadTs === undefined || threadTs === '') return undefined;
  if (!TS_PATTERN.test(threadTs)) throw new SlackApiError('invalid_thread_ts');
  const parent = workspace.message(channelId, threadTs);
  if (parent === undefined) throw new SlackApiError('thread_not_found');
  return parent.threadTs !== undefined && parent.threadTs !== parent.ts ? parent.threadTs : parent.ts;
}

/**
 * Message metadata as Slack reads it: JSON (WebClient sends a string) with an `event_type` and an
 * `event_payload` object, else `invalid_metadata_format`. An event type with characters other than
 * letters, digits, `_` and `-` is ignored with an `invalid_metadata_schema` warning, as Slack does.
 */
function readMetadata(raw: unknown, warnings: string[]): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  const decoded = decodeJsonArg(raw);
  const value = decoded.ok ? decoded.value : undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { event_type?: unknown }).event_type !== 'string' ||
    typeof (value as { event_payload?: unknown }).event_payload !== 'object' ||
    (value as { event_payload?: unknown }).event_payload === null ||
    Array.isArray((value as { event_payload?: unknown }).event_payload)
  ) {
    throw new SlackApiError('invalid_metadata_format');
  }
  const metadata = value as { event_type: string; event_payload: object };
  if (!/^[A-Za-z0-9_-]+$/.test(metadata.event_type)) {
    warnings.push('invalid_metadata_schema');
    return undefined;
  }
  return { event_type: metadata.event_type, event_payload: metadata.event_payload };
}

export const postMessage: SlackMethod = (raw, workspace) => {
  const args = parseArgs(PostMessageArgs, raw, ['channel']);
  const channel = writableChannel(workspace, args.channel);
  const content = readMessageContent(args, true);
  const warnings = [...content.warnings];
  const metadata = readMetadata(args.metadata, warnings);
  const threadTs = resolveThread(workspace, channel.id, args.thread_ts);
  const options: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) if (args[key] !== undefined) options[key] = args[key];
  if (metadata === undefined) delete options.metadata;
  else options.metadata = metadata;
  const message = workspace.insertMessage(channel.id, workspace.botUserId, 'chat.postMessage', {
    text: content.text ?? '',
    blocks: content.blocks,
    threadTs,
    replyBroadcast: threadTs !== undefined && args.reply_broadcast === true,
    options,
  });
  return withWarnings({ channel: channel.id, ts: message.ts, message: toWireMessage(workspace, message) }, warnings);
};

const UpdateArgs = z.object({
  channel: z.string(),
  ts: z.string(),
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
});

export const update: SlackMethod = (raw, workspace) => {
  const args = parseArgs(UpdateArgs, raw, ['channel', 'ts']);
  const channel = visibleChannel(workspace, args.channel);
  if (channel.isArchived) throw new SlackApiError('is_archived');
  const message = workspace.message(channel.id, args.ts);
  if (message === undefined) throw new SlackApiError('message_not_found');
  if (message.user !== workspace.botUserId) throw new SlackApiError('cant_update_message');
  const content = readMessageContent(args, true);
  // chat.update keeps the blocks when the argument is absent; `blocks: []` removes them.
  workspace.updateMessage(message, 'chat.update', content.text, content.blocks);
  return withWarnings(
    { channel: channel.id, ts: message.ts, text: message.text, message: toWireMessage(workspace, message) },
    content.warnings,
  );
};

const PostEphemeralArgs = z.object({
  channel: z.string(),
  user: z.string(),
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  thread_ts: z.string().optional(),
});

export const postEphemeral: SlackMethod = (raw, workspace) => {
  const args = parseArgs(PostEphemeralArgs, raw, ['channel', 'user']);
  const channel = writableChannel(workspace, args.channel);
  if (workspace.user(args.user) === undefined) throw new SlackApiError('user_not_found');
  if (!workspace.isMember(channel.id, args.user)) throw new SlackApiError('user_not_in_channel');
  const content = readMessageContent(args, true);
  const threadTs = resolveThread(workspace, channel.id, args.thread_ts);
  const ephemeral = workspace.insertEphemeral(channel.id, args.user, 'chat.postEphemeral', {
    text: content.text ?? '',
    blocks: content.blocks,
    threadTs,
  });
  return withWarnings({ message_ts: ephemeral.ts }, content.warnings);
};

const GetPermalinkArgs = z.object({ channel: z.string(), message_ts: z.string() });

/** Permalinks point at the local channel page, in Slack's `/archives/<C>/p<ts without dot>` shape. */
export const getPermalink: SlackMethod = (raw, workspace) => {
  const args = parseArgs(GetPermalinkArgs, raw, ['channel', 'message_ts']);
  const channel = visibleChannel(workspace, args.channel);
  const message = workspace.message(channel.id, args.message_ts);
  if (message === undefined) throw new SlackApiError('message_not_found');
  let permalink = `${workspace.baseUrl}/archives/${channel.id}/p${message.ts.replace('.', '')}`;
  if (message.threadTs !== undefined && message.threadTs !== message.ts) {
    permalink += `?thread_ts=${message.threadTs}&cid=${channel.id}`;
  }
  return { channel: channel.id, permalink };
};
