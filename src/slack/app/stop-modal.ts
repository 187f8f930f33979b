// (Slack adapter) the modal a Stop button opens: "stop and wait" or "stop and abandon", and why
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { ButtonValue, StopMode } from '../../core/actions';
import { shortExecutionId } from '../../core/messages';
import { escapeMrkdwn, truncate } from '../escape';
import { type ApprovalMetadata, privateMetadataOf } from './approval-modal';

export const STOP_CALLBACK_ID = 'pipewatch.stop.submit';
export const STOP_MODE_BLOCK_ID = 'pipewatch.stop.mode';
export const STOP_MODE_ACTION_ID = 'mode';
export const STOP_REASON_BLOCK_ID = 'pipewatch.stop.reason';
export const STOP_REASON_ACTION_ID = 'reason';
/** Leaves room in StopPipelineExecution's 200-character reason for "Stopped by <name> in Slack: ". */
export const MAX_STOP_REASON_INPUT = 150;

const OPTIONS: readonly (PlainTextOption & { value: StopMode })[] = [
  {
    text: { type: 'plain_text', text: 'Stop and wait' },
    description: { type: 'plain_text', text: 'Actions in progress finish; nothing new starts.' },
    value: 'wait',
  },
  {
    text: { type: 'plain_text', text: 'Stop and abandon' },
    description: { type: 'plain_text', text: 'Actions in progress are abandoned now.' },
    value: 'abandon',
  },
];

/** The choice as submitted; anything but `abandon` is the gentler `wait`. */
export function stopModeOf(selected: string | undefined | null): StopMode {
  return selected === 'abandon' ? 'abandon' : 'wait';
}

/** The modal for a Stop button: the choice (wait by default) and an optional reason. */
export function stopModal(value: Extract<ButtonValue, { kind: 'stop' }>, metadata: ApprovalMetadata): ModalView {
  const what = `execution ${escapeMrkdwn(shortExecutionId(value.executionId))} of *${escapeMrkdwn(value.pipeline)}*`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`Stop ${what}?`, 3000) } },
    {
      type: 'input',
      block_id: STOP_MODE_BLOCK_ID,
      label: { type: 'plain_text', text: 'How' },
      element: {
        type: 'radio_buttons',
        action_id: STOP_MODE_ACTION_ID,
        options: [...OPTIONS],
        initial_option: OPTIONS[0],
      },
    },
    {
      type: 'input',
      block_id: STOP_REASON_BLOCK_ID,
      optional: true,
      label: { type: 'plain_text', text: 'Reason' },
      hint: { type: 'plain_text', text: 'Recorded in CodePipeline with your name.' },
      element: { type: 'plain_text_input', action_id: STOP_REASON_ACTION_ID, max_length: MAX_STOP_REASON_INPUT },
    },
  ];
  return {
    type: 'modal',
    callback_id: STOP_CALLBACK_ID,
    private_metadata: privateMetadataOf(metadata),
    title: { type: 'plain_text', text: 'Stop execution' },
    submit: { type: 'plain_text', text: 'Stop' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
