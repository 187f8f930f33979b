import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { createNotifyHandler, type NotifyHandler, notifyDepsFor } from '../../../src/app/notify/notify-handler';
import { createTableInput } from '../../../src/aws/dynamodb-conversation-store';
import {
  FOLLOW_INPUT_TEMPLATE,
  FOLLOW_RULE_NAME,
  FOLLOW_RULE_PATTERN,
  notifyInputTemplate,
} from '../../../src/aws/notify-input';
import { SchedulerReminderSchedules } from '../../../src/aws/scheduler-reminders';
import type { AuthorizationPolicy } from '../../../src/core/actions';
import { DEFAULT_REMINDER_LEAD_MINUTES, type NotifyDeps } from '../../../src/core/notify';
import type { ChannelRef } from '../../../src/core/subscriptions';
import { ManualClock } from '../../../src/local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../../src/local/aws/codepipeline/local-codepipeline';
import { type LocalSlack, type SlackMessage, startLocalSlack } from '../../../src/local/slack';
import { localNotifyAdapters } from '../../helpers/deployed-wiring';
import { decideAsConsoleUser, type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';
import { MemoryLog } from '../../helpers/memory-log';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:pipewatch-notify';
export const TABLE = 'pipewatch-state';
export const CHANNEL = 'C0000000001';
export const ARCHIVED = 'C0000000002';
export const OUTSIDE = 'C0000000003';
export const GONE = 'C00000GONE0';
export const WORKSPACE = 'T0000LOCAL';
export const BUILD_SUMMARY = 'Build failed: 3 of 120 tests failed';

export interface NotifyStack {
  local: LocalAwsClients;
  slack: LocalSlack;
  clock: ManualClock;
  log: MemoryLog;
  handler: NotifyHandler;
  /** Every invocation's outcome or error, in order. */
  invocations: { input: unknown; outcome?: unknown; error?: unknown }[];
  stop(): Promise<void>;
}

export interface NotifyStackOptions {
  /**
   * Each invocation's deps from the stack's (index: the invocation's number, from 0): a test wraps
   * the store and the chat to make invocations die at chosen steps.
   */
  readonly invocationDeps?: (deps: NotifyDeps, index: number) => NotifyDeps;
  /**
   * Leases, post times and Slack's ts all on the manual clock (by default only the simulator and
   * the retries are): a lock whose holder died is taken over when Lambda's retry comes a minute later.
   */
  readonly oneClock?: boolean;
  /** The function's on-failure destination: the local SQS queue `DLQ_NAME` (as serverless.yml's DeadLetterQueue). */
  readonly dlq?: boolean;
  /**
   * Waiting approvals show their expiry and approvers (this policy) and get a reminder `leadMinutes`
   * before the expiry, scheduled in the local Scheduler's group `REMINDER_GROUP` with notify as target.
   */
  readonly approvals?: { readonly policy: AuthorizationPolicy; readonly leadMinutes?: number };
  /**
   * notify knows its own account (the local AWS's, as the deployed function reads it from its ARN):
   * an execution elsewhere says where it runs, and is read in its own region, or not at all in another account.
   */
  readonly knowsAccount?: boolean;
}

export const REMINDER_GROUP = 'pipewatch-test';
export const REMINDER_ROLE_ARN = 'arn:aws:iam::000000000000:role/pipewatch-test-reminders';

export const DLQ_NAME = 'pipewatch-notify-dlq';

/** The real stack: local AWS (EventBridge, CodePipeline simulator, DynamoDB), local Slack, the notify handler as the rule target. */
export async function startNotifyStack(options: NotifyStackOptions = {}): Promise<NotifyStack> {
  const clock = new ManualClock();
  const now = options.oneClock === true ? () => clock.now() : undefined;
  const local = await startLocalAwsWithClients({ clock, definitionsFile: SAMPLE_PIPELINES_FILE });
  const slack = await startLocalSlack({
    port: 0,
    ...(now === undefined ? {} : { now }),
    channels: [
      { id: CHANNEL, name: 'deployments' },
      { id: ARCHIVED, name: 'old-alerts', isArchived: true },
      { id: OUTSIDE, name: 'random', botMember: false },
    ],
  });
  await local.dynamo.send(new CreateTableCommand(createTableInput(TABLE)));
  if (options.approvals !== undefined) {
    await local.scheduler.send(new CreateScheduleGroupCommand({ Name: REMINDER_GROUP }));
  }
  const log = new MemoryLog();
  const deps = notifyDepsFor({
    // No retries within a call: a 5xx reaches the handler, and Lambda's retry is what is tested.
    ...localNotifyAdapters(local, slack, TABLE, log),
    ...(options.knowsAccount === true ? { account: local.aws.accountId } : {}),
    ...(now === undefined ? {} : { now }),
    ...(options.approvals === undefined
      ? {}
      : {
          approvals: {
            policy: options.approvals.policy,
            reminderLeadMinutes: options.approvals.leadMinutes ?? DEFAULT_REMINDER_LEAD_MINUTES,
            reminders: new SchedulerReminderSchedules({
              client: local.scheduler,
              groupName: REMINDER_GROUP,
              targetArn: FUNCTION_ARN,
              roleArn: REMINDER_ROLE_ARN,
            }),
          },
        }),
  });
  const handler = createNotifyHandler(deps);
  const invocations: NotifyStack['invocations'] = [];
  const onFailure = options.dlq === true ? { onFailure: local.aws.sqs.createQueue(DLQ_NAME).arn } : undefined;
  local.aws.lambdas.register(
    FUNCTION_ARN,
    async (input) => {
      const entry: NotifyStack['invocations'][number] = { input };
      const index = invocations.length;
      invocations.push(entry);
      try {
        entry.outcome = await (options.invocationDeps === undefined
          ? handler(input)
          : createNotifyHandler(options.invocationDeps(deps, index))(input));
        return entry.outcome;
      } catch (error) {
        entry.error = error;
        throw error;
      }
    },
    onFailure,
  );
  return {
    local,
    slack,
    clock,
    log,
    handler,
    invocations,
    async stop() {
      await local.stop();
      await slack.stop();
    },
  };
}

export function channelRef(channel: string): ChannelRef {
  return { platform: 'slack', workspace: WORKSPACE, channel };
}

/** A subscription rule on the default bus, its one target the notify function, shaped as the rule store makes it. */
export async function subscribe(
  stack: NotifyStack,
  name: string,
  channel: string,
  pattern: Record<string, unknown> = { source: ['aws.codepipeline'], detail: { pipeline: ['myPipeline'] } },
): Promise<void> {
  const { eventBridge } = stack.local;
  await eventBridge.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: name,
      Targets: [
        {
          Id: 'notify',
          Arn: FUNCTION_ARN,
          InputTransformer: { InputPathsMap: {}, InputTemplate: notifyInputTemplate(channelRef(channel)) },
        },
      ],
    }),
  );
}

