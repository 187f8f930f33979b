// (core) public API of the neutral alert message: building it, its parts, its text rendering and text helpers
/** Public API of the neutral alert message. */
export { alertActions, alertButtons } from './alert-actions';
export { alertFacts, triggerFacts } from './alert-facts';
export { alertLinks, externalLinkLabel } from './alert-links';
export type {
  ActionTarget,
  AlertAction,
  AlertApproval,
  AlertEnrichment,
  AlertFact,
  AlertLink,
  AlertMessage,
  AlertStatus,
  RetryMode,
  Severity,
} from './alert-message';
export {
  type AlertTriage,
  TRIAGE_LOG_LINES,
  type TriageBuild,
  type TriageChanges,
  type TriageCommit,
} from './alert-triage';
export { buildAlertMessage } from './build-alert-message';
export { orElse } from './drop-broken-part';
export { renderAlertText } from './render-alert-text';
export { describeState, presentState } from './state-presentation';
export {
  firstLine,
  graphemeBoundaryAtOrBefore,
  isWebUrl,
  oneLine,
  shortExecutionId,
  shortRevisionId,
  truncateText,
  utcMinute,
  webUrl,
  wellFormed,
} from './text-helpers';
