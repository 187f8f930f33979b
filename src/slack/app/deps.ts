// (Slack adapter) the ports and settings the Slack app's listeners need, injected by the handler or a test
import type { AuthorizationPolicy, DecisionRecord } from '../../core/actions';
import type { PipelineClient, RuleStore, StateStore } from '../../core/ports';

/** Double-click protection: the notify path's DynamoDB store, or an in-memory one in tests. */
export type ClickClaims = Pick<StateStore, 'claimClick'>;

/**
 * What the listeners log. Structural, so the project logger (src/log) and a test's
 * recording logger both fit; `fields` is plain JSON.
 */
export interface SlackAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The policy, or a getter for one (read from SSM at cold start, perhaps refreshed). */
export type PolicySource = AuthorizationPolicy | (() => AuthorizationPolicy | Promise<AuthorizationPolicy>);

export interface SlackAppDeps {
  /** Subscriptions: rules on the pipewatch bus; the store adds the notify target and its InputTransformer. */
  readonly rules: RuleStore;
  readonly pipelines: PipelineClient;
  /**
   * The client for a pipeline in another region: a button names its pipeline's region (a
   * multi-region bus forwards events from several). Absent: `pipelines` serves every button.
   */
  readonly pipelinesIn?: (region: string) => PipelineClient;
  readonly clicks: ClickClaims;
  /** Who may retry and approve. */
  readonly policy: PolicySource;
  readonly log: SlackAppLogger;
  /** How people invoke pipewatch, for help and usage text. Default `/pipewatch`. */
  readonly command?: string;
  /** How long a user group's members are trusted before usergroups.users.list is asked again. Default 60 s. */
  readonly groupCacheTtlMs?: number;
  /** Milliseconds since the epoch; tests pass a fake for the group cache. */
  readonly now?: () => number;
}

export async function currentPolicy(source: PolicySource): Promise<AuthorizationPolicy> {
  return typeof source === 'function' ? source() : source;
}

/** The CodePipeline client for the region a button names. */
export function pipelinesFor(deps: SlackAppDeps, region: string): PipelineClient {
  return deps.pipelinesIn === undefined ? deps.pipelines : deps.pipelinesIn(region);
}

/** Every button decision is one log line, whatever its outcome. */
export function logDecision(log: SlackAppLogger, decision: DecisionRecord): void {
  log.info('pipewatch decision', { decision });
}

export const DEFAULT_COMMAND = '/pipewatch';
