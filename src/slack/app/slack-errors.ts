// (Slack adapter) reading Slack Web API failures without trusting their shape

/** The `error` code of a failed Web API call (`WebAPIPlatformError.data.error`), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const { data } = error;
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  return typeof data.error === 'string' ? data.error : undefined;
}

export { describeError } from '../../core/errors';
