// (composition) a chat app's ports (Slack's, Teams') from AWS clients: the rule store, CodePipeline per region, the pipeline catalog, click claims, the policy
import type { STSClient } from '@aws-sdk/client-sts';
import {
  createCodePipelineClient,
  createDynamoDbClient,
  createEventBridgeClient,
  createSchedulerClient,
  createServiceQuotasClient,
  createSsmClient,
} from '../aws/clients';
import { DynamoDbClickClaims } from '../aws/dynamodb-click-claims';
import { DynamoDbConversationStore } from '../aws/dynamodb-conversation-store';
import { DynamoDbQuietStore } from '../aws/dynamodb-quiet-store';
import { DynamoDbRunRequesters } from '../aws/dynamodb-run-requesters';
import { EventBridgeRuleStore } from '../aws/eventbridge-rule-store';
import type { MemberRoles } from '../aws/member-role';
import { CachedPipelineCatalog } from '../aws/pipeline-catalog';
import { PipelinePlaces } from '../aws/pipeline-places';
import { SchedulerReminderSchedules, SNOOZE_END_DESCRIPTION } from '../aws/scheduler-reminders';
import { ServiceQuotasRulesQuota } from '../aws/service-quotas-rules-quota';
import type { ButtonDeps, PolicySource } from '../core/actions';
import type { CommandDeps } from '../core/commands';
import type { ChatPoster, PipelineClient, ReminderSchedules } from '../core/ports';
import { accountOfArn, runAnnouncer } from './run-announcer';

/** The AWS clients a chat function uses: rules, CodePipeline, its table, its secrets. */
export interface ChatFunctionClients {
  readonly eventBridge: ReturnType<typeof createEventBridgeClient>;
  readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
  readonly dynamo: ReturnType<typeof createDynamoDbClient>;
  readonly ssm: ReturnType<typeof createSsmClient>;
  /** Snoozes' end schedules (EventBridge Scheduler); absent: one is created when they are configured. */
  readonly scheduler?: ReturnType<typeof createSchedulerClient>;
  /** The bus's rules quota (Service Quotas); absent: `status` and `subscribe` count rules without it. */
  readonly serviceQuotas?: ReturnType<typeof createServiceQuotasClient>;
  /** Other accounts' member roles are assumed with it; absent: a client from the environment. */
  readonly sts?: STSClient;
}

/** The clients from the environment (endpoints, region, credentials), built once per cold start. */
export function chatFunctionClients(): ChatFunctionClients {
  return {
    eventBridge: createEventBridgeClient(),
    codePipeline: createCodePipelineClient(),
    dynamo: createDynamoDbClient(),
    ssm: createSsmClient(),
    serviceQuotas: createServiceQuotasClient(),
  };
}

/** What every chat app's listeners log (the project logger and a test's recording logger both fit). */
export interface ChatAppLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The core's command and button ports, as every chat platform's app uses them. */
export type ChatAppDeps = CommandDeps &
  Omit<ButtonDeps, 'log' | 'conversations'> & {
    readonly pipelinesIn: (region: string, account?: string) => PipelineClient;
    /** The notify path's conversations: where a retry is noted (and, for Teams, which cards are pipewatch's). */
    readonly conversations: NonNullable<ButtonDeps['conversations']>;
    readonly log: ChatAppLogger;
  };

export interface ChatAdapters {
  readonly eventBridge: ReturnType<typeof createEventBridgeClient>;
  readonly codePipeline: ReturnType<typeof createCodePipelineClient>;
  readonly dynamo: ReturnType<typeof createDynamoDbClient>;
  /** Service Quotas: the bus's "Number of rules" (`status`, `subscribe`); absent: rules are counted without a quota. */
  readonly serviceQuotas?: ReturnType<typeof createServiceQuotasClient>;
  /** The CodePipeline client's region; a button for another region gets a client of its own. */
  readonly region?: string;
  /** The pipewatch bus, where subscription rules live. */
  readonly busName: string;
  /** The notify function: every subscription rule's one target. */
  readonly notifyFunctionArn: string;
  /** Where EventBridge dead-letters events it could not hand to the notify function. */
  readonly deadLetterArn?: string;
  readonly tableName: string;
  /** Who may retry and approve: read per click, so an edited policy applies within its cache's TTL. */
  readonly policy: PolicySource;
  /** Where the policy lives, as a refused button names it ("the SSM parameter /pipewatch/prod/authorization"). */
  readonly policyLocation?: string;
  readonly log: ChatAppLogger;
  /** Milliseconds since the epoch (Date.now by default): click claims, retry notes, snoozes' start and end. */
  readonly now?: () => number;
  /**
   * The platform's chat poster (as notify's): `run` posts the execution's message with it at once and
   * answers with its link. Absent (or no region): `run` says where the message will follow.
   */
  readonly chat?: ChatPoster;
  /** Where a snooze's end is scheduled (snoozeSchedulesFor); absent: its summary follows the next alert. */
  readonly snoozeSchedules?: ReminderSchedules;
  /** Other accounts' member roles (memberRolesFor): their buttons act there. Absent: refused with the reason. */
  readonly members?: MemberRoles;
}

