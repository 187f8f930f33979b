// (core) AlertTriage: what a failure's thread reply adds for triage (the commit, the failed build's phase and log tail, changes since the last success), raw text
/**
 * The triage pack of a failure's thread reply, raw (renderers escape and cut it). Every part is
 * optional: each is read best effort and a part that could not be read is left out.
 */
export interface AlertTriage {
  /** The commit that triggered the run (GetPipelineExecution's artifactRevisions, the trigger's author). */
  readonly commit?: TriageCommit;
  /** The failed CodeBuild action's build: the phase that failed and the end of its log. */
  readonly build?: TriageBuild;
  /** The source revision of the last successful execution before this one, against this one's. */
  readonly changes?: TriageChanges;
}

export interface TriageCommit {
  /** The full revision id (a git SHA); renderers show shortRevisionId of it. */
  readonly id: string;
  /** The commit message's first line. */
  readonly message?: string;
  readonly author?: string;
  /** The commit on its provider's site (GitHub, Bitbucket, GitLab, the CodeCommit console). */
  readonly url?: string;
}

export interface TriageBuild {
  /** The pipeline action that ran the build. */
  readonly action: string;
  /** CodeBuild's build id (`project:uuid`). */
  readonly buildId: string;
  /** The phase whose phaseStatus is FAILED (or FAULT, TIMED_OUT…), e.g. BUILD. */
  readonly phase?: string;
  /** That phase's status and its context message ("COMMAND_EXECUTION_ERROR: Error while executing command: npm test…"). */
  readonly phaseStatus?: string;
  readonly phaseMessage?: string;
  /** The last lines of the build's log, oldest first (at most TRIAGE_LOG_LINES). */
  readonly logLines: readonly string[];
  /** The full log (CodeBuild's deep link into CloudWatch Logs). */
  readonly logUrl?: string;
}

export interface TriageChanges {
  /** The last successful execution before this one. */
  readonly sinceExecutionId: string;
  /** Its source revision id, and this execution's. Equal: no source change since (a re-run). */
  readonly fromId: string;
  readonly toId: string;
  /** The provider's compare page, where it has one. */
  readonly compareUrl?: string;
}

/** How many log lines a failure's reply shows. */
export const TRIAGE_LOG_LINES = 20;
