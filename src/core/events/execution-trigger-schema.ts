// (core) detail.execution-trigger, in both its forms (trigger-type/detail, git commit fields) --> Trigger
import * as z from '../zod';
import { dropUndefined, optionalString } from './schema-helpers';

/**
 * The commit that started an execution, from the git form of
 * `execution-trigger` (pipelines with git triggers, V2 pipelines).
 */
export interface TriggerCommit {
  readonly id?: string;
  readonly message?: string;
  readonly authorName?: string;
  readonly authorId?: string;
  readonly authorEmail?: string;
  readonly authorDate?: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly providerType?: string;
  readonly repository?: string;
  readonly connectionArn?: string;
}

/**
 * What started a pipeline execution, normalised from both forms CodePipeline
 * uses: `trigger-type`/`trigger-detail` (StartPipelineExecution, Webhook,
 * CloudWatchEvent, PutActionRevision, WebhookV2, ...) and the git form that has
 * no `trigger-type` but commit fields. A trigger can carry both.
 */
export interface Trigger {
  /** `trigger-type` verbatim; undefined for the git form. */
  readonly type?: string;
  /** `trigger-detail`: an IAM/STS ARN, a connection ARN, a rule ARN, ... */
  readonly detail?: string;
  /** Present when any git field is present. */
  readonly commit?: TriggerCommit;
}

/**
 * @example
 * { "trigger-type": "StartPipelineExecution", "trigger-detail": "arn:aws:sts::123456789012:assumed-role/Admin/my-user" }
 * @example
 * {
 *   "author-display-name": "Mary Major", "author-id": "mmajor", "commit-id": "7f8e2a9c...",
 *   "commit-message": "Update buildspec.yml", "branch-name": "main", "provider-type": "GitHub",
 *   "full-repository-name": "mmajor/sample-repo",
 *   "connection-arn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/aEXAMPLE"
 * }
 */
export const executionTriggerSchema = z.pipe(
  z.object({
    'trigger-type': optionalString,
    'trigger-detail': optionalString,
    'author-display-name': optionalString,
    'author-id': optionalString,
    'author-email': optionalString,
    'author-date': optionalString,
    'commit-id': optionalString,
    'commit-message': optionalString,
    'branch-name': optionalString,
    'tag-name': optionalString,
    'provider-type': optionalString,
    'full-repository-name': optionalString,
    'connection-arn': optionalString,
  }),
  z.transform((raw): Trigger => {
    const commit: TriggerCommit = dropUndefined({
      id: raw['commit-id'],
      message: raw['commit-message'],
      authorName: raw['author-display-name'],
      authorId: raw['author-id'],
      authorEmail: raw['author-email'],
      authorDate: raw['author-date'],
      branch: raw['branch-name'],
      tag: raw['tag-name'],
      providerType: raw['provider-type'],
      repository: raw['full-repository-name'],
      connectionArn: raw['connection-arn'],
    });
    return dropUndefined({
      type: raw['trigger-type'],
      detail: raw['trigger-detail'],
      commit: Object.keys(commit).length > 0 ? commit : undefined,
    });
  }),
);
