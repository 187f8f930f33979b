// (local AWS) request shapes of the simulated CodePipeline operations --> ValidationException / SerializationException as AWS words them
import { z } from 'zod';
import { AwsServiceError } from '../aws-error';
import { awsPipelineSchema } from './definitions';

/*
 * Request shapes of the operations, from the CodePipeline service model (botocore 2015-07-09):
 * required members, lengths, patterns and enums. A request that breaks them is answered as the
 * service answers: ValidationException with the model's constraint text, or SerializationException
 * when a member has the wrong JSON type (which the SDK never sends, but raw HTTP may).
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAME_PATTERN = /^[A-Za-z0-9.@\-_]+$/;

const pipelineName = z.string().min(1).max(100).regex(NAME_PATTERN);
const executionId = z.string().regex(UUID_PATTERN);
const nextToken = z.string().min(1).max(2048).optional();

export const inputSchemas = {
  CreatePipeline: z.object({
    pipeline: awsPipelineSchema,
    tags: z.array(z.object({ key: z.string().min(1).max(128), value: z.string().min(0).max(256) })).optional(),
  }),
  GetPipeline: z.object({ name: pipelineName, version: z.number().int().min(1).optional() }),
  ListPipelines: z.object({ nextToken, maxResults: z.number().int().min(1).max(1000).optional() }),
  StartPipelineExecution: z.object({
    name: pipelineName,
    clientRequestToken: z.string().min(1).max(128).optional(),
    variables: z.array(z.object({ name: z.string().min(1).max(128), value: z.string().min(1).max(1000) })).optional(),
  }),
  StopPipelineExecution: z.object({
    pipelineName,
    pipelineExecutionId: executionId,
    abandon: z.boolean().optional(),
    reason: z.string().max(200).optional(),
  }),
  GetPipelineExecution: z.object({ pipelineName, pipelineExecutionId: executionId }),
  ListPipelineExecutions: z.object({
    pipelineName,
    maxResults: z.number().int().min(1).max(100).optional(),
    nextToken,
    filter: z.object({ succeededInStage: z.object({ stageName: pipelineName.optional() }).optional() }).optional(),
  }),
  GetPipelineState: z.object({ name: pipelineName }),
  ListActionExecutions: z.object({
    pipelineName,
    filter: z
      .object({
        pipelineExecutionId: executionId.optional(),
        latestInPipelineExecution: z
          .object({ pipelineExecutionId: executionId, startTimeFilter: z.enum(['Latest', 'All']) })
          .optional(),
      })
      .optional(),
    maxResults: z.number().int().min(1).max(100).optional(),
    nextToken,
  }),
  RetryStageExecution: z.object({
    pipelineName,
    stageName: pipelineName,
    pipelineExecutionId: executionId,
    retryMode: z.enum(['FAILED_ACTIONS', 'ALL_ACTIONS']),
  }),
  PutApprovalResult: z.object({
    pipelineName,
    stageName: pipelineName,
    actionName: pipelineName,
    result: z.object({ summary: z.string().min(0).max(512), status: z.enum(['Approved', 'Rejected']) }),
    token: z.string().regex(UUID_PATTERN),
  }),
} as const;

export type OperationName = keyof typeof inputSchemas;
export type OperationInput<O extends OperationName> = z.output<(typeof inputSchemas)[O]>;

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(inputSchemas, name);
}

/** Validates a request body, or throws the AwsServiceError the service would answer. */
export function parseInput<O extends OperationName>(operation: O, input: unknown): OperationInput<O> {
  const result = inputSchemas[operation].safeParse(input, { reportInput: true });
  if (result.success) return result.data as OperationInput<O>;
  const issues = result.error.issues;
  const wrongType = issues.find(
    (i): i is z.core.$ZodIssueInvalidType => i.code === 'invalid_type' && i.input !== undefined && i.input !== null,
  );
  if (wrongType !== undefined) {
    throw new AwsServiceError(
      'SerializationException',
      `Unexpected ${jsonType(wrongType.input)} at '${pathOf(wrongType.path)}', expected ${wrongType.expected}`,
    );
  }
  const messages = issues.map(
    (issue) =>
      `Value ${valueText(issue.input)} at '${pathOf(issue.path)}' failed to satisfy constraint: ${constraintText(issue)}`,
  );
  const count = messages.length;
  throw new AwsServiceError(
    'ValidationException',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${messages.join('; ')}`,
  );
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `${p + 1}` : String(p))).join('.');
}

function valueText(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > 100 ? `${value.slice(0, 100)}...` : value}'`;
  return `'${JSON.stringify(value)}'`;
}

function jsonType(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

function constraintText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'Member must not be null';
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `Member must satisfy regular expression pattern: ${String(issue.pattern).replace(/^\/\^?|\$?\/$/g, '')}`
        : `Member must be a valid ${issue.format}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `Member must have length less than or equal to ${issue.maximum}`
        : `Member must have value less than or equal to ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `Member must have length greater than or equal to ${issue.minimum}`
        : `Member must have value greater than or equal to ${issue.minimum}`;
    default:
      return issue.message;
  }
}
