// (slack) the AlertMessage's actions and links --> Block Kit buttons (retry, approve, reject, stop, console, logs) with encoded values
import type { Button } from '@slack/types';
import { buttonValueOf, encodeButtonValue } from '../core/actions';
import type { AlertAction, AlertMessage } from '../core/messages';
import { ACTION_IDS } from './action-ids';
import { type ButtonSpec, button } from './blocks';

/** Which buttons of an alert to show: all, or only the links (a failure's thread reply). */
export type ButtonSelection = 'all' | 'links';

/**
 * The alert's buttons in the core's order, then "View logs" for the
 * provider's page. Labels are pipewatch's own words, so no event content
 * ends up in a button's text; event content is only in values and URLs.
 */
export function alertButtons(message: AlertMessage, selection: ButtonSelection = 'all'): Button[] {
  const specs: ButtonSpec[] = [];
  for (const action of message.actions) {
    const spec = specOf(action);
    if (selection === 'all' || spec.url !== undefined) specs.push(spec);
  }
  const external = message.links.find((link) => link.kind === 'external');
  if (external !== undefined) {
    specs.push({ actionId: ACTION_IDS.viewLogs, text: 'View logs', url: external.url });
  }
  return specs.map(button).filter((made) => made !== undefined);
}

function specOf(action: AlertAction): ButtonSpec {
  const value = buttonValueOf(action);
  const encoded = value === undefined ? undefined : encodeButtonValue(value);
  switch (action.kind) {
    case 'retry':
      return action.mode === 'FAILED_ACTIONS'
        ? { actionId: ACTION_IDS.retryFailed, text: 'Retry failed actions', value: encoded }
        : { actionId: ACTION_IDS.retryAll, text: 'Retry all actions', value: encoded };
    case 'approve':
      return { actionId: ACTION_IDS.approve, text: 'Approve', value: encoded, style: 'primary' };
    case 'reject':
      return { actionId: ACTION_IDS.reject, text: 'Reject', value: encoded, style: 'danger' };
    case 'stop':
      return { actionId: ACTION_IDS.stop, text: 'Stop…', value: encoded };
    case 'open-console':
      return { actionId: ACTION_IDS.openConsole, text: 'Open in console', url: action.url };
  }
}
