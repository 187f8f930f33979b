// (local AWS) one service of the local AWS: its JSON-protocol target prefix and signing name, and operation + request body --> response body
/**
 * One AWS service of the local AWS: the JSON-protocol target prefix it answers
 * (`AWSEvents`, `CodePipeline_20150709`), the name its requests are signed for (`events`,
 * `codepipeline`), and its operations. An operation takes the parsed request body and returns the
 * response body, or throws AwsServiceError.
 */
export interface LocalService {
  readonly targetPrefix: string;
  readonly signingName: string;
  /** `caller`: who signed the request, as AWS names a caller (an IAM user's or an assumed role's ARN). */
  handle(operation: string, input: Record<string, unknown>, caller?: Caller): Promise<unknown>;
}

/** The signer of a request. */
export interface Caller {
  readonly arn: string;
}
