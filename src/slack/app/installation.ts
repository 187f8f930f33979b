// (Slack adapter) the installation a request must come from: its workspace (or org), its app and its bot; requests from any other are refused
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackAppLogger } from './deps';
import { describeError } from './slack-errors';

/**
 * Which installation this function serves. Both are optional: a team not configured is learnt
 * from the bot token's own auth.test, once per cold start; an app id not configured cannot be
 * learnt (auth.test does not say it for a bot token), and then only the workspace is bound.
 */
export interface SlackInstallationConfig {
  /** The workspace (`team_id`) the app is installed in: PIPEWATCH_SLACK_TEAM_ID. */
  readonly teamId?: string | undefined;
  /** The app (`api_app_id`): PIPEWATCH_SLACK_APP_ID. */
  readonly appId?: string | undefined;
}

/** The installation as resolved: configured, or from auth.test. */
export interface SlackInstallation {
  /** The workspace; absent only for an org-wide install (then `enterpriseId` binds). */
  readonly teamId?: string | undefined;
  /** The org (Enterprise Grid); null when auth.test says there is none, undefined when not known (configured team only). */
  readonly enterpriseId?: string | null | undefined;
  /** Installed org-wide: any workspace of the org may send requests. */
  readonly enterpriseInstall: boolean;
  readonly appId?: string | undefined;
}

/** Where a request says it comes from: every team, enterprise and app id its body names. */
export interface RequestOrigin {
  /** `command` for a slash command, else the payload's `type` (block_actions, view_submission…). */
  readonly kind: string;
  /** team_id (command), team.id, view.team_id, view.app_installed_team_id. */
  readonly teams: readonly string[];
  /** user.team_id: the clicker's own workspace. */
  readonly userTeam?: string | undefined;
  /** enterprise_id (command), enterprise.id, team.enterprise_id. */
  readonly enterprise?: string | undefined;
  /** api_app_id, view.app_id. */
  readonly apps: readonly string[];
  /** view.bot_id: the bot that opened the submitted view. */
  readonly viewBot?: string | undefined;
}

export const OTHER_WORKSPACE =
  'This pipewatch is installed in another workspace: it does not answer here, and nothing was done.';

export const INSTALLATION_UNKNOWN =
  'pipewatch could not check which workspace it is installed in (Slack auth.test failed), so it did nothing. Try again in a moment.';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const present = (...values: unknown[]): string[] => values.map(text).filter((v): v is string => v !== undefined);

/** Reads a command's or an interaction's body (as Bolt parsed it) without trusting its shape. */
export function requestOrigin(body: unknown): RequestOrigin {
  const b = record(body);
  const team = record(b.team);
  const user = record(b.user);
  const view = record(b.view);
  const enterprise = record(b.enterprise);
  return {
    kind: text(b.command) !== undefined ? 'command' : (text(b.type) ?? 'unknown'),
    teams: present(b.team_id, team.id, view.team_id, view.app_installed_team_id),
    userTeam: text(user.team_id),
    enterprise: text(b.enterprise_id) ?? text(enterprise.id) ?? text(team.enterprise_id),
    apps: present(b.api_app_id, view.app_id),
    viewBot: text(view.bot_id),
  };
}

/** Why a request is not from this installation; undefined when it is. */
export function installationRefusal(
  installation: SlackInstallation,
  origin: RequestOrigin,
  botId: string | undefined,
): string | undefined {
  if (installation.appId !== undefined) {
    if (origin.apps.length === 0) return 'no app id';
    if (origin.apps.some((app) => app !== installation.appId)) return 'another app';
  }
  if (origin.viewBot !== undefined && botId !== undefined && origin.viewBot !== botId) return "another bot's view";
  // Known (from auth.test): the request's org must be the same, or both none.
  if (installation.enterpriseId !== undefined && (origin.enterprise ?? null) !== installation.enterpriseId) {
    return 'another enterprise';
  }
  if (installation.enterpriseInstall) {
    return installation.enterpriseId === undefined || installation.enterpriseId === null ? 'no enterprise' : undefined;
  }
  if (origin.teams.length === 0) return 'no team';
  if (origin.teams.some((team) => team !== installation.teamId)) return 'another workspace';
  if (origin.userTeam !== undefined && origin.userTeam !== installation.teamId) {
    // In an Enterprise Grid org a person's home workspace may be another of the org's.
    const sameOrg = typeof installation.enterpriseId === 'string' && origin.enterprise === installation.enterpriseId;
    if (!sameOrg) return 'a user of another workspace';
  }
  return undefined;
}

