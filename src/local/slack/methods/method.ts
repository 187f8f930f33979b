// (local Slack) a Web API method: arguments + workspace --> the ok body (or SlackApiError); warnings in response_metadata
import type { RawArgs } from '../request-args';
import type { LocalWorkspace } from '../workspace';

/** A Web API method: arguments in, the `ok: true` body out; failures throw `SlackApiError`. */
export type SlackMethod = (args: RawArgs, workspace: LocalWorkspace) => Record<string, unknown>;

/**
 * Warnings ride in `response_metadata.warnings`, where Slack puts its own and where WebClient logs
 * them; the server also keeps them on the call log so that a test can assert there were none.
 */
export function withWarnings(body: Record<string, unknown>, warnings: readonly string[]): Record<string, unknown> {
  return warnings.length === 0 ? body : { ...body, response_metadata: { warnings: [...warnings] } };
}