/** What the snoozes' end schedules need from the environment (the notify function's reminder settings). */
export interface SnoozeScheduleEnvironment {
  readonly PIPEWATCH_REMINDER_SCHEDULE_GROUP?: string | undefined;
  readonly PIPEWATCH_REMINDER_ROLE_ARN?: string | undefined;
  readonly PIPEWATCH_NOTIFY_FUNCTION_ARN?: string | undefined;
}

/**
 * The snoozes' end schedules (ChatAdapters' `snoozeSchedules`), in the reminders' group, run as
 * the reminders' role, calling notify: none unless all three are configured (the summary then
 * follows the next alert).
 */
export function snoozeSchedulesFor(
  environment: SnoozeScheduleEnvironment,
  clients: Pick<ChatFunctionClients, 'scheduler'>,
): { readonly snoozeSchedules?: ReminderSchedules } {
  const group = environment.PIPEWATCH_REMINDER_SCHEDULE_GROUP;
  const role = environment.PIPEWATCH_REMINDER_ROLE_ARN;
  const notify = environment.PIPEWATCH_NOTIFY_FUNCTION_ARN;
  if (group === undefined || role === undefined || notify === undefined) return {};
  const snoozeSchedules = new SchedulerReminderSchedules({
    client: clients.scheduler ?? createSchedulerClient(),
    groupName: group,
    targetArn: notify,
    roleArn: role,
    description: SNOOZE_END_DESCRIPTION,
  });
  return { snoozeSchedules };
}

/** The same ports for every chat function (Slack, Teams), deployed, in the local mode and in tests. */
export function chatAppDepsFor(adapters: ChatAdapters): ChatAppDeps {
  // The pipelines are the function's own account's (it starts them with its role), as is notify.
  const account = accountOfArn(adapters.notifyFunctionArn);
  const places = new PipelinePlaces({
    codePipeline: adapters.codePipeline,
    ...(adapters.region === undefined ? {} : { region: adapters.region }),
    ...(account === undefined ? {} : { account }),
    ...(adapters.members === undefined ? {} : { members: adapters.members }),
  });
  const pipelines = places.home;
  const conversations = new DynamoDbConversationStore({ client: adapters.dynamo, tableName: adapters.tableName });
  const announce =
    adapters.chat === undefined || adapters.region === undefined || account === undefined
      ? undefined
      : runAnnouncer({
          conversations,
          chat: adapters.chat,
          pipelines,
          region: adapters.region,
          account,
          log: adapters.log,
          ...(adapters.now === undefined ? {} : { now: adapters.now }),
        });
  return {
    rules: new EventBridgeRuleStore({
      client: adapters.eventBridge,
      busName: adapters.busName,
      targetArn: adapters.notifyFunctionArn,
      ...(adapters.deadLetterArn === undefined ? {} : { deadLetterArn: adapters.deadLetterArn }),
    }),
    // Built once per cold start, so its hour-long cache serves every command of a warm container.
    ...(adapters.serviceQuotas === undefined
      ? {}
      : {
          rulesQuota: new ServiceQuotasRulesQuota({
            client: adapters.serviceQuotas,
            region: adapters.region,
            log: adapters.log,
          }),
        }),
    pipelines,
    // Built once per cold start, so its short cache serves every command of a warm container.
    catalog: new CachedPipelineCatalog({ source: pipelines }),
    // `subscribe --account --region`: the names checked there (another account's through its role).
    catalogAt: catalogsAt(places),
    // Another account's pipeline (events forwarded through the bus policy) is acted on through its
    // member role, or refused with the reason; never sent to this account's CodePipeline, where a
    // namesake would be the wrong one.
    pipelinesIn: (region, other) => places.pipelines({ account: other, region }),
    clicks: new DynamoDbClickClaims({
      client: adapters.dynamo,
      tableName: adapters.tableName,
      ...(adapters.now === undefined ? {} : { now: adapters.now }),
    }),
    // A retry pressed in chat is noted in the message's conversation, for notify to show who retried.
    conversations,
    ...(announce === undefined ? {} : { announceRun: announce }),
    snoozes: new DynamoDbQuietStore({ client: adapters.dynamo, tableName: adapters.tableName }),
    ...(adapters.snoozeSchedules === undefined ? {} : { snoozeSchedules: adapters.snoozeSchedules }),
    // Who ran an execution from chat (`run`), for `"selfApproval": false`.
    requesters: new DynamoDbRunRequesters({
      client: adapters.dynamo,
      tableName: adapters.tableName,
      ...(adapters.now === undefined ? {} : { now: adapters.now }),
    }),
    ...(adapters.now === undefined ? {} : { now: adapters.now }),
    policy: adapters.policy,
    ...(adapters.policyLocation === undefined ? {} : { policyLocation: adapters.policyLocation }),
    log: adapters.log,
    ...(adapters.now === undefined ? {} : { now: adapters.now }),
  };
}

/** One cached catalog per place (account, region), made on first use. */
function catalogsAt(places: PipelinePlaces): NonNullable<ChatAppDeps['catalogAt']> {
  const catalogs = new Map<string, CachedPipelineCatalog>();
  return (place) => {
    const key = places.keyOf(place);
    let catalog = catalogs.get(key);
    if (catalog === undefined) {
      catalog = new CachedPipelineCatalog({ source: places.pipelines(place) });
      catalogs.set(key, catalog);
    }
    return catalog;
  };
}
