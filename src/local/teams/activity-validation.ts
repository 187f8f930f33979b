// (local Teams) an activity sent to the Bot Connector --> its shape, its Adaptive Cards (≤ 1.5, Action.Execute in ActionSets) --> problems with a JSON pointer
/**
 * What the local Bot Connector checks of an activity before it keeps it, stricter than Teams where
 * Teams would accept a message that renders wrong: an Adaptive Card above the version Teams renders
 * (1.5) shows "this card cannot be displayed", an `Action.Execute` below 1.4 or outside an
 * `ActionSet` does nothing in older clients (teams-notes.md, "Adaptive Card schema version"), an
 * element type Teams does not know is dropped. Each problem names the offending value with a JSON
 * pointer (`[json-pointer:/attachments/0/content/body/2/type]`), as the local Slack's errors do.
 */

type Json = Record<string, unknown>;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** The newest Adaptive Card schema Teams renders in bot messages (cards-reference.md). */
export const MAX_CARD_VERSION = { major: 1, minor: 5 };
/** Action.Execute, Universal Actions, came with 1.4 (see teams-notes.md on the 1.4/1.5 conflict). */
const MIN_EXECUTE_MINOR = 4;
const MAX_DEPTH = 32;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Adaptive Cards 1.5 elements Teams renders (`Media` is not supported in Teams). */
const ELEMENTS = new Set([
  'TextBlock',
  'Image',
  'RichTextBlock',
  'Container',
  'ColumnSet',
  'FactSet',
  'ImageSet',
  'ActionSet',
  'Table',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
]);

const ACTIONS = new Set([
  'Action.Execute',
  'Action.Submit',
  'Action.OpenUrl',
  'Action.ShowCard',
  'Action.ToggleVisibility',
]);

const TEXT_FORMATS = new Set(['markdown', 'plain', 'xml']);

/** The problems of a message activity (POST or PUT); empty when it is fine. */
export function activityProblems(activity: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(activity)) return ['the activity must be a JSON object'];
  if (activity.type !== 'message') {
    problems.push(
      `unsupported activity type ${JSON.stringify(activity.type)}: expected "message" [json-pointer:/type]`,
    );
  }
  for (const key of ['text', 'summary'] as const) {
    if (activity[key] !== undefined && typeof activity[key] !== 'string') {
      problems.push(`${key} must be a string [json-pointer:/${key}]`);
    }
  }
  if (activity.textFormat !== undefined && !TEXT_FORMATS.has(String(activity.textFormat))) {
    problems.push('textFormat must be markdown, plain or xml [json-pointer:/textFormat]');
  }
  const attachments = activity.attachments;
  if (attachments !== undefined && !Array.isArray(attachments)) {
    problems.push('attachments must be an array [json-pointer:/attachments]');
  }
  const list: unknown[] = Array.isArray(attachments) ? attachments : [];
  const hasText = typeof activity.text === 'string' && activity.text.trim() !== '';
  if (!hasText && list.length === 0) problems.push('a message needs text or at least one attachment');
  list.forEach((attachment, index) => {
    attachmentProblems(attachment, `/attachments/${index}`, problems);
  });
  return problems;
}

function attachmentProblems(attachment: unknown, pointer: string, problems: string[]): void {
  if (!isObject(attachment)) {
    problems.push(`an attachment must be an object [json-pointer:${pointer}]`);
    return;
  }
  if (typeof attachment.contentType !== 'string' || attachment.contentType === '') {
    problems.push(`an attachment needs a contentType [json-pointer:${pointer}/contentType]`);
    return;
  }
  if (attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE) {
    // Other cards (hero, thumbnail, files) are Teams' business; pipewatch sends Adaptive Cards only.
    if (attachment.content === undefined && attachment.contentUrl === undefined) {
      problems.push(`an attachment needs content or a contentUrl [json-pointer:${pointer}]`);
    }
    return;
  }
  new CardCheck(problems).card(attachment.content, `${pointer}/content`, true);
}

