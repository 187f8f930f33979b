// (teams listener) @pipewatch <command> (a channel, a group chat) or <command> (a personal chat) --> runCommand (core) --> a plain-text reply
import type { IActivityContext } from '@microsoft/teams.apps';
import { runCommand } from '../../../core/commands';
import { renderTeamsCommandAnswer } from '../../render-command-answer';
import {
  channelOfActivity,
  commandText,
  type InboundActivity,
  TEAMS_INVOCATION,
  TEAMS_PLATFORM_NAME,
} from '../../teams-context';
import type { TeamsAppDeps } from '../create-teams-app';
import { pressCardButton } from './card-action';
import { rememberAddress } from './remember-address';

/**
 * 1. The channel (tenant + conversation) and its address, refreshed on every command so notify
 *    can post there (a service URL can change).
 * 2. The command: the text without the bot's own mentions (by the mention entities' ids). In
 *    channels and group chats Teams sends only messages that mention the bot; a personal chat
 *    needs no mention.
 * 3. runCommand, as Slack's listener runs it; the answer goes back in the same conversation (the
 *    thread the command was typed in) as plain text.
 */
export async function onMessage(context: IActivityContext, deps: TeamsAppDeps): Promise<void> {
  const activity = context.activity as InboundActivity;
  const channel = channelOfActivity(activity);
  if (channel === undefined) {
    deps.log.warn('a Teams message without a tenant or conversation; not answered');
    return;
  }
  const submitted = (context.activity as { value?: { verb?: unknown; value?: unknown } }).value;
  if (typeof submitted?.verb === 'string') {
    // A card button's Action.Submit fallback (a client without Action.Execute): the same press.
    const words = await pressCardButton(context, deps, submitted.verb, submitted as Record<string, unknown>);
    // None for a card that is not pipewatch's: the request is answered 403, nothing sent.
    if (words !== undefined) await context.send({ type: 'message', text: words, textFormat: 'plain' });
    return;
  }
  await rememberAddress(activity, channel, deps);
  const userId = activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown';
  const answer = await runCommand(
    {
      channel,
      userId,
      invocation: TEAMS_INVOCATION,
      // `run` is authorized as a card button is: the Entra object id, and its groups where Graph is enabled.
      user: async (policy, action, pipeline) => ({
        id: userId,
        groups: deps.groups === undefined ? [] : await deps.groups.memberGroups(policy, action, pipeline, userId),
        ...(activity.from?.name ? { displayName: activity.from.name } : {}),
      }),
      platformName: TEAMS_PLATFORM_NAME,
    },
    deps,
    commandText(activity),
  );
  await context.send({ type: 'message', text: renderTeamsCommandAnswer(answer), textFormat: 'plain' });
}
