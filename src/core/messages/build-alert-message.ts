// (core) one PipelineEvent + what was learnt later --> buildAlertMessage --> the neutral AlertMessage; pure
import type { PipelineEvent } from '../events';
import { alertActions } from './alert-actions';
import { alertFacts } from './alert-facts';
import { alertLinks, consoleUrlOf } from './alert-links';
import type { AlertEnrichment, AlertLink, AlertMessage } from './alert-message';
import { orElse } from './drop-broken-part';
import { describeState, isApprovalAction } from './state-presentation';
import { wellFormed } from './text-helpers';

/**
 * (parse) --> buildAlertMessage --> render (Block Kit, Adaptive Card, text)
 *
 * Turns one event, plus what was learnt about it later (a failure summary),
 * into the platform-neutral AlertMessage. Pure: no I/O, no clock.
 */
export function buildAlertMessage(event: PipelineEvent, enrichment: AlertEnrichment = {}): AlertMessage {
  const { verb, ...status } = describeState(event);
  const summary = orElse(() => summaryOf(event, enrichment), undefined);
  return {
    eventId: event.eventId,
    time: event.time,
    level: event.level,
    pipeline: event.pipeline,
    executionId: event.executionId,
    ...(event.level === 'pipeline' ? {} : { stage: event.stage }),
    ...(event.level === 'action' ? { action: event.action } : {}),
    // Event text reaching a header: lone surrogates replaced (the parser refuses them in names, not in states).
    title: wellFormed(titleOf(event, verb, status.known)),
    status: { ...status, label: wellFormed(status.label) },
    ...optionalSummary(summary),
    // A part that fails to build is left out, never the whole message.
    facts: orElse(() => alertFacts(event, enrichment), []),
    links: orElse(() => alertLinks(event, enrichment), [consoleLink(event)]),
    actions: orElse(() => alertActions(event, enrichment), []),
  };
}

function consoleLink(event: PipelineEvent): AlertLink {
  return { kind: 'console', label: 'Execution in the AWS console', url: consoleUrlOf(event) };
}

function titleOf(event: PipelineEvent, verb: string, known: boolean): string {
  switch (event.level) {
    case 'pipeline':
      return `Pipeline ${event.pipeline} ${verb}`;
    case 'stage':
      return `Stage ${event.stage} ${verb} in ${event.pipeline}`;
    case 'action':
      if (known && isApprovalAction(event) && event.state === 'STARTED') {
        return `Approval needed: ${event.action} in ${event.pipeline} / ${event.stage}`;
      }
      return `Action ${event.action} ${verb} in ${event.pipeline} / ${event.stage}`;
  }
}

/**
 * What a person reads first: a later-fetched failure summary wins, then what
 * the event itself says (the provider's summary, CodeStar's failure details).
 * A commit message is not repeated here: it is already a fact.
 */
function summaryOf(event: PipelineEvent, enrichment: AlertEnrichment): string | undefined {
  if (enrichment.failure?.summary) return enrichment.failure.summary;
  if (event.level === 'action') {
    const summary = event.executionResult?.summary;
    if (summary && summary.commitMessage === undefined && event.actionType?.category !== 'Source') return summary.text;
  }
  const attributes = event.additionalAttributes;
  const failed = (attributes?.failedActions ?? []).filter((entry) => entry.additionalInformation);
  if (failed.length > 0 && event.level !== 'action') {
    return failed.map((entry) => `${entry.action}: ${entry.additionalInformation}`).join('\n');
  }
  return attributes?.additionalInformation ?? undefined;
}

function optionalSummary(summary: string | undefined): { summary?: string } {
  return summary === undefined || summary.trim() === '' ? {} : { summary };
}
