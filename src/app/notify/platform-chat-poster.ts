// (composition) one ChatPoster for every platform: each channel's posts go to its platform's poster
import type { ChannelRef, ChatPlatform } from '../../core/channels';
import { ChatDeliveryError, findsPosts } from '../../core/notify';
import type { ChatPoster } from '../../core/ports';

/** The posters of the platforms this install is configured for; a platform left out has no credentials. */
export type PlatformPosters = Readonly<Partial<Record<ChatPlatform, ChatPoster>>>;

/**
 * Picks the poster by `channel.platform`. A channel of a platform this install has no credentials
 * for is a permanent failure (logged with the subscription and dropped): retrying cannot help
 * until someone configures that platform.
 */
export function platformChatPoster(posters: PlatformPosters): ChatPoster {
  const posterFor = (channel: ChannelRef): ChatPoster => {
    const poster = posters[channel.platform];
    if (poster === undefined) {
      throw new ChatDeliveryError(
        'permanent',
        'platform_not_configured',
        `pipewatch has no ${channel.platform} credentials configured, so it cannot post to this channel`,
      );
    }
    return poster;
  };
  return {
    post: async (channel, message, mark) => posterFor(channel).post(channel, message, mark),
    update: async (channel, messageId, message) => posterFor(channel).update(channel, messageId, message),
    reply: async (channel, messageId, message, mark) => posterFor(channel).reply(channel, messageId, message, mark),
    updateReply: async (channel, messageId, message) => posterFor(channel).updateReply(channel, messageId, message),
    // A platform that cannot look (Teams) finds nothing: posting again is all it allows.
    findPost: async (channel, mark, window) => posterFor(channel).findPost?.(channel, mark, window),
    findsPosts: (channel) => {
      const poster = posters[channel.platform];
      return poster !== undefined && findsPosts(poster, channel);
    },
  };
}
