// (local Slack) a channel as the bot sees it: visible, writable or readable, else Slack's channel_not_found / not_in_channel
import { SlackApiError } from '../slack-api-error';
import type { SlackChannel } from '../types';
import type { LocalWorkspace } from '../workspace';

/**
 * The channel as the bot sees it: a private channel the bot is not in does not exist for it
 * (`channel_not_found`, as Slack answers), a public one does.
 */
export function visibleChannel(workspace: LocalWorkspace, idOrName: string): SlackChannel {
  const channel = workspace.findChannel(idOrName);
  if (channel === undefined || (channel.isPrivate && !channel.botMember)) throw new SlackApiError('channel_not_found');
  return channel;
}

/** Posting needs an unarchived channel the bot is a member of. */
export function writableChannel(workspace: LocalWorkspace, idOrName: string): SlackChannel {
  const channel = visibleChannel(workspace, idOrName);
  if (channel.isArchived) throw new SlackApiError('is_archived');
  if (!channel.botMember) throw new SlackApiError('not_in_channel');
  return channel;
}

/** Reading history also needs membership for a bot token. */
export function readableChannel(workspace: LocalWorkspace, idOrName: string): SlackChannel {
  const channel = visibleChannel(workspace, idOrName);
  if (!channel.botMember) throw new SlackApiError('not_in_channel');
  return channel;
}