/** One card's walk: the version read at the top applies to the cards nested in Action.ShowCard. */
class CardCheck {
  private minor = 0;
  private readonly inputIds = new Set<string>();

  constructor(private readonly problems: string[]) {}

  card(card: unknown, pointer: string, topLevel: boolean, depth = 0): void {
    if (!isObject(card)) {
      this.problems.push(`an Adaptive Card must be an object [json-pointer:${pointer}]`);
      return;
    }
    if (card.type !== 'AdaptiveCard') {
      this.problems.push(`the card's type must be "AdaptiveCard" [json-pointer:${pointer}/type]`);
    }
    if (topLevel) this.version(card.version, `${pointer}/version`);
    this.elements(card.body, `${pointer}/body`, depth);
    if (card.actions !== undefined) {
      this.actions(card.actions, `${pointer}/actions`, false, depth);
    }
  }

  private version(version: unknown, pointer: string): void {
    const match = typeof version === 'string' ? /^(\d+)\.(\d+)$/.exec(version) : null;
    if (match === null) {
      this.problems.push(`the card needs a version such as "1.5" [json-pointer:${pointer}]`);
      return;
    }
    const major = Number(match[1]);
    this.minor = Number(match[2]);
    if (major !== MAX_CARD_VERSION.major || this.minor > MAX_CARD_VERSION.minor) {
      this.problems.push(
        `version ${String(version)} is not one Teams renders (1.0 to ${MAX_CARD_VERSION.major}.${MAX_CARD_VERSION.minor}) [json-pointer:${pointer}]`,
      );
    }
  }

  private elements(elements: unknown, pointer: string, depth: number): void {
    if (elements === undefined) return;
    if (!Array.isArray(elements)) {
      this.problems.push(`must be an array of elements [json-pointer:${pointer}]`);
      return;
    }
    elements.forEach((element, index) => {
      this.element(element, `${pointer}/${index}`, depth + 1);
    });
  }

