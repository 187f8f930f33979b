/** Every string of a Slack payload with the kind of place it sits in, for escaping assertions. */
export interface PayloadText {
  readonly kind: 'text' | 'mrkdwn' | 'plain_text' | 'value' | 'url' | 'action_id';
  readonly path: string;
  readonly text: string;
}

export function payloadTexts(payload: { readonly text: string; readonly blocks: readonly unknown[] }): PayloadText[] {
  const found: PayloadText[] = [{ kind: 'text', path: 'text', text: payload.text }];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') {
      found.push({ kind: object.type, path: `${path}.text`, text: object.text });
      return;
    }
    for (const key of ['value', 'url', 'action_id'] as const) {
      const text = object[key];
      if (typeof text === 'string') found.push({ kind: key, path: `${path}.${key}`, text });
    }
    for (const [key, child] of Object.entries(object)) walk(child, `${path}.${key}`);
  };
  walk(payload.blocks, 'blocks');
  return found;
}

/** Slack's own tokens pipewatch writes on purpose: a date, a mention of a validated user id. */
const OWN_TOKEN = /<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]*>|<@[UW][A-Z0-9]+>/g;

/**
 * Problems that would let content act in mrkdwn: a `<` or `>` outside
 * pipewatch's own tokens, or an `&` that is not one of the three entities.
 */
export function unescapedIn(mrkdwnText: string): string[] {
  const rest = mrkdwnText.replace(OWN_TOKEN, '');
  const problems: string[] = [];
  if (/[<>]/.test(rest)) problems.push(`raw < or > in ${JSON.stringify(rest.slice(0, 200))}`);
  if (/&(?!amp;|lt;|gt;)/.test(rest)) problems.push(`raw & in ${JSON.stringify(rest.slice(0, 200))}`);
  return problems;
}
