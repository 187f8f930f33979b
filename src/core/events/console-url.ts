// (core) region + pipeline + execution id --> the CodePipeline console link of the execution, never to another host; the partition's console host
/** What identifies an execution in the CodePipeline console. */
export interface ExecutionLocation {
  readonly region: string;
  readonly pipeline: string;
  readonly executionId: string;
  /** The ARN's partition (`aws`, `aws-cn`, `aws-us-gov`) when known; otherwise the region's. */
  readonly partition?: string;
}

/** The AWS partitions whose console pipewatch links to, and their console hosts. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The partition of a region code: China's regions (`cn-north-1`) are `aws-cn`, GovCloud's
 * (`us-gov-west-1`) `aws-us-gov`, every other `aws`.
 */
export function partitionOfRegion(region: unknown): Partition {
  if (typeof region !== 'string') return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** A partition named by an ARN (`arn:aws-cn:…`), or undefined for one pipewatch does not know. */
export function knownPartition(partition: unknown): Partition | undefined {
  return partition === 'aws' || partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : undefined;
}

/**
 * The AWS console's host for a region (and the ARN's partition, which wins when known):
 * `<region>.console.aws.amazon.com` in the commercial partition, `console.amazonaws.cn` in China,
 * `console.amazonaws-us-gov.com` in GovCloud (both take the region from the `region` query), and
 * `console.aws.amazon.com` when the region is not a region code. Never a host built from
 * anything but a region code.
 */
export function consoleHost(region: unknown, partition?: unknown): string {
  const regionCode = typeof region === 'string' && REGION_CODE.test(region) ? region : undefined;
  switch (knownPartition(partition) ?? partitionOfRegion(regionCode)) {
    case 'aws-cn':
      return 'console.amazonaws.cn';
    case 'aws-us-gov':
      return 'console.amazonaws-us-gov.com';
    default:
      return regionCode === undefined ? 'console.aws.amazon.com' : `${regionCode}.console.aws.amazon.com`;
  }
}

/** Whether a host name is one of the AWS console's (any partition), e.g. for links found in events. */
export function isConsoleHost(hostname: string): boolean {
  return (
    hostname.endsWith('console.aws.amazon.com') ||
    hostname === 'console.amazonaws.cn' ||
    hostname.endsWith('.console.amazonaws.cn') ||
    hostname === 'console.amazonaws-us-gov.com' ||
    hostname.endsWith('.console.amazonaws-us-gov.com')
  );
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
export function executionConsoleUrl({ region, pipeline, executionId, partition }: ExecutionLocation): string {
  // Anything but a region code falls back to the partition's global console host.
  const host = consoleHost(region, partition);
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
