// (Slack adapter) the modal that asks for an approval comment, and what it carries to its submission
import type { KnownBlock, ModalView } from '@slack/types';
import type { ButtonValue } from '../../core/actions';
import * as z from '../../core/zod';
import { escapeMrkdwn, truncate } from '../escape';

export const APPROVAL_CALLBACK_ID = 'pipewatch.approval.submit';
export const COMMENT_BLOCK_ID = 'pipewatch.approval.comment';
export const COMMENT_ACTION_ID = 'comment';
/** Leaves room in the 512-character approval summary for "Approved by <name> in Slack: ". */
export const MAX_COMMENT_LENGTH = 400;
/** Slack's limit on private_metadata. */
const MAX_PRIVATE_METADATA = 3000;

/**
 * What the submission needs and Slack does not send with it: the button (its value, which
 * names the approval; never a token), the channel and message it was in, so that the message
 * can be updated once the decision is made.
 * @example {"v":1,"actionId":"pipewatch.approve","value":"{\"v\":1,\"kind\":\"approve\",…}","channel":"C0123","messageTs":"1712345678.000100"}
 */
export const approvalMetadataSchema = z.strictObject({
  v: z.literal(1),
  actionId: z.string().check(z.minLength(1)),
  value: z.string().check(z.minLength(1), z.maxLength(2000)),
  channel: z.string().check(z.minLength(1)),
  messageTs: z.string().check(z.minLength(1)),
  /** The thread the message is in (or its own ts): where the outcome reply goes. */
  threadTs: z.optional(z.string().check(z.minLength(1))),
});

export type ApprovalMetadata = z.infer<typeof approvalMetadataSchema>;

export function parseApprovalMetadata(text: string): ApprovalMetadata | undefined {
  try {
    const parsed = approvalMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The metadata as a modal carries it; a RangeError beyond Slack's limit. */
export function privateMetadataOf(metadata: ApprovalMetadata): string {
  const privateMetadata = JSON.stringify(metadata);
  if (privateMetadata.length > MAX_PRIVATE_METADATA) {
    throw new RangeError(
      `private_metadata would be ${privateMetadata.length} characters (Slack allows ${MAX_PRIVATE_METADATA})`,
    );
  }
  return privateMetadata;
}

/** The modal for an approve or reject button; the comment is optional. */
export function approvalModal(
  value: Extract<ButtonValue, { kind: 'approve' | 'reject' }>,
  metadata: ApprovalMetadata,
): ModalView {
  const approving = value.kind === 'approve';
  const privateMetadata = privateMetadataOf(metadata);
  const what = `${escapeMrkdwn(value.action)} in *${escapeMrkdwn(value.pipeline)}* / ${escapeMrkdwn(value.stage)}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`${approving ? 'Approve' : 'Reject'} ${what}?`, 3000) },
    },
    {
      type: 'input',
      block_id: COMMENT_BLOCK_ID,
      optional: true,
      label: { type: 'plain_text', text: 'Comment' },
      hint: { type: 'plain_text', text: 'Recorded in CodePipeline with your name.' },
      element: {
        type: 'plain_text_input',
        action_id: COMMENT_ACTION_ID,
        multiline: true,
        max_length: MAX_COMMENT_LENGTH,
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: APPROVAL_CALLBACK_ID,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: approving ? 'Approve' : 'Reject' },
    submit: { type: 'plain_text', text: approving ? 'Approve' : 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
