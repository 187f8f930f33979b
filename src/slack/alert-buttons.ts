// (slack) the AlertMessage's actions and links --> Block Kit buttons (retry, approve, reject, stop, console, logs) with encoded values
import type { Button, StaticSelect } from '@slack/types';
import { buttonValueOf, encodeButtonValue, SNOOZE_CHOICE_LABELS, snoozeValues } from '../core/actions';
import type { AlertAction, AlertMessage } from '../core/messages';
import { ACTION_IDS } from './action-ids';
import { type ButtonSpec, button, staticSelect } from './blocks';

/** Which buttons of an alert to show: all, or only the links (a failure's thread reply). */
export type ButtonSelection = 'all' | 'links';

/**
 * The alert's buttons in the core's order, then "View logs" for the
 * provider's page. Labels are pipewatch's own words, so no event content
 * ends up in a button's text; event content is only in values and URLs.
 */
export function alertButtons(message: AlertMessage, selection: ButtonSelection = 'all'): (Button | StaticSelect)[] {
  const elements: (Button | StaticSelect | undefined)[] = [];
  for (const action of message.actions) {
    if (action.kind === 'snooze') {
      if (selection === 'all') elements.push(snoozeSelect(action.pipeline));
      continue;
    }
    const spec = specOf(action);
    if (selection === 'all' || spec.url !== undefined) elements.push(button(spec));
  }
  const external = message.links.find((link) => link.kind === 'external');
  if (external !== undefined) {
    elements.push(button({ actionId: ACTION_IDS.viewLogs, text: 'View logs', url: external.url }));
  }
  return elements.filter((made) => made !== undefined);
}

/**
 * "Snooze…": a static_select of durations; choosing one sends block_actions with the option's
 * value, a snooze button value (pipeline and duration; the channel is where it is chosen).
 */
function snoozeSelect(pipeline: string): StaticSelect | undefined {
  return staticSelect({
    actionId: ACTION_IDS.snooze,
    placeholder: 'Snooze…',
    options: snoozeValues(pipeline).map(({ choice, value }) => ({
      text: `Snooze ${SNOOZE_CHOICE_LABELS[choice]}`,
      value: encodeButtonValue(value),
    })),
  });
}

function specOf(action: Exclude<AlertAction, { kind: 'snooze' }>): ButtonSpec {
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
