// (core) where a conversation lives: a channel of one chat platform's workspace

/** The chat platforms pipewatch posts to. */
export type ChatPlatform = 'slack' | 'teams';

export const CHAT_PLATFORMS: readonly ChatPlatform[] = ['slack', 'teams'];

/**
 * Where a subscription posts: a channel of a chat platform's workspace (Slack team / Teams tenant).
 * The three parts are the platform's own ids, opaque to the core: it only compares, hashes and
 * stores them.
 */
export interface ChannelRef {
  readonly platform: ChatPlatform;
  readonly workspace: string;
  readonly channel: string;
}

export function isChatPlatform(value: string): value is ChatPlatform {
  return (CHAT_PLATFORMS as readonly string[]).includes(value);
}

/** A readable, unique key of a channel for logs and maps: `slack:T123/C456`. */
export function channelLabel(channel: ChannelRef): string {
  return `${channel.platform}:${channel.workspace}/${channel.channel}`;
}
