// (Slack adapter) where a request came from: the subscription channel and the person, from Slack's payloads
import type { BlockAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { ChannelRef } from '../../core/channels';

export const SLACK_PLATFORM = 'slack' as const;
/** Recorded in approval summaries: "Approved by mary in Slack". */
export const SLACK_PLATFORM_NAME = 'Slack';

/**
 * The channel a subscription posts to. The workspace is the team, or the enterprise when the
 * app is installed org-wide: then one installation serves every team, and a channel id is
 * unique within the org.
 */
export function channelOfCommand(command: SlashCommand): ChannelRef {
  const orgInstall = command.is_enterprise_install === 'true' && command.enterprise_id;
  return {
    platform: SLACK_PLATFORM,
    workspace: orgInstall ? (command.enterprise_id as string) : command.team_id,
    channel: command.channel_id,
  };
}

/**
 * The channel of the message a button is on, as channelOfCommand names channels (so it finds the
 * conversation notify keeps for it); undefined outside a channel.
 */
export function channelOfAction(body: BlockAction): ChannelRef | undefined {
  const channel = body.channel?.id;
  const orgInstall = body.is_enterprise_install === true && body.enterprise?.id;
  const workspace = orgInstall ? body.enterprise?.id : body.team?.id;
  if (channel === undefined || workspace === undefined || workspace === null) return undefined;
  return { platform: SLACK_PLATFORM, workspace, channel };
}

/**
 * `{channel}` of the message a modal was opened from (its id kept in the modal's metadata), named as
 * channelOfAction names it; `{}` when the submission names no workspace.
 */
export function channelOfSubmission(body: ViewSubmitAction, channel: string): { channel?: ChannelRef } {
  const orgInstall = body.is_enterprise_install === true && body.enterprise?.id;
  const workspace = orgInstall ? body.enterprise?.id : body.team?.id;
  if (workspace === undefined || workspace === null || channel === '') return {};
  return { channel: { platform: SLACK_PLATFORM, workspace, channel } };
}
