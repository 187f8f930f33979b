// (teams) the AlertMessage's actions and links --> an ActionSet: Action.Execute (retry), a ShowCard with a comment (approve/reject), a ShowCard with a reason (stop), Action.OpenUrl
import {
  ActionSet,
  AdaptiveCard,
  Choice,
  ChoiceSetInput,
  ExecuteAction,
  type IExecuteAction,
  type IOpenUrlAction,
  type IShowCardAction,
  OpenUrlAction,
  ShowCardAction,
  SubmitAction,
  TextInput,
} from '@microsoft/teams.cards';
import { buttonValueOf, encodeButtonValue, SNOOZE_CHOICE_LABELS, snoozeValues } from '../core/actions';
import { type AlertAction, type AlertMessage, isWebUrl } from '../core/messages';
import {
  APPROVAL_COMMENT_INPUT,
  CARD_VERBS,
  MAX_APPROVAL_COMMENT_LENGTH,
  MAX_STOP_REASON_LENGTH,
  SNOOZE_CHOICE_INPUT,
  SNOOZE_EXECUTION_KEY,
  STOP_REASON_INPUT,
} from './card-verbs';

/** A verb of CARD_VERBS (the contract with the invoke handler and with cards already posted). */
type CardVerb = (typeof CARD_VERBS)[keyof typeof CARD_VERBS];

/**
 * A button value longer than this is not put in a card: real values are a
 * few hundred characters (CodePipeline names are at most 100), a cut value
 * would act on the wrong execution, and each value is sent twice (the
 * Action.Execute and its Action.Submit fallback) against the size limit.
 */
export const MAX_BUTTON_VALUE_LENGTH = 1_000;

/** A link longer than this is left out rather than cut (a cut URL opens the wrong page). */
export const MAX_URL_LENGTH = 2_048;

/** What an Action.Execute sends back in `data`; the Action.Submit fallback adds the verb (a message activity has none). */
export interface TeamsButtonData {
  readonly value: string;
}

/** Which buttons of an alert to show: all, or only the links (a failure's thread reply). */
export type ButtonSelection = 'all' | 'links';

type CardAction = IExecuteAction | IOpenUrlAction | IShowCardAction;

/**
 * The alert's buttons in the core's order, then "View logs" for the
 * provider's page, as one ActionSet (Teams recommends wrapping every
 * Action.Execute in an ActionSet: older clients only honour its fallback
 * there). Approve and reject share one Action.ShowCard with the comment and
 * both decisions: two ShowCards would each need an Input.Text, and input ids
 * must be unique in a card (the renderer reports a DuplicateId), while the
 * handler reads the comment as `data.comment`. Labels are pipewatch's own
 * words; event content is only in values and URLs. Undefined when no button
 * is left.
 */
export function alertActionSet(message: AlertMessage, selection: ButtonSelection = 'all'): ActionSet | undefined {
  const actions: CardAction[] = [];
  const decisions = message.actions.filter((action) => action.kind === 'approve' || action.kind === 'reject');
  for (const action of message.actions) {
    if (action.kind === 'open-console') {
      const link = openUrl('Open in console', action.url);
      if (link !== undefined) actions.push(link);
      continue;
    }
    if (selection === 'links') continue;
    if (action.kind === 'retry') {
      const verb = action.mode === 'FAILED_ACTIONS' ? CARD_VERBS.retryFailed : CARD_VERBS.retryAll;
      const title = action.mode === 'FAILED_ACTIONS' ? 'Retry failed actions' : 'Retry all actions';
      const button = execute(title, verb, action, 'none');
      if (button !== undefined) actions.push(button);
    } else if (action.kind === 'stop') {
      const stop = stopCard(action);
      if (stop !== undefined) actions.push(stop);
    } else if (action.kind === 'snooze') {
      const snooze = snoozeCard(action);
      if (snooze !== undefined) actions.push(snooze);
    } else if (action === decisions[0]) {
      const decide = decisionCard(decisions);
      if (decide !== undefined) actions.push(decide);
    }
  }
  const external = message.links.find((link) => link.kind === 'external');
  const logs = external === undefined ? undefined : openUrl('View logs', external.url);
  if (logs !== undefined) actions.push(logs);
  return actions.length === 0 ? undefined : new ActionSet(...actions);
}

/**
 * "Approve or reject…": a ShowCard holding the optional comment and the
 * decisions, each an Action.Execute that sends the comment with it
 * (`associatedInputs: 'auto'`).
 */
