import { parsePipelineEvent } from '../../src/core/events';
import { type AlertMessage, type AlertTriage, buildAlertMessage, type TriageCommit } from '../../src/core/messages';
import { loadFixture } from './fixtures';

/** Two git SHAs: the last success's revision and the failing run's. */
export const SHA_OLD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const SHA_NEW = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** A captured CodeBuild action failure's alert, carrying `triage` as a failure reply does. */
export function failedBuildWith(triage: AlertTriage): AlertMessage {
  const base = buildAlertMessage(parsePipelineEvent(loadFixture('codepipeline/action-failed-codebuild-captured.json')));
  return { ...base, triage };
}

/** A full pack: `commit`, changes SHA_OLD → SHA_NEW with GitHub's compare link, a failed BUILD phase with `logLines`. */
export function triagePack(parts: {
  readonly commit: TriageCommit;
  readonly sinceExecutionId: string;
  readonly phaseMessage: string;
  readonly logLines: readonly string[];
  readonly logUrl: string;
}): AlertTriage {
  return {
    commit: parts.commit,
    changes: {
      sinceExecutionId: parts.sinceExecutionId,
      fromId: SHA_OLD,
      toId: SHA_NEW,
      compareUrl: `https://github.com/octo/shop/compare/${SHA_OLD}...${SHA_NEW}`,
    },
    build: {
      action: 'Build',
      buildId: 'shop:1',
      phase: 'BUILD',
      phaseStatus: 'FAILED',
      phaseMessage: parts.phaseMessage,
      logLines: parts.logLines,
      logUrl: parts.logUrl,
    },
  };
}
