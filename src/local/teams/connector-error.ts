// (local Teams) BotConnectorError: a Bot Connector refusal answered as {error: {code, message}} with its HTTP status
/**
 * A refusal of the local Bot Connector. The Bot Connector answers errors with their HTTP status and
 * `{"error": {"code": "BotNotInConversationRoster", "message": "…"}}`; a 401 is ASP.NET's
 * `{"message": "Authorization has been denied for this request."}` (see `server`).
 */
export class BotConnectorError extends Error {
  override readonly name = 'BotConnectorError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** 400 `BadArgument`, the Bot Connector's answer to an activity it cannot take. */
export function badArgument(problems: readonly string[]): BotConnectorError {
  return new BotConnectorError(400, 'BadArgument', problems.join('; '));
}
