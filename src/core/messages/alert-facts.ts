// (core) an event --> the alert's facts in display order: where, trigger or commit, error, attempt, other region/account
import type { ActionLevelEvent, PipelineEvent, Trigger } from '../events';
import type { AlertEnrichment, AlertFact } from './alert-message';
import { arnResource, firstLine, shortExecutionId, shortRevisionId } from './text-helpers';

/** Source providers whose revision is a git commit. */
const GIT_PROVIDERS = new Set(['CodeCommit', 'CodeStarSourceConnection', 'GitHub', 'Bitbucket', 'GitLab']);

/**
 * The facts of an alert, in display order: where (pipeline, execution, stage,
 * action, provider), why (trigger or commit), what went wrong, and finally
 * region and account, only when they differ from the pipeline's own (an action
 * in another region, an event emitted from another account).
 */
export function alertFacts(event: PipelineEvent, enrichment: AlertEnrichment = {}): AlertFact[] {
  const facts: AlertFact[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') facts.push({ label, value });
  };
  const failure = enrichment.failure;

  add('Pipeline', event.pipeline);
  add('Execution', shortExecutionId(event.executionId));
  if (event.level === 'pipeline') {
    add('Failed stage', failure?.stage ?? event.additionalAttributes?.failedStage);
  } else {
    add('Stage', event.stage);
  }
  if (event.level === 'action') {
    add('Action', event.action);
    add('Provider', providerText(event));
  } else {
    add('Failed action', failure?.action);
    add('Failed actions', failedActionsText(event));
  }
  for (const fact of originFacts(event)) add(fact.label, fact.value);
  add('Error', failure?.errorCode ?? (event.level === 'action' ? event.executionResult?.errorCode : undefined));
  add('Comment', event.stopExecutionComments);
  if (event.executionAttempt !== undefined && event.executionAttempt > 1) {
    add('Attempt', String(event.executionAttempt));
  }
  if (event.level === 'action' && event.actionRegion !== event.pipelineRegion) add('Action region', event.actionRegion);
  if (event.region !== event.pipelineRegion) add('Pipeline region', event.pipelineRegion);
  if (event.account !== event.pipelineAccount) add('Pipeline account', event.pipelineAccount);
  return facts;
}

function providerText(event: ActionLevelEvent): string | undefined {
  const { provider, category } = event.actionType ?? {};
  if (provider && category) return `${provider} (${category})`;
  return provider ?? category;
}

function failedActionsText(event: PipelineEvent): string | undefined {
  const attributes = event.additionalAttributes;
  const names = (attributes?.failedActions ?? []).map((failed) => failed.action);
  // The count can exceed the list (seen in captured events): say so rather than hide actions.
  const unlisted = (attributes?.failedActionCount ?? names.length) - names.length;
  if (names.length === 0) return unlisted > 0 ? String(unlisted) : undefined;
  return unlisted > 0 ? `${names.join(', ')} (+${unlisted} more)` : names.join(', ');
}

/** What started the execution, or which revision a source action produced. */
function originFacts(event: PipelineEvent): AlertFact[] {
  if (event.trigger) return triggerFacts(event.trigger);
  if (event.level === 'action' && event.actionType?.category === 'Source') return sourceRevisionFacts(event);
  return [];
}

/** What started an execution: the commit (subject, author, branch, tag, repository) or the trigger type. */
export function triggerFacts(trigger: Trigger): AlertFact[] {
  const { commit } = trigger;
  if (commit === undefined) {
    const by = trigger.detail === undefined ? '' : ` (${arnResource(trigger.detail)})`;
    return trigger.type === undefined ? [] : [{ label: 'Trigger', value: `${trigger.type}${by}` }];
  }
  const subject = [commit.id && shortRevisionId(commit.id), commit.message && firstLine(commit.message)]
    .filter(Boolean)
    .join(' ');
  const facts: AlertFact[] = [];
  if (subject) facts.push({ label: 'Commit', value: subject });
  const author = commit.authorName ?? commit.authorId;
  if (author) facts.push({ label: 'Author', value: author });
  if (commit.branch) facts.push({ label: 'Branch', value: commit.branch });
  if (commit.tag) facts.push({ label: 'Tag', value: commit.tag });
  if (commit.repository) facts.push({ label: 'Repository', value: commit.repository });
  return facts;
}

function sourceRevisionFacts(event: ActionLevelEvent): AlertFact[] {
  const result = event.executionResult;
  if (result === undefined) return [];
  const message = result.summary?.commitMessage ?? result.summary?.text;
  const subject = [
    result.externalExecutionId && shortRevisionId(result.externalExecutionId),
    message && firstLine(message),
  ]
    .filter(Boolean)
    .join(' ');
  if (!subject) return [];
  const isGit = GIT_PROVIDERS.has(event.actionType?.provider ?? '') || result.summary?.commitMessage !== undefined;
  return [{ label: isGit ? 'Commit' : 'Revision', value: subject }];
}
