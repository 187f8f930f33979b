// (Slack adapter) the ports and settings the Slack app's listeners need, built by src/app/slack-app.ts or a test
import type { ButtonDeps } from '../../core/actions';
import type { CommandDeps } from '../../core/commands';
import type { PipelineClient } from '../../core/ports';

/**
 * What the listeners log. Structural, so the project logger (src/log) and a test's
 * recording logger both fit; `fields` is plain JSON.
 */
export interface SlackAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The core's command and button ports, and what only Slack needs. */
export interface SlackAppDeps extends Omit<CommandDeps, 'policy'>, Omit<ButtonDeps, 'pipelinesIn'> {
  /**
   * The client for a pipeline in another region: a button names its pipeline's region (a
   * multi-region bus forwards events from several). Absent: `pipelines` serves every button.
   */
  readonly pipelinesIn?: (region: string, account?: string) => PipelineClient;
  readonly log: SlackAppLogger;
  /** How people invoke pipewatch, for help and usage text. Default `/pipewatch`. */
  readonly command?: string;
  /** How long a user group's members are trusted before usergroups.users.list is asked again. Default 60 s. */
  readonly groupCacheTtlMs?: number;
  /** Milliseconds since the epoch; tests pass a fake for the group cache. */
  readonly now?: () => number;
}

/** The button use case's ports. */
export function buttonDepsOf(deps: SlackAppDeps): ButtonDeps {
  const { pipelinesIn, pipelines } = deps;
  return { ...deps, pipelinesIn: pipelinesIn ?? (() => pipelines) };
}

export const DEFAULT_COMMAND = '/pipewatch';
