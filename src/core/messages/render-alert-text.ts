// (core) AlertMessage --> plain text for a terminal (pipewatch render --format text), control characters made visible
import type { AlertAction, AlertMessage } from './alert-message';

/**
 * Plain text for a terminal (`pipewatch render --format text`). Event content
 * is untrusted: control characters (ANSI escapes could rewrite the terminal)
 * are shown as `\xNN`, and fact values are kept on one line.
 *
 * @example
 * [error] Stage Build failed in meerkat
 * Status: Failed
 *
 * Build: Build terminated with state: FAILED
 *
 * Pipeline:   meerkat
 * Execution:  94fb261b
 * ...
 */
export function renderAlertText(message: AlertMessage): string {
  const lines: string[] = [];
  lines.push(`[${message.status.severity}] ${oneLine(message.title)}`);
  lines.push(`Status: ${oneLine(message.status.label)}`);
  if (message.summary !== undefined) {
    lines.push('', ...message.summary.split(/\r?\n/).map((line) => visible(line)));
  }
  if (message.facts.length > 0) {
    const width = Math.max(...message.facts.map((fact) => fact.label.length)) + 2;
    lines.push('', ...message.facts.map((fact) => `${`${oneLine(fact.label)}:`.padEnd(width)} ${oneLine(fact.value)}`));
  }
  if (message.links.length > 0) {
    lines.push('', 'Links:', ...message.links.map((link) => `  ${oneLine(link.label)}: ${oneLine(link.url)}`));
  }
  const buttons = message.actions.filter((action) => action.kind !== 'open-console');
  if (buttons.length > 0) {
    lines.push('', 'Actions:', ...buttons.map((action) => `  ${describeAction(action)}`));
  }
  lines.push('', `Event ${oneLine(message.eventId)} at ${oneLine(message.time)}`);
  return `${lines.join('\n')}\n`;
}

function describeAction(action: AlertAction): string {
  switch (action.kind) {
    case 'retry':
      return `${oneLine(action.label)} (${action.mode}, stage ${oneLine(action.stage)})`;
    case 'approve':
    case 'reject':
      return `${oneLine(action.label)} (stage ${oneLine(action.stage)}, action ${oneLine(action.action)})`;
    case 'stop':
      return `${oneLine(action.label)} (execution ${oneLine(action.executionId)})`;
    case 'snooze':
      return `${oneLine(action.label)} (pipeline ${oneLine(action.pipeline)})`;
    case 'open-console':
      return `${oneLine(action.label)}: ${oneLine(action.url)}`;
  }
}

function oneLine(text: string): string {
  return visible(text.replace(/\s*[\r\n]+\s*/g, ' '));
}

/** Control characters (C0 except tab, DEL, C1) made visible instead of interpreted by the terminal. */
function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (char) => {
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
