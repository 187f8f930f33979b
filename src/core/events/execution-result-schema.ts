// (core) detail.execution-result of an action event --> ExecutionResult: external id, URL, summary, error code
import * as z from '../zod';
import { type ExecutionSummary, parseExecutionSummary } from './execution-summary';
import { dropUndefined, optionalString } from './schema-helpers';

/** The outcome an action's provider reported (CodeBuild build, CodeDeploy deployment, source commit, ...). */
export interface ExecutionResult {
  readonly externalExecutionId?: string;
  /** A link to the provider's page (build log, deployment), as AWS sent it. */
  readonly externalExecutionUrl?: string;
  readonly summary?: ExecutionSummary;
  /** E.g. `JobFailed`. */
  readonly errorCode?: string;
}

/**
 * `detail.execution-result` of an action event.
 * @example
 * {
 *   "external-execution-url": "https://console.aws.amazon.com/codebuild/home?region=ap-southeast-2#/builds/meerkat-testing:56be3e40/view/new",
 *   "external-execution-summary": "Build terminated with state: FAILED",
 *   "external-execution-id": "meerkat-testing:56be3e40",
 *   "error-code": "JobFailed"
 * }
 */
export const executionResultSchema = z.pipe(
  z.object({
    'external-execution-id': optionalString,
    'external-execution-url': optionalString,
    'external-execution-summary': optionalString,
    'error-code': optionalString,
  }),
  z.transform(
    (raw): ExecutionResult =>
      dropUndefined({
        externalExecutionId: raw['external-execution-id'],
        externalExecutionUrl: raw['external-execution-url'],
        summary:
          raw['external-execution-summary'] === undefined
            ? undefined
            : parseExecutionSummary(raw['external-execution-summary']),
        errorCode: raw['error-code'],
      }),
  ),
);
