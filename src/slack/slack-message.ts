// (slack) SlackMessage: what chat.postMessage / chat.update / a response_url take: escaped fallback text + blocks
import type { KnownBlock } from '@slack/types';

/**
 * What chat.postMessage / chat.update / a response_url take: blocks, and
 * `text`, the fallback Slack shows in notifications and to clients that cannot
 * render blocks. Both are escaped already.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}
