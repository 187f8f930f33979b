// (teams listener) installationUpdate / conversationUpdate --> the channel's address kept, or on uninstall its subscriptions and address removed
import type { IActivityContext } from '@microsoft/teams.apps';
import { unsubscribeChannel } from '../../../core/commands';
import { channelOfActivity, type InboundActivity, TEAMS_INVOCATION } from '../../teams-context';
import type { TeamsAppDeps } from '../create-teams-app';
import { rememberAddress } from './remember-address';

interface MembershipActivity extends InboundActivity {
  readonly action?: string;
  readonly membersAdded?: readonly { readonly id?: string }[];
  readonly membersRemoved?: readonly { readonly id?: string }[];
}

/**
 * The app added to a team, a group chat or a personal chat (installationUpdate `add`, or a
 * conversationUpdate adding the bot): the conversation's address is kept, so notify can post
 * there before anyone types a command. Removed (`remove`, or the bot among the members removed):
 * the conversation's subscriptions are deleted (their rules would post into a conversation the
 * bot cannot reach) and its address forgotten. A team's other channels keep their subscriptions
 * until unsubscribed: Teams tells the bot of the team, not of each channel; notify's posts there
 * are refused for good (403) and logged with the subscription.
 */
export async function onInstallChange(
  context: IActivityContext,
  deps: TeamsAppDeps,
  kind?: 'installed' | 'uninstalled',
): Promise<void> {
  const activity = context.activity as MembershipActivity;
  const channel = channelOfActivity(activity);
  if (channel === undefined) return;
  const bot = activity.recipient?.id;
  const change =
    kind ??
    (activity.membersRemoved?.some((member) => member.id === bot)
      ? 'uninstalled'
      : activity.membersAdded?.some((member) => member.id === bot)
        ? 'installed'
        : undefined);
  if (change === 'installed') {
    await rememberAddress(activity, channel, deps);
    deps.log.info('pipewatch was added to a Teams conversation', { channel: channel.channel.slice(0, 120) });
  } else if (change === 'uninstalled') {
    const answer = await unsubscribeChannel(
      { channel, userId: activity.from?.aadObjectId ?? activity.from?.id ?? 'teams', invocation: TEAMS_INVOCATION },
      deps,
      { kind: 'all' },
    );
    await deps.addresses.delete(channel);
    deps.log.info('pipewatch was removed from a Teams conversation: its subscriptions were deleted', {
      channel: channel.channel.slice(0, 120),
      outcome: answer.kind === 'text' ? answer.text.slice(0, 200) : 'status',
    });
  } else if (activity.serviceUrl !== undefined) {
    // Another membership change (someone else joined): the address may be new, keep it fresh.
    await rememberAddress(activity, channel, deps);
  }
}