/**
 * The installation, configured or learnt once per cold start from auth.test (a failed call is not
 * kept: the next request asks again). Logs once how requests are bound.
 */
export class InstallationResolver {
  private resolved: Promise<SlackInstallation> | undefined;

  constructor(
    private readonly config: SlackInstallationConfig,
    private readonly log: SlackAppLogger,
  ) {}

  installation(client: WebClient): Promise<SlackInstallation> {
    this.resolved ??= this.resolve(client).then(
      (installation) => {
        this.describe(installation);
        return installation;
      },
      (error: unknown) => {
        this.resolved = undefined;
        throw error;
      },
    );
    return this.resolved;
  }

  private async resolve(client: WebClient): Promise<SlackInstallation> {
    const { teamId, appId } = this.config;
    if (teamId !== undefined) return { teamId, enterpriseInstall: false, appId };
    const answer = await client.auth.test();
    const enterpriseInstall = answer.is_enterprise_install === true;
    const enterpriseId = text(answer.enterprise_id) ?? null;
    const team = text(answer.team_id);
    if (!enterpriseInstall && team === undefined) throw new Error('auth.test named no team');
    return { teamId: team, enterpriseId, enterpriseInstall, appId: appId ?? text(answer.app_id) };
  }

  private describe(installation: SlackInstallation): void {
    const where = installation.enterpriseInstall
      ? { enterprise: installation.enterpriseId }
      : { team: installation.teamId, ...(installation.enterpriseId ? { enterprise: installation.enterpriseId } : {}) };
    const source = this.config.teamId === undefined ? 'auth.test' : 'PIPEWATCH_SLACK_TEAM_ID';
    if (installation.appId === undefined) {
      this.log.info(
        'Slack requests are bound to the workspace only: no app id is configured (PIPEWATCH_SLACK_APP_ID), so api_app_id is not checked',
        { ...where, source },
      );
    } else {
      this.log.info('Slack requests are bound to this workspace and app', {
        ...where,
        app: installation.appId,
        source,
      });
    }
  }
}

/**
 * Bolt global middleware: a request from another workspace, org or app goes no further. A command
 * is answered (ephemerally, in the HTTP answer) that this pipewatch is installed elsewhere; a click
 * or a view submission is acknowledged with nothing visible. Each refusal is logged.
 */
export function installationMiddleware(
  resolver: InstallationResolver,
  log: SlackAppLogger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, client, context, next } = args;
    const ack = 'ack' in args ? (args.ack as ((response?: unknown) => Promise<void>) | undefined) : undefined;
    const origin = requestOrigin(body);
    const answer = async (message: string) => {
      if (ack === undefined) return;
      await (origin.kind === 'command' ? ack({ response_type: 'ephemeral', text: message }) : ack());
    };
    let installation: SlackInstallation;
    try {
      installation = await resolver.installation(client);
    } catch (error) {
      log.error('could not learn which Slack workspace pipewatch is installed in (auth.test): request refused', {
        request: origin.kind,
        error: describeError(error),
      });
      await answer(INSTALLATION_UNKNOWN);
      return;
    }
    const refusal = installationRefusal(installation, origin, context.botId);
    if (refusal === undefined) {
      await next();
      return;
    }
    log.warn('refused a Slack request from another installation', {
      reason: refusal,
      request: origin.kind,
      teams: origin.teams,
      ...(origin.userTeam === undefined ? {} : { userTeam: origin.userTeam }),
      ...(origin.enterprise === undefined ? {} : { enterprise: origin.enterprise }),
      apps: origin.apps,
    });
    await answer(OTHER_WORKSPACE);
  };
}
