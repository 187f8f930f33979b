// (composition) notify input --> notifyEvent with the adapters: used by src/app/notify-app.ts, the local mode and tests
import type {
  createCloudWatchLogsClient,
  createCodeBuildClient,
  createCodePipelineClient,
  createDynamoDbClient,
} from '../../aws/clients';
import { CodeBuildLogs } from '../../aws/codebuild-logs';
import { DynamoDbChannelAddresses } from '../../aws/dynamodb-channel-addresses';
import { DynamoDbConversationStore } from '../../aws/dynamodb-conversation-store';
import { DynamoDbQuietStore } from '../../aws/dynamodb-quiet-store';
import type { MemberRoles } from '../../aws/member-role';
import {
  followInputSchema,
  notifyInputSchema,
  reminderInputSchema,
  snoozeEndInputSchema,
} from '../../aws/notify-input';
import { PipelinePlaces } from '../../aws/pipeline-places';
import { UnreachablePipelines } from '../../aws/unreachable-account-pipelines';
import {
  type FollowOutcome,
  type NotifyDeps,
  type NotifyOptions,
  type NotifyOutcome,
  notifyEvent,
  notifyFollowers,
  notifySnoozeEnd,
  notifyTransition,
  remindApproval,
  type SnoozeEndOutcome,
} from '../../core/notify';
import type { ChatPoster, Log } from '../../core/ports';
import type { TriageDeps } from '../../core/triage';
import { SlackChatPoster, type SlackChatPosterOptions } from '../../slack/slack-chat-poster';
import { activityOf } from '../../teams/render-adaptive-card';
import { TeamsChatPoster } from '../../teams/teams-chat-poster';
import { type ApprovalSettingsOptions, approvalSettings } from './approval-settings';
import { cachedChannelAddresses } from './channel-address-cache';
import { withEndedExecutionReads } from './ended-execution-reads';
import { platformChatPoster } from './platform-chat-poster';
import { cachedStageOrder } from './stage-order-cache';
import { tokenChatPoster } from './token-chat-poster';

/** What the Lambda returns (EventBridge ignores it; tests and the local mode read it). */
export type NotifyHandler = (input: unknown) => Promise<NotifyOutcome | FollowOutcome | SnoozeEndOutcome>;

/**
 * The notify function with explicit dependencies. The input is checked against the contract of
 * the subscription rules' InputTransformer (src/aws/notify-input.ts); input that does not match
 * is logged and dropped, never thrown: EventBridge would retry it for a day for nothing.
 * Transient failures (DynamoDB, Slack 5xx, a rate limit longer than one invocation can wait) throw,
 * so that EventBridge retries, then dead-letters.
 */
