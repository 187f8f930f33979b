// (local AWS) what a simulated action's provider reports (CodeCommit, CodeBuild, CodeDeploy ids, links, summaries), and durations
import { randomBytes, randomUUID } from 'node:crypto';
import type { ActionDefinition } from './model';
import { isGitSource, type LocalCommit, revisionOf } from './source-commits';

/**
 * What an action's provider reports (external id, console link, summary), shaped like the real
 * providers' results in captured events, so that links and summaries in alerts look real.
 */

/** Simulated run time per category when a definition gives none, in seconds. */
export const DEFAULT_DURATION_SECONDS: Readonly<Record<string, number>> = {
  Source: 5,
  Build: 60,
  Test: 45,
  Deploy: 90,
  Invoke: 10,
  Compute: 30,
};

export function durationMs(action: ActionDefinition): number {
  return 1000 * (action.durationSeconds ?? DEFAULT_DURATION_SECONDS[action.actionTypeId.category] ?? 30);
}

export interface ProviderResult {
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  summary?: string;
}

export interface ResultContext {
  pipeline: string;
  region: string;
  action: ActionDefinition;
  /** A git source action's commit (the execution's revision of it). */
  commit?: LocalCommit | undefined;
}

/** The result of a run that succeeds. */
export function successResult({ pipeline, region, action, commit }: ResultContext): ProviderResult {
  const { provider } = action.actionTypeId;
  const config = action.configuration;
  if (commit !== undefined && isGitSource(action)) {
    const revision = revisionOf(action, pipeline, region, commit);
    return {
      externalExecutionId: revision.revisionId,
      externalExecutionUrl: revision.revisionUrl,
      summary: revision.revisionSummary,
    };
  }
  switch (provider) {
    case 'CodeCommit': {
      const commit = randomBytes(20).toString('hex');
      const repository = config.RepositoryName ?? pipeline;
      return {
        externalExecutionId: commit,
        externalExecutionUrl: `https://${region}.console.aws.amazon.com/codecommit/home#/repository/${encodeURIComponent(repository)}/commit/${commit}`,
        summary: `Simulated commit ${commit.slice(0, 7)} on ${config.BranchName ?? 'main'}`,
      };
    }
    case 'CodeBuild': {
      const build = codeBuildId(config.ProjectName ?? pipeline);
      return { externalExecutionId: build, externalExecutionUrl: codeBuildUrl(region, build) };
    }
    case 'CodeDeploy': {
      const deployment = codeDeployId();
      return {
        externalExecutionId: deployment,
        externalExecutionUrl: codeDeployUrl(region, deployment),
        summary: 'Deployment Succeeded',
      };
    }
    default:
      return { externalExecutionId: randomUUID() };
  }
}

/** The result of a run that fails; `summary` overrides the provider's usual text. */
export function failureResult(context: ResultContext, summary?: string): ProviderResult {
  const { region, action, pipeline } = context;
  switch (action.actionTypeId.provider) {
    case 'CodeBuild': {
      const build = codeBuildId(action.configuration.ProjectName ?? pipeline);
      return {
        externalExecutionId: build,
        externalExecutionUrl: codeBuildUrl(region, build),
        summary: summary ?? 'Build terminated with state: FAILED',
      };
    }
    case 'CodeDeploy': {
      const deployment = codeDeployId();
      return {
        externalExecutionId: deployment,
        externalExecutionUrl: codeDeployUrl(region, deployment),
        summary: summary ?? `Deployment ${deployment} failed`,
      };
    }
    default:
      return { ...successResult(context), summary: summary ?? `${action.actionTypeId.provider} action failed` };
  }
}

/** The default failure summary of a provider, for failure injection without a summary. */
export function defaultFailureSummary(action: ActionDefinition): string | undefined {
  return action.actionTypeId.provider === 'CodeBuild' ? 'Build terminated with state: FAILED' : undefined;
}

function codeBuildId(project: string): string {
  return `${project}:${randomUUID()}`;
}

/** The console's build log page, as in captured CodeBuild events. */
function codeBuildUrl(region: string, build: string): string {
  return `https://console.aws.amazon.com/codebuild/home?region=${region}#/builds/${encodeURIComponent(build)}/view/new`;
}

function codeDeployId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `d-${[...randomBytes(9)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function codeDeployUrl(region: string, deployment: string): string {
  return `https://console.aws.amazon.com/codedeploy/home?region=${region}#/deployments/${deployment}`;
}

/** An artifact's S3 key as CodePipeline writes it: pipeline name (20 chars), artifact name (10), random. */
export function artifactKey(pipeline: string, artifact: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(7)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${pipeline.slice(0, 20)}/${artifact.slice(0, 10)}/${suffix}`;
}
