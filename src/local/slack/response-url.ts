// (local Slack) a POST to a response URL --> ephemeral, in_channel, replace_original or delete_original, as Slack acts on it
import { z } from 'zod';
import { TS_PATTERN } from './message-ts';
import { readMessageContent } from './methods/message-content';
import { boolArg } from './request-args';
import { SlackApiError } from './slack-api-error';
import type { LocalWorkspace } from './workspace';

/**
 * A response_url body, as Bolt's `respond()` sends it (JSON). Slack's docs show
 * `"replace_original": "true"` as a string, so booleans are accepted in both forms.
 */
const ResponseUrlBody = z.object({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: boolArg.optional(),
  delete_original: boolArg.optional(),
  thread_ts: z.string().optional(),
});

export interface ResponseUrlOutcome {
  status: number;
  body: Record<string, unknown>;
  /** The body as understood (blocks decoded), for the call log. */
  args: Record<string, unknown>;
  warnings: string[];
}

const fail = (status: number, error: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  status,
  body: { ok: false, error, ...extra },
  args,
  warnings: [],
});

/**
 * Acts on a POST to a response URL as Slack does: by default an ephemeral message to the user who
 * interacted; `response_type: in_channel` posts to the channel (as the app; no membership needed);
 * `replace_original` replaces the message the interaction came from (an ephemeral or a channel
 * message, keeping its visibility); `delete_original` deletes it. Each URL works 5 times in 30 minutes.
 */
export function handleResponseUrlPost(workspace: LocalWorkspace, id: string, rawBody: string): ResponseUrlOutcome {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return fail(400, 'invalid_payload', { raw: rawBody });
  }
  const parsed = ResponseUrlBody.safeParse(json);
  const args: Record<string, unknown> =
    typeof json === 'object' && json !== null ? { ...(json as Record<string, unknown>) } : { raw: json };
  if (!parsed.success) return fail(400, 'invalid_payload', args);
  const body = parsed.data;

  const claim = workspace.responseUrls.claim(id);
  if (!claim.ok) return fail(claim.status, claim.error, args);
  const target = claim.target;

  try {
    if (body.delete_original === true) return deleteOriginal(workspace, target.channelId, target.messageTs, args);
    const content = readMessageContent(body, true);
    if (content.blocks !== undefined) args.blocks = content.blocks;
    const text = content.text ?? '';
    if (body.replace_original === true) {
      // The message type (ephemeral / in_channel) cannot change: response_type is ignored here.
      const original = findOriginal(workspace, target.channelId, target.messageTs);
      if (original.kind === 'ephemeral') workspace.replaceEphemeral(original.ephemeral, text, content.blocks);
      else workspace.updateMessage(original.message, 'response_url', text, content.blocks ?? []);
      return { status: 200, body: { ok: true }, args, warnings: content.warnings };
    }
    const channel = workspace.channel(target.channelId);
    if (channel === undefined) return fail(404, 'channel_not_found', args);
    if (channel.isArchived) return fail(410, 'channel_is_archived', args);
    const threadTs = body.thread_ts === undefined || body.thread_ts === '' ? undefined : body.thread_ts;
    if (threadTs !== undefined && (!TS_PATTERN.test(threadTs) || !workspace.message(channel.id, threadTs))) {
      return fail(400, 'invalid_thread_ts', args);
    }
    if (body.response_type === 'in_channel') {
      workspace.insertMessage(channel.id, workspace.botUserId, 'response_url', {
        text,
        blocks: content.blocks,
        threadTs,
      });
    } else {
      workspace.insertEphemeral(channel.id, target.userId, 'response_url', { text, blocks: content.blocks, threadTs });
    }
    return { status: 200, body: { ok: true }, args, warnings: content.warnings };
  } catch (error) {
    if (error instanceof SlackApiError)
      return fail(error.status === 200 ? 400 : error.status, error.code, args, error.details);
    throw error;
  }
}

type Original =
  | { kind: 'ephemeral'; ephemeral: NonNullable<ReturnType<LocalWorkspace['ephemeral']>> }
  | { kind: 'message'; message: NonNullable<ReturnType<LocalWorkspace['message']>> };

/**
 * The message the interaction came from. A slash command has none ("replace_original/delete_original
 * cannot modify the user's slash-command message"), so asking to replace or delete it is an error
 * here rather than a silent no-op, to catch a handler that expects it to work.
 */
function findOriginal(workspace: LocalWorkspace, channelId: string, messageTs: string | undefined): Original {
  if (messageTs === undefined) throw new SlackApiError('no_original_message', {}, 400);
  const ephemeral = workspace.ephemeral(channelId, messageTs);
  if (ephemeral !== undefined) return { kind: 'ephemeral', ephemeral };
  const message = workspace.message(channelId, messageTs);
  if (message === undefined) throw new SlackApiError('message_not_found', {}, 404);
  if (message.user !== workspace.botUserId) throw new SlackApiError('cant_update_message', {}, 400);
  return { kind: 'message', message };
}

function deleteOriginal(
  workspace: LocalWorkspace,
  channelId: string,
  messageTs: string | undefined,
  args: Record<string, unknown>,
): ResponseUrlOutcome {
  const original = findOriginal(workspace, channelId, messageTs);
  if (original.kind === 'ephemeral') workspace.deleteEphemeral(original.ephemeral);
  else workspace.deleteMessage(original.message);
  return { status: 200, body: { ok: true }, args, warnings: [] };
}
