// (core) public API of chat channel identities: ChannelRef, the chat platforms, channel labels
/** Public API of chat channel identities. */
export { CHAT_PLATFORMS, type ChannelRef, type ChatPlatform, channelLabel, isChatPlatform } from './channel-ref';