function decisionCard(decisions: readonly AlertAction[]): ShowCardAction | undefined {
  const buttons = decisions
    .map((action) =>
      action.kind === 'approve'
        ? execute('Approve', CARD_VERBS.approve, action, 'auto', 'positive')
        : execute('Reject', CARD_VERBS.reject, action, 'auto', 'destructive'),
    )
    .filter((button) => button !== undefined);
  if (buttons.length === 0) return undefined;
  const kinds = new Set(decisions.map((action) => action.kind));
  const title = kinds.size > 1 ? 'Approve or reject…' : kinds.has('approve') ? 'Approve…' : 'Reject…';
  const comment = new TextInput({
    id: APPROVAL_COMMENT_INPUT,
    label: 'Comment (optional)',
    placeholder: 'Recorded in CodePipeline with your name',
    isMultiline: true,
    maxLength: MAX_APPROVAL_COMMENT_LENGTH,
  });
  return new ShowCardAction({ title, card: new AdaptiveCard(comment, new ActionSet(...buttons)) });
}

/**
 * "Stop…": a ShowCard with the optional reason and the two ways to stop, each an Action.Execute
 * that sends the reason with it: "Stop and wait" (actions in progress finish) and "Stop and abandon".
 */
function stopCard(action: AlertAction): ShowCardAction | undefined {
  const wait = execute('Stop and wait', CARD_VERBS.stopWait, action, 'auto');
  const abandon = execute('Stop and abandon', CARD_VERBS.stopAbandon, action, 'auto', 'destructive');
  if (wait === undefined || abandon === undefined) return undefined;
  const reason = new TextInput({
    id: STOP_REASON_INPUT,
    label: 'Reason (optional)',
    placeholder: 'Recorded in CodePipeline with your name',
    maxLength: MAX_STOP_REASON_LENGTH,
  });
  return new ShowCardAction({ title: 'Stop…', card: new AdaptiveCard(reason, new ActionSet(wait, abandon)) });
}

/**
 * "Snooze…": a ShowCard with the durations (an Input.ChoiceSet, the first chosen) and an
 * Action.Execute "Snooze" that sends the choice with it (`associatedInputs: 'auto'`): the choice's
 * value is the snooze button value (SNOOZE_CHOICE_INPUT), the button's data the execution.
 * Undefined for a pipeline name CodePipeline would not allow (no value to offer).
 */
function snoozeCard(action: Extract<AlertAction, { kind: 'snooze' }>): ShowCardAction | undefined {
  const choices = snoozeValues(action.pipeline).map(
    ({ choice, value }) => new Choice({ title: SNOOZE_CHOICE_LABELS[choice], value: encodeButtonValue(value) }),
  );
  if (choices.length === 0) return undefined;
  const input = new ChoiceSetInput(...choices)
    .withId(SNOOZE_CHOICE_INPUT)
    .withLabel('Mute new alerts about this pipeline in this channel for')
    .withStyle('compact')
    .withIsRequired(true)
    .withValue(choices[0]?.value ?? '');
  const data = { [SNOOZE_EXECUTION_KEY]: action.executionId };
  const fallback = new SubmitAction({
    title: 'Snooze',
    data: { verb: CARD_VERBS.snooze, ...data },
    associatedInputs: 'auto',
  });
  const snooze = new ExecuteAction({
    title: 'Snooze',
    verb: CARD_VERBS.snooze,
    data,
    associatedInputs: 'auto',
    fallback,
  });
  return new ShowCardAction({ title: 'Snooze…', card: new AdaptiveCard(input, new ActionSet(snooze)) });
}

/**
 * An Action.Execute (an `adaptiveCard/action` invoke with the verb and
 * `data`), with an Action.Submit fallback rather than `fallback: 'drop'`: a
 * client that does not know Action.Execute then still shows the button, and
 * its click reaches the bot as a message activity whose `value` is
 * `{ verb, value }` plus the inputs. Undefined for an action without a value
 * or with one too long to send.
 */
function execute(
  title: string,
  verb: CardVerb,
  action: AlertAction,
  associatedInputs: 'auto' | 'none',
  style?: 'positive' | 'destructive',
): ExecuteAction | undefined {
  const buttonValue = buttonValueOf(action);
  if (buttonValue === undefined) return undefined;
  const value = encodeButtonValue(buttonValue);
  if (value.length > MAX_BUTTON_VALUE_LENGTH) return undefined;
  const data: TeamsButtonData = { value };
  const look = style === undefined ? {} : { style };
  const fallback = new SubmitAction({ title, data: { verb, value }, associatedInputs, ...look });
  return new ExecuteAction({ title, verb, data: { ...data }, associatedInputs, ...look, fallback });
}

/** An Action.OpenUrl for a web link (http or https, not too long), else undefined. */
export function openUrl(title: string, url: string): OpenUrlAction | undefined {
  if (url.length > MAX_URL_LENGTH || !isWebUrl(url)) return undefined;
  return new OpenUrlAction(url, { title });
}
