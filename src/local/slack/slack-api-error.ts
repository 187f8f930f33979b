// (local Slack) SlackApiError: a Web API error answered as {ok: false, error}, with invalid_arguments / missing_argument details
/**
 * A Web API error. Slack answers errors with HTTP 200 and `{ok: false, error}` (plus details such as
 * `errors` or `response_metadata.messages`), so `@slack/web-api` raises a `WebAPIPlatformError`.
 */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly details: Record<string, unknown> = {},
    readonly status = 200,
  ) {
    super(code);
    this.name = 'SlackApiError';
  }
}

/** `[ERROR] ...` lines are how Slack explains `invalid_arguments`; the SDK logs them. */
export function invalidArguments(messages: readonly string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', {
    response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) },
  });
}

export function missingArgument(name: string): SlackApiError {
  return new SlackApiError('missing_argument', {
    response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
  });
}
