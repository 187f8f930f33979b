// (teams) AlertMessage --> renderAdaptiveCard / activityOf --> Adaptive Card 1.5 JSON in a Bot Connector activity; escaped, under the size limit
import { AdaptiveCard, type CardElementArray, Fact, FactSet, TextBlock } from '@microsoft/teams.cards';
import type { AlertApproval, AlertFact, AlertMessage } from '../core/messages';
import { utcMinute } from '../core/messages';
import { alertActionSet } from './card-actions';
import { ADAPTIVE_CARD_SCHEMA, ADAPTIVE_CARD_VERSION, type AdaptiveCardJson, toCardJson } from './card-json';
import { activityBytes, MAX_ACTIVITY_BYTES } from './card-size';
import { statusColor, statusEmoji } from './card-status';
import { cutText, ELLIPSIS, escapeTeamsMarkdownWithin, oneLine } from './escape';
import { triageElements } from './render-triage';

export { type AdaptiveCardJson, activityBytes, MAX_ACTIVITY_BYTES };

export interface RenderAdaptiveCardOptions {
  /**
   * `message` (default): the alert, updated in place as the execution goes on.
   * `reply`: the compact thread reply that notifies people (a failure with its
   * links, a waiting approval with its buttons), like Slack's renderThreadReply.
   */
  readonly as?: 'message' | 'reply';
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface AdaptiveCardAttachment {
  readonly contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  readonly content: AdaptiveCardJson;
}

/** The body of a Bot Connector POST …/activities (or PUT …/activities/{id}) carrying one card. */
export interface AdaptiveCardActivity {
  readonly type: 'message';
  /** The notification preview, escaped: the title and the first line of the summary. */
  readonly summary?: string;
  readonly attachments: readonly [AdaptiveCardAttachment];
}

/**
 * The notification preview (the activity's `summary`, the card's
 * `fallbackText`) is a preview, not the message: a title and the first line
 * of the summary.
 */
export const PREVIEW_TEXT_MAX = 300;

/** Per-text caps in characters of escaped text; the size limit may cut lower (see renderActivity). */
const TITLE_MAX = 300;
const STATUS_MAX = 200;
const SUMMARY_MAX = 10_000;
const FACT_LABEL_MAX = 100;
const FACT_VALUE_MAX = 2_000;
const CONTEXT_PART_MAX = 1_000;
const TIME_TEXT_MAX = 100;
/** Facts shown at most; the rest are counted in a last fact. Real alerts have about ten. */
const MAX_FACTS = 40;
/** The lowest cap the size limit may impose on a summary, fact value or context part. */
const MIN_TEXT = 40;
/** A text that would be empty (Adaptive Cards wants one) shows this. */
const PLACEHOLDER = '-';

/** Facts whose value tells what started the execution, shown once, in the context line (as Slack does). */
const ORIGIN_FACT_LABELS = ['Commit', 'Trigger', 'Revision'];

/** What the size limit leaves: a cap for the longest texts, how many facts, whether summary and buttons stay. */
interface Room {
  readonly text: number;
  readonly facts: number;
  readonly summary: boolean;
  readonly actions: boolean;
}

/**
 * Ways to give up room, in order, once cutting the longest texts down to
 * MIN_TEXT is not enough: fewer facts, no summary, no facts, no buttons. The
 * last always fits: what is left (title, status, context) is capped far
 * below the limit.
 */
const FULL_ROOM: Omit<Room, 'text'> = { facts: MAX_FACTS, summary: true, actions: true };
const LEAST_ROOM: Omit<Room, 'text'> = { facts: 0, summary: false, actions: false };
const ROOMS: readonly Omit<Room, 'text'>[] = [
  FULL_ROOM,
  { facts: 10, summary: true, actions: true },
  { facts: 10, summary: false, actions: true },
  { facts: 0, summary: false, actions: true },
  LEAST_ROOM,
];

/**
 * AlertMessage --> renderAdaptiveCard --> the card of a Bot Connector activity
 *
 * The alert as an Adaptive Card 1.5 (Teams' highest, and what Action.Execute
 * needs): title, status with its emoji and colour, summary, facts (progress
 * in stage order among them), a context line (execution, origin, time), and
 * an ActionSet of buttons (retry, approve/reject with a comment, console,
 * logs). Every text from the event is escaped (escapeTeamsMarkdown), and the
 * whole activity stays under MAX_ACTIVITY_BYTES by cutting the longest texts
 * with '…'; it never throws, whatever the event said. Built with the typed
 * builders of @microsoft/teams.cards, returned as plain JSON.
 *
 * @example
 * const card = renderAdaptiveCard(executionToAlertMessage(state, { stageOrder }));
 * // { type: 'AdaptiveCard', version: '1.5', $schema: '…', body: [ … ], … }
 */
export function renderAdaptiveCard(message: AlertMessage, options: RenderAdaptiveCardOptions = {}): AdaptiveCardJson {
  return renderActivity(message, options).attachments[0].content;
}

/**
 * The activity to post or put: the rendered card as its only attachment and
 * the escaped preview as `summary` (what a notification shows for a card).
 * No `text`: Teams would show it above the card, saying the same twice.
 */
export function activityOf(message: AlertMessage, options: RenderAdaptiveCardOptions = {}): AdaptiveCardActivity {
  return renderActivity(message, options);
}

/** `{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }`. */
export function adaptiveCardAttachment(card: AdaptiveCardJson): AdaptiveCardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/**
 * The card at full size if the activity fits; else the longest texts
 * (summary, fact values, context parts) are all cut to the highest common cap
 * at which it fits (a binary search: the size only grows with the cap), so
 * short texts are left whole and the room is used. If even the lowest cap
 * does not fit, room is given up in the order of ROOMS.
 */
function renderActivity(message: AlertMessage, options: RenderAdaptiveCardOptions): AdaptiveCardActivity {
  const as = options.as ?? 'message';
  const preview = previewText(message);
  const make = (room: Room) => activityBody(toCardJson(cardOf(message, as, room, preview)), preview);
  const fits = (activity: AdaptiveCardActivity) => activityBytes(activity) <= MAX_ACTIVITY_BYTES;

  const full = make({ ...FULL_ROOM, text: Number.POSITIVE_INFINITY });
  if (fits(full)) return full;
  for (const room of ROOMS) {
    let best = make({ ...room, text: MIN_TEXT });
    if (!fits(best)) continue;
    let low = MIN_TEXT;
    let high = SUMMARY_MAX;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const attempt = make({ ...room, text: middle });
      if (fits(attempt)) {
        low = middle;
        best = attempt;
      } else {
        high = middle - 1;
      }
    }
    return best;
  }
  // Unreachable by the caps above; returned rather than thrown, whatever happens.
  return make({ ...LEAST_ROOM, text: MIN_TEXT });
}

