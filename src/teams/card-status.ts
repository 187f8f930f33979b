// (teams) an alert's status --> the emoji in front of it and the TextBlock colour; words stay the core's
import type { TextColor } from '@microsoft/teams.cards';
import type { AlertMessage, Severity } from '../core/messages';

/**
 * The emoji in front of a status, the same pictures as Slack's shortcodes
 * (src/slack/status-emoji.ts) as Unicode characters, since a card does not
 * expand `:x:`. A waiting approval is recognised by its buttons, not by its
 * label, so a rewording in the core cannot change the emoji.
 */
export function statusEmoji(message: AlertMessage): string {
  const { status } = message;
  if (!status.known) return '⚠️';
  if (message.actions.some((action) => action.kind === 'approve')) return '✋';
  switch (status.state) {
    case 'FAILED':
      return '❌';
    case 'SUCCEEDED':
      return '✅';
    case 'STARTED':
    case 'RESUMED':
    case 'STOPPING':
      return '⏳';
    case 'SUPERSEDED':
      return '⏩';
    case 'STOPPED':
    case 'CANCELED':
    case 'ABANDONED':
      return '🚫';
  }
  return SEVERITY_EMOJI[status.severity];
}

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  info: 'ℹ️',
  success: '✅',
  warning: '⚠️',
  error: '❌',
};

/** A TextBlock's `color` per severity: the host config's semantic colours, readable in light and dark themes. */
export function statusColor(message: AlertMessage): TextColor {
  return SEVERITY_COLOR[message.status.severity];
}

const SEVERITY_COLOR: Readonly<Record<Severity, TextColor>> = {
  info: 'Accent',
  success: 'Good',
  warning: 'Warning',
  error: 'Attention',
};
