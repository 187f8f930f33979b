// (teams) AlertTriage --> the failure reply card's triage elements: facts (commit, changes, failed phase), the log tail in monospace, links; escaped, cut to a cap
import { ActionSet, type CardElementArray, Container, Fact, FactSet, TextBlock } from '@microsoft/teams.cards';
import { type AlertTriage, shortExecutionId, shortRevisionId } from '../core/messages';
import { openUrl } from './card-actions';
import { cutText, escapeTeamsMarkdownWithin, oneLine } from './escape';

/** A fact's value at most (escaped); the card's size limit may cut lower. */
const FACT_MAX = 500;
/** No-break space: an empty log line keeps its height (Adaptive Cards wants a non-empty text). */
const NBSP = '\u00a0';

export interface TriageRoom {
  /** The longest text allowed (the size limit's cap). */
  readonly text: number;
  /** Whether the log lines fit (dropped before anything else when the card is too big). */
  readonly log: boolean;
}

/**
 * The triage pack as card elements: a FactSet (commit with its first line and author, changes since
 * the last success, the failed phase), the log's last lines in a monospace container, one TextBlock
 * per line so that each keeps its line (escaped: a `<at>` or `[link](…)` in a log shows as text),
 * and an ActionSet of links (the commit, the compare page, the full log).
 */
export function triageElements(triage: AlertTriage | undefined, room: TriageRoom): CardElementArray {
  if (triage === undefined) return [];
  const max = Math.min(FACT_MAX, room.text);
  const text = (value: string) => escapeTeamsMarkdownWithin(oneLine(cutText(value, max)), max);
  const facts: Fact[] = [];
  const { commit, changes, build } = triage;
  if (commit !== undefined) {
    const parts = [shortRevisionId(commit.id), commit.message, commit.author && `by ${commit.author}`];
    facts.push(new Fact('Commit', text(parts.filter(Boolean).join(' '))));
  }
  if (changes !== undefined) {
    const [from, to] = [shortRevisionId(changes.fromId), shortRevisionId(changes.toId)];
    const since = shortExecutionId(changes.sinceExecutionId);
    facts.push(
      new Fact(
        'Changes since the last success',
        text(
          changes.fromId === changes.toId
            ? `none: execution ${since} ran the same revision ${from}`
            : `${from} → ${to} (execution ${since})`,
        ),
      ),
    );
  }
  if (build?.phase !== undefined) {
    const status = build.phaseStatus === undefined || build.phaseStatus === 'FAILED' ? '' : ` (${build.phaseStatus})`;
    const message = build.phaseMessage === undefined ? '' : `: ${build.phaseMessage}`;
    facts.push(new Fact('Failed phase', text(`${build.phase}${status}${message}`)));
  }
  const elements: CardElementArray = [];
  if (facts.length > 0) elements.push(new FactSet(...facts));
  if (build !== undefined && build.logLines.length > 0 && room.log) {
    const lineMax = Math.min(FACT_MAX, room.text);
    elements.push(
      new Container(
        ...build.logLines.map(
          (line) =>
            new TextBlock(escapeTeamsMarkdownWithin(cutText(line, lineMax), lineMax) || NBSP, {
              fontType: 'Monospace',
              size: 'Small',
              spacing: 'None',
              wrap: true,
            }),
        ),
      ).withOptions({ style: 'emphasis' }),
    );
  }
  const links = [
    commit?.url === undefined ? undefined : openUrl('Commit', commit.url),
    changes?.compareUrl === undefined ? undefined : openUrl('Compare changes', changes.compareUrl),
    build?.logUrl === undefined ? undefined : openUrl('Full log', build.logUrl),
  ].filter((action) => action !== undefined);
  if (links.length > 0) elements.push(new ActionSet(...links));
  return elements;
}