export function createNotifyHandler(deps: NotifyDeps): NotifyHandler {
  return async (input) => {
    const follow = followInputSchema.safeParse(input);
    if (follow.success) return notifyFollowers(follow.data, deps);
    if (typeof input === 'object' && input !== null && 'reminder' in input) {
      const reminder = reminderInputSchema.safeParse(input);
      if (reminder.success) return remindApproval(reminder.data.reminder, deps);
      return dropped(deps, 'a reminder input that no reminder schedule sends', reminder.error.issues);
    }
    if (typeof input === 'object' && input !== null && 'snoozeEnd' in input) {
      const end = snoozeEndInputSchema.safeParse(input);
      if (end.success) return notifySnoozeEnd(end.data.snoozeEnd, deps);
      return dropped(deps, "a snooze's end input that no snooze schedule sends", end.error.issues);
    }
    const parsed = notifyInputSchema.safeParse(input);
    if (!parsed.success) {
      deps.log.error('dropped a notify input that no subscription rule sends', {
        rule: ruleOf(input),
        issues: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
      return { status: 'invalid-event' };
    }
    const { mode, ...request } = parsed.data;
    if (mode === 'transitions') return notifyTransition({ ...request, via: 'subscription' }, deps);
    return notifyEvent({ ...request, via: 'subscription' }, deps);
  };
}

export interface NotifyAdapters {
  /** A DynamoDB client (createDynamoDbClient). */
  readonly dynamo: ReturnType<typeof createDynamoDbClient>;
  readonly tableName: string;
  /** A CodePipeline client (createCodePipelineClient). */
  readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
  /** The CodePipeline client's region. */
  readonly region?: string;
  /** pipewatch's own account: with the region, a message about an execution elsewhere says where it runs. */
  readonly account?: string;
  /**
   * CodeBuild and CloudWatch Logs clients (createCodeBuildClient, createCloudWatchLogsClient): with
   * both, a failure's thread reply carries its triage pack (commit, failed phase, log tail, changes
   * since the last success). Without them, replies go out without it.
   */
  readonly codeBuild?: ReturnType<typeof createCodeBuildClient>;
  readonly logs?: ReturnType<typeof createCloudWatchLogsClient>;
  /**
   * Other accounts' member roles (PIPEWATCH_MEMBER_ROLE_NAME): their executions are read there with
   * the assumed role. Absent: they are shown as their events say, nothing read.
   */
  readonly members?: MemberRoles;
  /**
   * Slack, when this install posts to Slack: the bot token and, locally, the Web API URL; see
   * SlackChatPosterOptions. The token may be a source asked at each chat call (a cached secret):
   * then it is awaited only when first needed. Absent: Slack channels are undeliverable.
   */
  readonly slack?: SlackPosterSettings;
  /**
   * Teams, when this install posts to Teams: the bot's outbound token (asked again with the refused
   * token after a 401). Each channel's service URL comes from its stored address. Absent: Teams
   * channels are undeliverable.
   */
  readonly teams?: TeamsPosterSettings;
  readonly log: Log;
  readonly now?: () => number;
  readonly options?: Partial<NotifyOptions>;
  /**
   * Waiting approvals: the policy (approvers), the reminder's lead and where reminders are
   * scheduled. Absent: the approval's reply shows no expiry or approvers and no reminder comes.
   */
  readonly approvals?: Omit<ApprovalSettingsOptions, 'pipelines' | 'now'>;
}

export interface TeamsPosterSettings {
  readonly token: (options?: { readonly rejected?: string }) => Promise<string>;
}

export type SlackPosterSettings = Omit<SlackChatPosterOptions, 'log' | 'token'> & {
  readonly token: string | (() => Promise<string>);
};

/**
 * CodePipeline where an execution runs (NotifyDeps.at), and the reads that follow it there (the
 * failure triage's history and builds, a waiting approval's timeout): one set per place (account,
 * region), made on first use, each with its own stage-order cache. This account's pipelines are
 * read in their region; another account's through its member role (PipelinePlaces), or refused
 * with the reason.
 */
export function pipelinesWhere(
  places: PipelinePlaces,
  now: () => number,
  reads: {
    readonly triage?: Omit<TriageDeps, 'history' | 'builds' | 'region'>;
    readonly approvals?: Omit<ApprovalSettingsOptions, 'pipelines' | 'now'>;
  } = {},
): NonNullable<NotifyDeps['at']> {
  const cache = new Map<string, ReturnType<NonNullable<NotifyDeps['at']>>>();
  return (where) => {
    const key = places.keyOf(where);
    let place = cache.get(key);
    if (place === undefined) {
      const pipelines = places.pipelines(where);
      const builds = places.builds(where);
      place = {
        // A Succeeded execution's reads, once per container (the others as they are).
        pipelines: pipelines instanceof UnreachablePipelines ? pipelines : withEndedExecutionReads(pipelines, { now }),
        ...(pipelines instanceof UnreachablePipelines ? {} : { stageOrder: cachedStageOrder(pipelines, { now }) }),
        ...(reads.triage === undefined || builds === undefined
          ? {}
          : { triage: { ...reads.triage, history: pipelines, builds, region: where.region } }),
        ...(reads.approvals === undefined
          ? {}
          : { approvals: approvalSettings({ ...reads.approvals, pipelines, now }) }),
      };
      cache.set(key, place);
    }
    return place;
  };
}

/** The production adapters (DynamoDB, CodePipeline, one chat poster per configured platform) for createNotifyHandler. */
export function notifyDepsFor(adapters: NotifyAdapters): NotifyDeps {
  const now = adapters.now ?? Date.now;
  const places = new PipelinePlaces({
    codePipeline: adapters.codePipeline,
    ...(adapters.region === undefined ? {} : { region: adapters.region }),
    ...(adapters.account === undefined ? {} : { account: adapters.account }),
    ...(adapters.members === undefined ? {} : { members: adapters.members }),
    ...(adapters.codeBuild === undefined ? {} : { codeBuild: adapters.codeBuild }),
    ...(adapters.logs === undefined ? {} : { logs: adapters.logs }),
  });
  const pipelines = places.home;
  const quiet = new DynamoDbQuietStore({ client: adapters.dynamo, tableName: adapters.tableName });
  return {
    conversations: new DynamoDbConversationStore({ client: adapters.dynamo, tableName: adapters.tableName, now }),
    outcomes: quiet,
    snoozes: quiet,
    chat: platformChatPoster({
      ...(adapters.slack === undefined ? {} : { slack: slackChatPoster(adapters.slack, adapters.log) }),
      ...(adapters.teams === undefined
        ? {}
        : {
            teams: new TeamsChatPoster({
              // Read for each chat call of a render and for each of a channel's executions in a burst.
              addresses: cachedChannelAddresses(
                new DynamoDbChannelAddresses({ client: adapters.dynamo, tableName: adapters.tableName }),
                { now },
              ),
              token: adapters.teams.token,
              render: (message, as) => activityOf(message, { as }),
              log: adapters.log,
              // As the Slack poster's: notify's timeout is 30 s, so a burst's 429s are waited out here
              // rather than left to Lambda's retry a minute later.
              maxWaitSeconds: NOTIFY_CHAT_WAIT_SECONDS,
            }),
          }),
    }),
    // A Succeeded execution's reads, once per container: a final event fans out to every subscribed channel.
    pipelines: withEndedExecutionReads(pipelines, { now }),
    stageOrder: cachedStageOrder(pipelines, { now }),
    ...(adapters.codeBuild === undefined || adapters.logs === undefined
      ? {}
      : {
          triage: {
            history: pipelines,
            builds: new CodeBuildLogs({ codeBuild: adapters.codeBuild, logs: adapters.logs }),
            ...(adapters.region === undefined ? {} : { region: adapters.region }),
          },
        }),
    ...(adapters.approvals === undefined
      ? {}
      : { approvals: approvalSettings({ ...adapters.approvals, pipelines, now }) }),
    log: adapters.log,
    now,
    ...(adapters.options === undefined ? {} : { options: adapters.options }),
    ...(adapters.account === undefined
      ? {}
      : {
          at: pipelinesWhere(places, now, {
            ...(adapters.codeBuild === undefined || adapters.logs === undefined ? {} : { triage: {} }),
            ...(adapters.approvals === undefined ? {} : { approvals: adapters.approvals }),
          }),
        }),
    ...(adapters.account === undefined && adapters.region === undefined
      ? {}
      : {
          home: {
            ...(adapters.account === undefined ? {} : { account: adapters.account }),
            ...(adapters.region === undefined ? {} : { region: adapters.region }),
          },
        }),
  };
}

/** How long a chat poster in notify waits out rate limits in one call: notify's timeout is 30 s. */
const NOTIFY_CHAT_WAIT_SECONDS = 20;

function slackChatPoster({ token, ...options }: SlackPosterSettings, log: Log): ChatPoster {
  if (typeof token === 'string') return new SlackChatPoster({ ...options, token, log });
  return tokenChatPoster(token, (value) => new SlackChatPoster({ ...options, token: value, log }));
}

/** A schedule's input that failed its contract: logged with the fields named, dropped (a retry would fail the same way). */
function dropped(
  deps: NotifyDeps,
  what: string,
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): { readonly status: 'invalid-event' } {
  deps.log.error(`dropped ${what}`, {
    issues: issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`),
  });
  return { status: 'invalid-event' };
}

/** The rule name of an input that failed the contract, if it has one, for the log line. */
function ruleOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || !('rule' in input)) return undefined;
  return typeof input.rule === 'string' ? input.rule.slice(0, 64) : undefined;
}
