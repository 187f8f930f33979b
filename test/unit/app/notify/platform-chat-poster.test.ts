// The poster for every platform: each channel's posts go to its platform's poster, and whether a
// post can be looked for (so recorded as begun before it is made) is that platform's answer.
import { platformChatPoster } from '../../../../src/app/notify/platform-chat-poster';
import type { ChannelRef } from '../../../../src/core/channels';
import { ChatDeliveryError } from '../../../../src/core/notify';
import { SlackChatPoster } from '../../../../src/slack/slack-chat-poster';
import { TeamsChatPoster } from '../../../../src/teams/teams-chat-poster';
import { InMemoryChannelAddresses } from '../../../helpers/in-memory-channel-addresses';

const SLACK: ChannelRef = { platform: 'slack', workspace: 'T0001', channel: 'C0001' };
const TEAMS: ChannelRef = { platform: 'teams', workspace: 'tenant-1', channel: '19:abc@thread.tacv2' };

const slack = new SlackChatPoster({ token: 'xoxb-not-used' });
const teams = new TeamsChatPoster({
  addresses: new InMemoryChannelAddresses(),
  token: async () => 'not-used',
  render: () => ({}),
});

test('Slack can look for a post and Teams cannot; a platform without credentials cannot either', () => {
  const both = platformChatPoster({ slack, teams });
  expect(both.findsPosts?.(SLACK)).toBe(true);
  expect(both.findsPosts?.(TEAMS)).toBe(false);
  expect(platformChatPoster({ teams }).findsPosts?.(SLACK)).toBe(false);
  expect(platformChatPoster({ slack }).findsPosts?.(TEAMS)).toBe(false);
});

test('a channel of a platform without credentials is a permanent failure', async () => {
  const onlyTeams = platformChatPoster({ teams });
  await expect(
    onlyTeams.findPost?.(SLACK, { pipeline: 'p', executionId: 'e' }, { sinceMs: 0, untilMs: 1 }),
  ).rejects.toMatchObject({ kind: 'permanent', code: 'platform_not_configured' });
  await expect(onlyTeams.post(SLACK, undefined as never)).rejects.toBeInstanceOf(ChatDeliveryError);
});