/** Starts myPipeline with Build failing once; returns the execution id. */
export async function runFailingBuild(stack: NotifyStack): Promise<string> {
  stack.local.aws.codePipeline.injectFailure('myPipeline', 'Build', 'Build', {
    mode: 'once',
    errorCode: 'JobFailed',
    summary: BUILD_SUMMARY,
  });
  const { pipelineExecutionId } = await stack.local.codePipeline.send(
    new StartPipelineExecutionCommand({ name: 'myPipeline' }),
  );
  if (pipelineExecutionId === undefined) throw new Error('no execution id');
  return pipelineExecutionId;
}

/** Steps the simulator's clock a second at a time, letting deliveries run, then drains EventBridge's retries. */
export async function runFor(stack: NotifyStack, ms: number): Promise<void> {
  const eventBridge = stack.local.aws.eventBridge;
  for (let t = 0; t < ms; t += 1000) {
    stack.clock.advance(1000);
    await eventBridge.settled();
  }
  await drain(stack);
}

/** The README's pattern: retries wait on the ManualClock. */
export async function drain(stack: NotifyStack): Promise<void> {
  const eventBridge = stack.local.aws.eventBridge;
  await eventBridge.settled();
  while (eventBridge.pendingRetries > 0) {
    stack.clock.runAll();
    await eventBridge.settled();
  }
}

/** The execution's messages in a channel (top level), found by the execution id in their context line. */
export function messagesAbout(stack: NotifyStack, channel: string, executionId: string): SlackMessage[] {
  return stack.slack.workspace
    .messages(channel)
    .filter((message) => JSON.stringify(message.blocks).includes(executionId));
}

export function textOf(message: SlackMessage | undefined): string {
  return JSON.stringify(message?.blocks ?? []);
}

/** action_ids of a message's buttons. */
export function buttonsOf(message: SlackMessage | undefined): string[] {
  const ids: string[] = [];
  for (const block of message?.blocks ?? []) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements as { action_id?: string }[]) {
      if (element.action_id !== undefined) ids.push(element.action_id);
    }
  }
  return ids;
}

/** The follow rule (serverless.yml's FollowRule) on the bus the subscriptions use here: every CodePipeline event to notify. */
export async function addFollowRule(stack: NotifyStack): Promise<void> {
  const { eventBridge } = stack.local;
  await eventBridge.send(
    new PutRuleCommand({ Name: FOLLOW_RULE_NAME, EventPattern: JSON.stringify(FOLLOW_RULE_PATTERN) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: FOLLOW_RULE_NAME,
      Targets: [{ Id: 'notify', Arn: FUNCTION_ARN, InputTransformer: { InputTemplate: FOLLOW_INPUT_TEMPLATE } }],
    }),
  );
}

/** myPipeline's waiting approval answered as "the console" does (PutApprovalResult with its token). */
export async function decideInConsole(
  stack: NotifyStack,
  status: 'Approved' | 'Rejected',
  summary: string,
): Promise<void> {
  // Signed with the console user's own key: the simulator records them as the approval's answerer.
  await decideAsConsoleUser(stack.local, status, summary);
}
