// (core) InvalidPipelineEventError: the input is not a readable CodePipeline event; each JSON path and its problem
import { PipewatchError } from '../errors';

/** One problem found in an event: where (a JSON path such as `detail.execution-id`) and what. */
export interface PipelineEventIssue {
  readonly path: string;
  readonly message: string;
}

/** Issues named in the error message; the rest are only counted, so a log line stays readable. */
const MAX_ISSUES_IN_MESSAGE = 5;

/**
 * The input is not a CodePipeline state-change event pipewatch can read. The
 * message names each JSON path and its problem; `issues` keeps them as data and
 * `cause` keeps the original error (a zod `$ZodError` or a JSON SyntaxError).
 */
export class InvalidPipelineEventError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'InvalidPipelineEventError';

  readonly code = 'INVALID_PIPELINE_EVENT' as const;
  readonly issues: readonly PipelineEventIssue[];

  constructor(issues: readonly PipelineEventIssue[], options?: { cause?: unknown }) {
    super(describeIssues(issues), options);
    this.issues = issues;
  }
}

function describeIssues(issues: readonly PipelineEventIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const hidden = issues.length - shown.length;
  const more = hidden > 0 ? `; and ${hidden} more` : '';
  return `Invalid CodePipeline event: ${shown.join('; ') || 'unknown problem'}${more}`;
}
