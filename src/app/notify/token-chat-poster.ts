// (composition) a bot token read per call (a cached secret) --> the ChatPoster built for that token
import type { ChatPoster } from '../../core/ports';

/**
 * A ChatPoster whose token is awaited only when a chat call is made, so that reading it (SSM, on a
 * cold start) overlaps whatever comes before the first call. `token` is asked on every call and is
 * expected to cache (SecretParameters does, with a TTL): a rotated token gets a new poster.
 */
export function tokenChatPoster(token: () => Promise<string>, build: (token: string) => ChatPoster): ChatPoster {
  let current: { readonly token: string; readonly poster: ChatPoster } | undefined;
  const poster = async (): Promise<ChatPoster> => {
    const value = await token();
    if (current?.token !== value) current = { token: value, poster: build(value) };
    return current.poster;
  };
  return {
    post: async (channel, message, mark) => (await poster()).post(channel, message, mark),
    update: async (channel, messageId, message) => (await poster()).update(channel, messageId, message),
    reply: async (channel, messageId, message, mark) => (await poster()).reply(channel, messageId, message, mark),
    updateReply: async (channel, messageId, message) => (await poster()).updateReply(channel, messageId, message),
    findPost: async (channel, mark, window) => (await poster()).findPost?.(channel, mark, window),
  };
}
