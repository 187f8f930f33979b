// (local Slack) a stored message or ephemeral --> the Web API's JSON shape (chat.postMessage's message, history items)
import type { EphemeralMessage, SlackMessage } from '../types';
import type { LocalWorkspace } from '../workspace';

/**
 * A stored message in the Web API's JSON shape (chat.postMessage's `message`, history items), with
 * its metadata only when asked (`include_all_metadata`), as Slack does.
 */
export function toWireMessage(
  workspace: LocalWorkspace,
  message: SlackMessage,
  options: { includeMetadata?: boolean } = {},
): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    type: 'message',
    ts: message.ts,
    user: message.user,
    text: message.text,
    team: workspace.teamId,
  };
  if (message.botId !== undefined) {
    wire.bot_id = message.botId;
    wire.app_id = workspace.appId;
  }
  if (message.blocks !== undefined) wire.blocks = message.blocks;
  if (message.threadTs !== undefined) wire.thread_ts = message.threadTs;
  if (message.threadTs === message.ts && message.replyCount > 0) {
    wire.reply_count = message.replyCount;
    wire.reply_users = message.replyUsers;
    wire.reply_users_count = message.replyUsers.length;
    wire.latest_reply = message.latestReply;
  }
  if (message.replyBroadcast) wire.subtype = 'thread_broadcast';
  if (message.edited !== undefined) wire.edited = message.edited;
  if (options.includeMetadata === true && message.options.metadata !== undefined) {
    wire.metadata = message.options.metadata;
  }
  return wire;
}

export function toWireEphemeral(ephemeral: EphemeralMessage): Record<string, unknown> {
  const wire: Record<string, unknown> = { type: 'message', ts: ephemeral.ts, text: ephemeral.text };
  if (ephemeral.blocks !== undefined) wire.blocks = ephemeral.blocks;
  if (ephemeral.threadTs !== undefined) wire.thread_ts = ephemeral.threadTs;
  return wire;
}
