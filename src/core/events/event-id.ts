// (core) an event without an id (CodeStar Notifications) --> SHA-256 of its canonical JSON, shaped like a UUID
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';

/**
 * A stable id for an event that has none (CodeStar Notifications events carry
 * no `id`). De-duplication needs the same id for the same event delivered
 * twice, so the id is a SHA-256 of the content in canonical form (object keys
 * sorted), shaped like a UUID (version nibble 8: "custom", RFC 9562) so that it
 * fits wherever an EventBridge id fits. `notificationRuleArn` is left out: the
 * same event delivered through two notification rules is still one event.
 */
export function synthesizeEventId(content: Readonly<Record<string, unknown>>): string {
  const { notificationRuleArn: _ignored, ...rest } = content;
  const hex = createHash('sha256').update(canonicalJson(rest)).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
