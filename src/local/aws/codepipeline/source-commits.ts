// (local AWS) the simulator's source repositories: a head commit per source action, pushes, and the revision CodePipeline reports for it (id, summary, URL)
import { randomBytes } from 'node:crypto';
import type { ActionDefinition } from './model';

/** A commit in a simulated source repository. */
export interface LocalCommit {
  id: string;
  message: string;
  author: string;
  authorId: string;
  /** Epoch milliseconds. */
  time: number;
}

/** What GetPipelineExecution (artifactRevisions) and ListPipelineExecutions (sourceRevisions) report of a source's revision. */
export interface LocalRevision {
  revisionId: string;
  revisionSummary: string;
  revisionUrl: string;
}

const SAMPLE_COMMITS: readonly { message: string; author: string; authorId: string }[] = [
  { message: 'Fix rounding of discounts at checkout', author: 'Mary Major', authorId: 'mmajor' },
  {
    message: 'Add a retry to the payment client\n\nThe provider times out under load.',
    author: 'John Doe',
    authorId: 'jdoe',
  },
  { message: 'Update buildspec.yml to Node 22', author: 'Saanvi Sarkar', authorId: 'ssarkar' },
  { message: 'Cache the catalogue for a minute', author: 'Carlos Salazar', authorId: 'csalazar' },
  { message: 'Bump the AWS SDK', author: 'Martha Rivera', authorId: 'mrivera' },
];

let sampleIndex = 0;

/** A new commit: `message` and `author` when given, else the next sample. */
export function newCommit(time: number, commit: { message?: string; author?: string } = {}): LocalCommit {
  const sample = SAMPLE_COMMITS[sampleIndex++ % SAMPLE_COMMITS.length] ?? {
    message: 'Change',
    author: 'Developer',
    authorId: 'dev',
  };
  const author = commit.author ?? sample.author;
  return {
    id: randomBytes(20).toString('hex'),
    message: commit.message ?? sample.message,
    author,
    authorId: commit.author === undefined ? sample.authorId : author.toLowerCase().replace(/[^a-z0-9]+/g, ''),
    time,
  };
}

/** Whether an action is a source whose revisions are git commits the simulator models. */
export function isGitSource(action: ActionDefinition): boolean {
  return (
    action.actionTypeId.category === 'Source' &&
    ['CodeCommit', 'CodeStarSourceConnection', 'GitHub'].includes(action.actionTypeId.provider)
  );
}

/** The repository a source action reads, as its configuration names it. */
export function repositoryOf(action: ActionDefinition, pipeline: string): string {
  const config = action.configuration;
  if (action.actionTypeId.provider === 'GitHub') return `${config.Owner ?? 'example'}/${config.Repo ?? pipeline}`;
  return config.FullRepositoryId ?? config.RepositoryName ?? pipeline;
}

/**
 * The revision as CodePipeline reports it: CodeCommit's summary is the commit message and its URL
 * the console's commit page; a CodeStar connection's summary is JSON
 * (`{"ProviderType":"GitHub","CommitMessage":"…"}`) and its URL the console's connection redirect
 * with `FullRepositoryId`; GitHub (version 1) links github.com.
 */
export function revisionOf(
  action: ActionDefinition,
  pipeline: string,
  region: string,
  commit: LocalCommit,
): LocalRevision {
  const repository = repositoryOf(action, pipeline);
  switch (action.actionTypeId.provider) {
    case 'CodeStarSourceConnection': {
      const connection =
        action.configuration.ConnectionArn ?? `arn:aws:codeconnections:${region}:000000000000:connection/local`;
      const query = new URLSearchParams({
        connectionArn: connection,
        referenceType: 'COMMIT',
        FullRepositoryId: repository,
        Commit: commit.id,
      });
      return {
        revisionId: commit.id,
        revisionSummary: JSON.stringify({ ProviderType: 'GitHub', CommitMessage: commit.message }),
        revisionUrl: `https://${region}.console.aws.amazon.com/codesuite/settings/connections/redirect?${query}`,
      };
    }
    case 'GitHub':
      return {
        revisionId: commit.id,
        revisionSummary: commit.message,
        revisionUrl: `https://github.com/${repository}/commit/${commit.id}`,
      };
    default:
      return {
        revisionId: commit.id,
        revisionSummary: commit.message,
        revisionUrl: `https://${region}.console.aws.amazon.com/codesuite/codecommit/repositories/${encodeURIComponent(repository)}/commit/${commit.id}?region=${region}`,
      };
  }
}

/** `execution-trigger`'s git fields for an execution a push started (V2 pipelines' events carry them). */
export function gitTriggerFields(
  action: ActionDefinition,
  pipeline: string,
  commit: LocalCommit,
): Record<string, string> {
  const provider = action.actionTypeId.provider;
  return {
    'author-display-name': commit.author,
    'author-id': commit.authorId,
    'commit-id': commit.id,
    'commit-message': commit.message,
    'branch-name': action.configuration.BranchName ?? 'main',
    'provider-type': provider === 'CodeStarSourceConnection' ? 'GitHub' : provider,
    'full-repository-name': repositoryOf(action, pipeline),
  };
}
