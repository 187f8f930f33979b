// (core) an event --> the alert's links: the execution in the AWS console, then the provider's page (build log, ...)
import { executionConsoleUrl, type PipelineEvent } from '../events';
import type { AlertEnrichment, AlertLink } from './alert-message';
import { webUrl } from './text-helpers';

const EXTERNAL_LINK_LABELS: Readonly<Record<string, string>> = {
  Build: 'Build log',
  Test: 'Test report',
  Deploy: 'Deployment',
  Source: 'Source revision',
};

/** The execution in the AWS console, then the provider's page (build log, deployment) when there is one. */
export function alertLinks(event: PipelineEvent, enrichment: AlertEnrichment = {}): AlertLink[] {
  const links: AlertLink[] = [{ kind: 'console', label: 'Execution in the AWS console', url: consoleUrlOf(event) }];
  // Normalised, and only http(s) with a host: event content must not smuggle `javascript:` into a link.
  const external = webUrl(
    enrichment.failure?.externalUrl ??
      (event.level === 'action' ? event.executionResult?.externalExecutionUrl : undefined),
  );
  if (external !== undefined) {
    const category = event.level === 'action' ? event.actionType?.category : undefined;
    links.push({ kind: 'external', label: externalLinkLabel(category), url: external });
  }
  return links;
}

/** How a provider's page is named for an action category: "Build log" for Build, else "Details". */
export function externalLinkLabel(category: string | undefined): string {
  return (category && Object.hasOwn(EXTERNAL_LINK_LABELS, category) && EXTERNAL_LINK_LABELS[category]) || 'Details';
}

/** The console lives in the pipeline's region, not the action's nor the envelope's. */
export function consoleUrlOf(event: PipelineEvent): string {
  return executionConsoleUrl({
    region: event.pipelineRegion,
    pipeline: event.pipeline,
    executionId: event.executionId,
  });
}