function activityBody(card: AdaptiveCardJson, preview: string): AdaptiveCardActivity {
  return {
    type: 'message',
    ...(preview === '' ? {} : { summary: preview }),
    attachments: [adaptiveCardAttachment(card)],
  };
}

function cardOf(message: AlertMessage, as: 'message' | 'reply', room: Room, preview: string): AdaptiveCard {
  const body = as === 'reply' ? replyBody(message, room) : messageBody(message, room);
  return new AdaptiveCard(...body).withOptions({
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: ADAPTIVE_CARD_VERSION,
    ...(preview === '' ? {} : { fallbackText: preview }),
    // Wider than the default chat bubble: facts and buttons need it.
    msteams: { width: 'full' },
  });
}

/** Title, status, summary, facts, context (execution, origin, time), buttons. */
function messageBody(message: AlertMessage, room: Room): CardElementArray {
  const body: CardElementArray = [
    new TextBlock(inline(message.title, TITLE_MAX), { size: 'Medium', weight: 'Bolder', style: 'heading', wrap: true }),
    new TextBlock(`${statusEmoji(message)} ${inline(message.status.label, STATUS_MAX)}`, {
      weight: 'Bolder',
      color: statusColor(message),
      spacing: 'Small',
      wrap: true,
    }),
  ];
  const summary = room.summary ? summaryBlock(message, room) : undefined;
  if (summary !== undefined) body.push(summary);
  // The origin (commit, trigger) is shown once: in the context line, not again as a fact.
  const origin = originFact(message);
  const facts = factSet(
    message.facts.filter((fact) => fact !== origin),
    room,
  );
  if (facts !== undefined) body.push(facts);
  body.push(
    new TextBlock(contextLine(message, origin, room), { isSubtle: true, size: 'Small', spacing: 'Small', wrap: true }),
  );
  const actions = room.actions ? alertActionSet(message, 'all') : undefined;
  if (actions !== undefined) body.push(actions);
  return body;
}

/**
 * The thread reply: one bold line (emoji and title), the error code of a
 * failure, the summary, and the buttons that fit the moment: all of them for
 * a waiting approval, only the links for anything else (a failure is retried
 * from the alert itself, as in Slack).
 */
function replyBody(message: AlertMessage, room: Room): CardElementArray {
  const waiting = message.actions.some((action) => action.kind === 'approve');
  const failed = !waiting && message.status.known && message.status.severity === 'error';
  const body: CardElementArray = [
    new TextBlock(`${statusEmoji(message)} ${inline(message.title, TITLE_MAX)}`, {
      weight: 'Bolder',
      color: statusColor(message),
      wrap: true,
    }),
  ];
  const error = failed ? message.facts.find((fact) => fact.label === 'Error') : undefined;
  if (error !== undefined && room.facts > 0) {
    body.push(new FactSet(new Fact('Error', inline(error.value, Math.min(FACT_VALUE_MAX, room.text)))));
  }
  const summary = room.summary ? summaryBlock(message, room) : undefined;
  if (summary !== undefined) body.push(summary);
  // A failure's triage pack; its log lines go with the summary when the size limit needs room.
  if (failed && room.facts > 0) body.push(...triageElements(message.triage, { text: room.text, log: room.summary }));
  if (message.approval !== undefined && room.facts > 0) body.push(approvalFacts(message.approval, room));
  const actions = room.actions ? alertActionSet(message, waiting ? 'all' : 'links') : undefined;
  if (actions !== undefined) body.push(actions);
  return body;
}

