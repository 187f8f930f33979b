// (slack) untrusted text --> safe mrkdwn (& < > escaped) cut to Slack's limits without splitting graphemes or entities
import { graphemeBoundaryAtOrBefore, oneLine, wellFormed } from '../core/messages';

export { oneLine, wellFormed };

/**
 * Making untrusted text (event content, user input) safe to put in a Slack
 * message, and short enough for Slack's limits.
 *
 * Slack treats `&`, `<` and `>` as control characters in mrkdwn and in a
 * message's `text`: `<!channel>` pings everyone, `<@U123>` mentions a user,
 * `<https://evil|click>` is a link whose target is hidden. Escaping exactly
 * those three (and nothing else, since Slack decodes only these) turns such
 * sequences into literal text.
 *
 * plain_text objects (header, button text) are shown literally and never
 * parse mentions or links, so they are not escaped: Slack encodes them itself
 * (a plain_text `A & B` comes back as `A &amp; B` in interaction payloads,
 * slackapi/bolt-python#513), and escaping here would show `&amp;` to people.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ESCAPED = /&(?:amp|lt|gt);/g;
const DECODED: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
/** The longest entity escapeMrkdwn produces (`&amp;`). */
const MAX_ENTITY_LENGTH = 5;
/** Text after a cut that decides whether the cut is inside a grapheme: longer than any emoji ZWJ sequence. */

export const ELLIPSIS = '…';

/** `&`, `<`, `>` as the entities Slack decodes, for any mrkdwn text or a message's `text`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char] ?? char);
}

/** The inverse of escapeMrkdwn (only its three entities). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(ESCAPED, (entity) => DECODED[entity] ?? entity);
}

/**
 * `text` if it fits in `max` characters, else a prefix ending with '…' that
 * fits. Never cuts a surrogate pair (a lone surrogate is invalid text), a
 * grapheme (an emoji with its skin tone or ZWJ sequence), nor an entity made
 * by escapeMrkdwn (a cut `&am` would show as garbage). Never throws.
 *
 * The result is always well-formed: a lone surrogate already in the input
 * (JSON allows `"\ud800"`, and a shortened id can end in half an emoji)
 * becomes U+FFFD. Every text the renderer emits passes through here.
 */
export function truncate(input: string, max: number): string {
  const text = wellFormed(input);
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let cut = max - ELLIPSIS.length;
  cut = graphemeBoundaryAtOrBefore(text, cut);
  cut = entityBoundaryAtOrBefore(text, cut);
  return `${text.slice(0, cut)}${ELLIPSIS}`;
}

/**
 * Plain text (shown literally, not escaped) cut so that even its escaped form
 * fits in `max`: Slack stores plain_text with `&`, `<`, `>` encoded, and its
 * docs do not say which form the limit counts, so the longer one is assumed.
 */
export function truncatePlain(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  return escaped.length <= max ? text : unescapeMrkdwn(truncate(escaped, max));
}

function entityBoundaryAtOrBefore(text: string, cut: number): number {
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp < 0 || cut - amp >= MAX_ENTITY_LENGTH) return cut;
  const entity = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + MAX_ENTITY_LENGTH));
  return entity !== null && amp + entity[0].length > cut ? amp : cut;
}
