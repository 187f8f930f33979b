// (local Slack) conversations.info, conversations.history, conversations.replies over the local workspace, cursor-paginated
import { z } from 'zod';
import { boolArg, intArg, parseArgs } from '../request-args';
import { SlackApiError } from '../slack-api-error';
import type { SlackMessage } from '../types';
import { readableChannel, visibleChannel } from './channel-access';
import { toWireMessage } from './message-wire';
import type { SlackMethod } from './method';

const InfoArgs = z.object({ channel: z.string() });

export const info: SlackMethod = (raw, workspace) => {
  const args = parseArgs(InfoArgs, raw, ['channel']);
  const channel = visibleChannel(workspace, args.channel);
  return {
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_group: false,
      is_im: false,
      is_private: channel.isPrivate,
      is_archived: channel.isArchived,
      is_member: channel.botMember,
      is_general: false,
      context_team_id: workspace.teamId,
    },
  };
};

const PageArgs = {
  limit: intArg.optional(),
  cursor: z.string().optional(),
  oldest: z.string().optional(),
  latest: z.string().optional(),
  inclusive: boolArg.optional(),
  include_all_metadata: boolArg.optional(),
};

/** Slack's documented maximum page size for history and replies. */
const MAX_LIMIT = 999;

interface Page {
  limit?: number | undefined;
  cursor?: string | undefined;
  oldest?: string | undefined;
  latest?: string | undefined;
  inclusive?: boolean | undefined;
}

/** Cursor-based pagination over an already ordered list; the cursor is an opaque offset. */
function paginate(messages: SlackMessage[], page: Page): { items: SlackMessage[]; nextCursor: string } {
  const inclusive = page.inclusive === true;
  const inRange = messages.filter((m) => {
    const ts = Number(m.ts);
    if (page.oldest !== undefined && (inclusive ? ts < Number(page.oldest) : ts <= Number(page.oldest))) return false;
    if (page.latest !== undefined && (inclusive ? ts > Number(page.latest) : ts >= Number(page.latest))) return false;
    return true;
  });
  const limit = Math.min(Math.max(page.limit ?? 100, 1), MAX_LIMIT);
  let offset = 0;
  if (page.cursor !== undefined && page.cursor !== '') {
    const decoded = Buffer.from(page.cursor, 'base64').toString('utf8');
    const match = /^offset:(\d+)$/.exec(decoded);
    if (match?.[1] === undefined) throw new SlackApiError('invalid_cursor');
    offset = Number(match[1]);
  }
  const items = inRange.slice(offset, offset + limit);
  const next = offset + limit < inRange.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { items, nextCursor: next };
}

const HistoryArgs = z.object({ channel: z.string(), ...PageArgs });

/** Newest first, top-level messages (and broadcast replies), as Slack returns them. */
export const history: SlackMethod = (raw, workspace) => {
  const args = parseArgs(HistoryArgs, raw, ['channel']);
  const channel = readableChannel(workspace, args.channel);
  const newestFirst = [...workspace.messages(channel.id)].reverse();
  const { items, nextCursor } = paginate(newestFirst, args);
  return {
    messages: items.map((m) => toWireMessage(workspace, m, { includeMetadata: args.include_all_metadata === true })),
    has_more: nextCursor !== '',
    pin_count: 0,
    response_metadata: { next_cursor: nextCursor },
  };
};

const RepliesArgs = z.object({ channel: z.string(), ts: z.string(), ...PageArgs });

/** The parent then its replies, oldest first. */
export const replies: SlackMethod = (raw, workspace) => {
  const args = parseArgs(RepliesArgs, raw, ['channel', 'ts']);
  const channel = readableChannel(workspace, args.channel);
  const message = workspace.message(channel.id, args.ts);
  if (message === undefined) throw new SlackApiError('thread_not_found');
  const parentTs = message.threadTs ?? message.ts;
  const parent = workspace.message(channel.id, parentTs) ?? message;
  const { items, nextCursor } = paginate([parent, ...workspace.threadReplies(channel.id, parentTs)], args);
  return {
    messages: items.map((m) => toWireMessage(workspace, m, { includeMetadata: args.include_all_metadata === true })),
    has_more: nextCursor !== '',
    response_metadata: { next_cursor: nextCursor },
  };
};