/** Slack's user, user group and bot ids: another platform's people, not listed on Teams. */
const SLACK_ID = /^[UWSB][A-Z0-9]{2,}$/;

/**
 * A waiting approval's "Expires" (UTC, as the card's other times) and "Who may approve": the
 * policy's names for its ids (`people`), else the ids themselves (Entra object ids); Slack's ids
 * are left out. No approvers at all says so: the policy lists nobody.
 */
function approvalFacts(approval: AlertApproval, room: Room): FactSet {
  const max = Math.min(FACT_VALUE_MAX, room.text);
  const names = approval.approvers.flatMap((approver) =>
    SLACK_ID.test(approver.id) && approver.name === undefined ? [] : [approver.name ?? approver.id],
  );
  const who = approval.approvers.length === 0 ? 'nobody: the policy lists no approvers' : names.join(', ');
  const facts = [new Fact('Expires', timeText(approval.expiresAt) ?? PLACEHOLDER)];
  if (who !== '') facts.push(new Fact('Who may approve', inline(who, max)));
  // `"selfApproval": false` for the pipeline.
  if (approval.notByRequester === true) facts.push(new Fact('Not', 'whoever started this change'));
  return new FactSet(...facts);
}

/** The summary's lines as paragraphs (a TextBlock joins lines separated by a single line break). */
function summaryBlock(message: AlertMessage, room: Room): TextBlock | undefined {
  if (message.summary === undefined || message.summary.trim() === '') return undefined;
  const max = Math.min(SUMMARY_MAX, room.text);
  const lines = cutText(message.summary, max)
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  return new TextBlock(nonEmpty(escapeTeamsMarkdownWithin(lines.join('\n\n'), max)), { wrap: true });
}

/**
 * The facts, at most `room.facts` of them: past that, the last one counts
 * the rest. Only the facts shown are escaped, so 10,000 facts cost no more
 * than forty. Labels are pipewatch's own words but Teams parses markdown in
 * a fact's title too, so they pass through the same escaping (a no-op on them).
 */
function factSet(facts: readonly AlertFact[], room: Room): FactSet | undefined {
  if (facts.length === 0 || room.facts <= 0) return undefined;
  const fits = facts.length <= room.facts;
  const shown = fits ? facts : facts.slice(0, room.facts - 1);
  const max = Math.min(FACT_VALUE_MAX, room.text);
  const items = shown.map((fact) => new Fact(inline(fact.label, FACT_LABEL_MAX), inline(fact.value, max)));
  if (!fits) items.push(new Fact(ELLIPSIS, `${facts.length - shown.length} more not shown`));
  return new FactSet(...items);
}

/** "Execution 1a2b… · Commit aaaaaaa Fix the build · 2024-05-01 10:00 UTC"; each part cut on its own. */
function contextLine(message: AlertMessage, origin: AlertFact | undefined, room: Room): string {
  const max = Math.min(CONTEXT_PART_MAX, room.text);
  const parts = [`Execution ${inline(message.executionId, max)}`];
  if (origin !== undefined) parts.push(`${inline(origin.label, FACT_LABEL_MAX)} ${inline(origin.value, max)}`);
  const time = timeText(message.time);
  if (time !== undefined) parts.push(time);
  return parts.join(' · ');
}

/**
 * The time in UTC, to the minute. Adaptive Cards' `{{DATE()}}`/`{{TIME()}}`
 * would show each reader's time zone (as Slack's date token does), but a
 * client that does not expand them shows the raw token, and Teams documents
 * no support for them: plain UTC is readable everywhere.
 */
function timeText(time: string): string | undefined {
  if (time.trim() === '') return undefined;
  const millis = Date.parse(time);
  if (!Number.isFinite(millis)) return inline(time, TIME_TEXT_MAX);
  return utcMinute(millis);
}

function originFact(message: AlertMessage): AlertFact | undefined {
  return message.facts.find((fact) => ORIGIN_FACT_LABELS.includes(fact.label));
}

/** The title and the summary's first line, on one line, escaped, at most PREVIEW_TEXT_MAX characters. */
function previewText(message: AlertMessage): string {
  const title = oneLine(cutText(message.title, PREVIEW_TEXT_MAX));
  const first = oneLine(cutText(message.summary ?? '', PREVIEW_TEXT_MAX).split(/\r\n|\r|\n/, 1)[0] ?? '');
  const text = first === '' ? title : `${title}: ${first}`;
  return escapeTeamsMarkdownWithin(text, PREVIEW_TEXT_MAX);
}

/** Raw text on one line, escaped, at most `max` characters (cut before escaping, so a 1 MB text costs no more than `max`). */
function inline(text: string, max: number): string {
  return nonEmpty(escapeTeamsMarkdownWithin(oneLine(cutText(text, max)), max));
}

function nonEmpty(text: string): string {
  return text.trim() === '' ? PLACEHOLDER : text;
}
