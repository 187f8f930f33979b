// (teams listener) an inbound activity --> the channel's address (service URL, conversation) in ChannelAddresses, for notify's proactive posts
import type { ChannelRef } from '../../../core/channels';
import { addressOfActivity, type InboundActivity } from '../../teams-context';
import type { TeamsAppDeps } from '../create-teams-app';

/** Stores where notify posts to the channel; a failure is logged (the command still gets its answer). */
export async function rememberAddress(
  activity: InboundActivity,
  channel: ChannelRef,
  deps: TeamsAppDeps,
): Promise<void> {
  const address = addressOfActivity(activity);
  if (address === undefined) return;
  try {
    await deps.addresses.put(channel, address);
  } catch (error) {
    deps.log.warn('could not store the Teams conversation address', {
      channel: channel.channel.slice(0, 120),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