  private element(element: unknown, pointer: string, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.problems.push(`the card nests deeper than ${MAX_DEPTH} levels [json-pointer:${pointer}]`);
      return;
    }
    if (!isObject(element) || typeof element.type !== 'string') {
      this.problems.push(`an element must be an object with a type [json-pointer:${pointer}]`);
      return;
    }
    const type = element.type;
    if (!ELEMENTS.has(type)) {
      this.problems.push(
        `element type ${JSON.stringify(type)} is not rendered by Teams [json-pointer:${pointer}/type]`,
      );
      return;
    }
    if (type.startsWith('Input.')) this.input(element, pointer);
    switch (type) {
      case 'TextBlock':
        if (typeof element.text !== 'string')
          this.problems.push(`a TextBlock needs text [json-pointer:${pointer}/text]`);
        break;
      case 'Image':
        if (typeof element.url !== 'string') this.problems.push(`an Image needs a url [json-pointer:${pointer}/url]`);
        break;
      case 'Container':
        this.elements(element.items, `${pointer}/items`, depth);
        break;
      case 'ColumnSet':
        this.columns(element.columns, `${pointer}/columns`, depth);
        break;
      case 'FactSet':
        this.facts(element.facts, `${pointer}/facts`);
        break;
      case 'ImageSet':
        this.elements(element.images, `${pointer}/images`, depth);
        break;
      case 'ActionSet':
        this.actions(element.actions, `${pointer}/actions`, true, depth);
        break;
      case 'Table':
        this.table(element.rows, `${pointer}/rows`, depth);
        break;
    }
  }

  private input(element: Json, pointer: string): void {
    if (typeof element.id !== 'string' || element.id === '') {
      this.problems.push(`an input needs an id [json-pointer:${pointer}/id]`);
    } else if (this.inputIds.has(element.id)) {
      this.problems.push(`input id ${JSON.stringify(element.id)} is used twice [json-pointer:${pointer}/id]`);
    } else {
      this.inputIds.add(element.id);
    }
  }

  private columns(columns: unknown, pointer: string, depth: number): void {
    if (columns === undefined) return;
    if (!Array.isArray(columns)) {
      this.problems.push(`must be an array of columns [json-pointer:${pointer}]`);
      return;
    }
    columns.forEach((column, index) => {
      if (!isObject(column) || (column.type !== undefined && column.type !== 'Column')) {
        this.problems.push(`a column must be an object of type "Column" [json-pointer:${pointer}/${index}]`);
        return;
      }
      this.elements(column.items, `${pointer}/${index}/items`, depth + 1);
    });
  }

  private facts(facts: unknown, pointer: string): void {
    if (!Array.isArray(facts)) {
      this.problems.push(`a FactSet needs an array of facts [json-pointer:${pointer}]`);
      return;
    }
    facts.forEach((fact, index) => {
      if (!isObject(fact) || typeof fact.title !== 'string' || typeof fact.value !== 'string') {
        this.problems.push(`a fact needs a string title and value [json-pointer:${pointer}/${index}]`);
      }
    });
  }

  private table(rows: unknown, pointer: string, depth: number): void {
    if (rows === undefined) return;
    if (!Array.isArray(rows)) {
      this.problems.push(`must be an array of rows [json-pointer:${pointer}]`);
      return;
    }
    rows.forEach((row, r) => {
      const cells = isObject(row) ? row.cells : undefined;
      if (!Array.isArray(cells)) {
        this.problems.push(`a row needs an array of cells [json-pointer:${pointer}/${r}/cells]`);
        return;
      }
      cells.forEach((cell, c) => {
        if (isObject(cell)) this.elements(cell.items, `${pointer}/${r}/cells/${c}/items`, depth + 1);
      });
    });
  }

  private actions(actions: unknown, pointer: string, inActionSet: boolean, depth: number): void {
    if (!Array.isArray(actions)) {
      this.problems.push(`must be an array of actions [json-pointer:${pointer}]`);
      return;
    }
    actions.forEach((action, index) => {
      this.action(action, `${pointer}/${index}`, inActionSet, depth + 1);
    });
  }

  private action(action: unknown, pointer: string, inActionSet: boolean, depth: number): void {
    if (!isObject(action) || typeof action.type !== 'string' || !ACTIONS.has(action.type)) {
      const type = isObject(action) ? JSON.stringify(action.type) : 'none';
      this.problems.push(`unknown action type ${type} [json-pointer:${pointer}]`);
      return;
    }
    if (action.data !== undefined && !isObject(action.data) && typeof action.data !== 'string') {
      this.problems.push(`an action's data must be an object or a string [json-pointer:${pointer}/data]`);
    }
    switch (action.type) {
      case 'Action.Execute':
        if (!inActionSet) {
          this.problems.push(
            `Action.Execute must be inside an ActionSet (older Teams clients ignore its fallback elsewhere) [json-pointer:${pointer}]`,
          );
        }
        if (this.minor < MIN_EXECUTE_MINOR) {
          this.problems.push(`Action.Execute needs card version 1.4 or later [json-pointer:${pointer}]`);
        }
        if (action.verb !== undefined && typeof action.verb !== 'string') {
          this.problems.push(`verb must be a string [json-pointer:${pointer}/verb]`);
        }
        break;
      case 'Action.OpenUrl':
        if (typeof action.url !== 'string' || action.url === '') {
          this.problems.push(`Action.OpenUrl needs a url [json-pointer:${pointer}/url]`);
        }
        break;
      case 'Action.ShowCard':
        this.card(action.card, `${pointer}/card`, false, depth);
        break;
      case 'Action.ToggleVisibility':
        if (!Array.isArray(action.targetElements)) {
          this.problems.push(`Action.ToggleVisibility needs targetElements [json-pointer:${pointer}/targetElements]`);
        }
        break;
    }
  }
}
