/** Public API of the neutral alert message. */
export { alertActions } from './alert-actions';
export { alertFacts } from './alert-facts';
export { alertLinks } from './alert-links';
export type {
  ActionTarget,
  AlertAction,
  AlertEnrichment,
  AlertFact,
  AlertLink,
  AlertMessage,
  AlertStatus,
  RetryMode,
  Severity,
} from './alert-message';
export { buildAlertMessage } from './build-alert-message';
export { renderAlertText } from './render-alert-text';
export { describeState } from './state-presentation';
