// (core) region + pipeline + execution id --> the CodePipeline console link of the execution, never to another host
/** What identifies an execution in the CodePipeline console. */
export interface ExecutionLocation {
  readonly region: string;
  readonly pipeline: string;
  readonly executionId: string;
}

/** An AWS region code (`us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`): safe to put in a host name. */
export const REGION_CODE = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

/**
 * The console page of a pipeline execution (its timeline), e.g.
 * `https://us-west-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/myPipeline/executions/1234/timeline?region=us-west-2`.
 * Pure: no AWS call, never throws. Names are URL-encoded, and a region that is not a region
 * code never reaches the host name, since event content must not be able to
 * point a link at another site.
 */
export function executionConsoleUrl({ region, pipeline, executionId }: ExecutionLocation): string {
  // Anything but a region code falls back to the global console host.
  const host =
    typeof region === 'string' && REGION_CODE.test(region)
      ? `${region}.console.aws.amazon.com`
      : 'console.aws.amazon.com';
  const path = `/codesuite/codepipeline/pipelines/${encodeUriPart(pipeline)}/executions/${encodeUriPart(executionId)}/timeline`;
  const url = `https://${host}${path}?region=${encodeUriPart(region)}`;
  // As the URL parser writes it (a quote in the query becomes %27), so that what is checked is what opens.
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/**
 * encodeURIComponent that never throws: a lone surrogate (which makes encodeURIComponent throw
 * URIError) is encoded as U+FFFD, as the WHATWG URL parser does. The parser refuses such names,
 * but a link is built from whatever state was stored, and rendering must never fail.
 */
export function encodeUriPart(text: unknown): string {
  const value = typeof text === 'string' ? text : typeof text === 'number' ? String(text) : '';
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\ufffd'));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
