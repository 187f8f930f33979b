// (slack) an alert's status --> the emoji in front of it; words stay the core's, only the picture is Slack's
import type { AlertMessage } from '../core/messages';

/**
 * The emoji in front of a status. Words come from the neutral message (one
 * source for every platform); only the picture is Slack's. A waiting
 * approval is recognised by its buttons, not by its label, so a rewording in
 * the core cannot change the emoji.
 */
export function statusEmoji(message: AlertMessage): string {
  const { status } = message;
  if (!status.known) return ':warning:';
  if (message.actions.some((action) => action.kind === 'approve')) return ':raised_hand:';
  switch (status.state) {
    case 'FAILED':
      return ':x:';
    case 'SUCCEEDED':
      return ':white_check_mark:';
    case 'STARTED':
    case 'RESUMED':
    case 'STOPPING':
      return ':hourglass_flowing_sand:';
    case 'SUPERSEDED':
      return ':fast_forward:';
    case 'STOPPED':
    case 'CANCELED':
    case 'ABANDONED':
      return ':no_entry_sign:';
  }
  return SEVERITY_EMOJI[status.severity];
}

const SEVERITY_EMOJI = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':x:',
} as const;
