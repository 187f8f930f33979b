// (core) run <pipeline> --> the name checked (did you mean…) --> authorize `run` --> StartPipelineExecution --> where its message will follow

import type { AuthorizationPolicy, ChatUser } from '../../actions';
import { authorize, currentPolicy, EMPTY_AUTHORIZATION_POLICY, failureOfError } from '../../actions';
import { describeError } from '../../errors';
import { executionConsoleUrl } from '../../events';
import { shortExecutionId, utcMinute } from '../../messages';
import { nearest } from '../../nearest';
import { matchesEventPattern } from '../../patterns';
import { describeSubscription, type Subscription } from '../../subscriptions';
import { type ChannelSubscription, channelSubscriptions, readBack } from './channel-subscriptions';
import { lookUpNames } from './check-names';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';

/**
 * 1. The name: a pipeline the account does not have is refused with the nearest name (as subscribe
 *    does), before anything else, so a typo is not answered as a permission problem.
 * 2. The policy and the person (with the groups it can grant through), then authorize `run`
 *    (deny by default; the refusal names where an admin adds people). A policy that cannot be
 *    read starts nothing and says where it is fixed.
 * 3. StartPipelineExecution, logged with who asked.
 * 4. The answer: the execution id and its console link, and whether this channel will see it: a
 *    subscription whose pattern matches the run's start shows it here: the message is posted now
 *    ("Started by alice in Slack", announceRun) as the (channel, execution)'s one message, which
 *    notify then updates, and the answer links to it (unless the pipeline is snoozed here); one that
 *    covers the pipeline but filters (FAILED only) posts when its events come; none: nothing will
 *    be posted here, and `subscribe` is suggested.
 */
export async function runPipeline(
  context: CommandContext,
  deps: CommandDeps,
  pipeline: string,
): Promise<CommandAnswer> {
  const names = await lookUpNames(
    deps.catalog,
    { kind: 'filter', pipelines: [{ kind: 'name', name: pipeline }], levels: [], states: [], categories: [] },
    deps.log,
  );
  if (names.named.get(pipeline) === 'missing') {
    const near = names.pipelines === undefined ? undefined : nearest(pipeline, names.pipelines);
    return textAnswer(
      `There is no pipeline \`${pipeline}\` in this account and region${near === undefined ? '.' : `: did you mean \`${near}\`?`} Nothing was started.`,
    );
  }

  let policy: AuthorizationPolicy;
  let user: ChatUser;
  try {
    policy = deps.policy === undefined ? EMPTY_AUTHORIZATION_POLICY : await currentPolicy(deps.policy);
    user =
      context.user === undefined ? { id: context.userId, groups: [] } : await context.user(policy, 'run', pipeline);
  } catch (error) {
    deps.log.error('run was refused: the policy or the person’s groups could not be read', {
      pipeline,
      user: context.userId,
      policyLocation: deps.policyLocation,
      error: describeError(error),
    });
    const where = deps.policyLocation ?? 'the authorization policy';
    return textAnswer(
      `Nothing was started: pipewatch could not read its authorization policy or your groups, which decide whether you may. Try again in a moment; if it keeps failing, an admin can check ${where}.`,
    );
  }
  const authorization = authorize({ policy, action: 'run', pipeline, user, policyLocation: deps.policyLocation });
  const record = { pipeline, user: user.id, platform: context.platformName, reason: authorization.reason };
  if (!authorization.allowed) {
    deps.log.info('pipewatch run', { ...record, allowed: false, outcome: 'forbidden' });
    return textAnswer(authorization.reason);
  }

  let started: { readonly pipelineExecutionId: string; readonly region?: string };
  try {
    started = await deps.pipelines.startPipelineExecution(pipeline);
  } catch (error) {
    const failure = failureOfError(error, { pipeline, stage: '' });
    if (failure === undefined) throw error;
    deps.log.info('pipewatch run', { ...record, allowed: true, outcome: failure.code, errorName: failure.errorName });
    return textAnswer(`${failure.message} Nothing was started.`);
  }
  const executionId = started.pipelineExecutionId;
  deps.log.info('pipewatch run', { ...record, allowed: true, outcome: 'ok', executionId });
  await recordRequester(context, deps, user, { pipeline, executionId });

  const lines = [`Started \`${pipeline}\`: execution \`${shortExecutionId(executionId)}\` (\`${executionId}\`).`];
  if (started.region !== undefined) {
    lines.push(`In the AWS console: ${executionConsoleUrl({ region: started.region, pipeline, executionId })}`);
  }
  const who = user.displayName || user.id;
  lines.push(await whereItFollows(context, deps, { pipeline, executionId, region: started.region, who }));
  return textAnswer(lines.join('\n'));
}

/**
 * Who ran it, for `"selfApproval": false` to refuse their own approval later. The execution has
 * started whatever happens here: a failed write is logged (the approval then finds no requester
 * from chat, and is allowed unless the trigger's author matches).
 */
async function recordRequester(
  context: CommandContext,
  deps: CommandDeps,
  user: ChatUser,
  execution: { readonly pipeline: string; readonly executionId: string },
): Promise<void> {
  if (deps.requesters === undefined) return;
  const { platform, workspace } = context.channel;
  try {
    await deps.requesters.record(execution, {
      platform,
      workspace,
      userId: user.id,
      ...(user.displayName ? { displayName: user.displayName } : {}),
    });
  } catch (error) {
    deps.log.warn('run: who started the execution could not be recorded', {
      ...execution,
      user: user.id,
      error: describeError(error),
    });
  }
}

interface Run {
  readonly pipeline: string;
  readonly executionId: string;
  readonly region: string | undefined;
  /** Who ran it, as people read it. */
  readonly who: string;
}

/**
 * Whether this channel will get the run's message, from its subscriptions (never fails the answer).
 * A subscription that shows the run's start: the message is posted now (announceRun) and linked.
 */
async function whereItFollows(context: CommandContext, deps: CommandDeps, run: Run): Promise<string> {
  const { pipeline, executionId, region } = run;
  let subscriptions: ChannelSubscription[];
  try {
    subscriptions = await channelSubscriptions(deps, context.channel);
  } catch (error) {
    deps.log.warn('run: the channel’s subscriptions could not be read', { error: describeError(error) });
    return 'This channel’s subscriptions could not be read: its message follows here if one of them matches.';
  }
  const start = startEvent(pipeline, executionId, region);
  const atStart = subscriptions.find((s) => s.rule.eventPattern !== undefined && matches(s.rule.eventPattern, start));
  if (atStart !== undefined) {
    const snoozed = await snoozedUntil(context, deps, pipeline);
    if (snoozed !== undefined) {
      return `\`${pipeline}\` is snoozed in this channel until ${snoozed}: its message is held back until then (subscription \`${atStart.id}\`: ${what(atStart)}).`;
    }
    const link = await announce(context, deps, run, atStart);
    if (link !== undefined) return link;
    return `Its message follows here as it runs (subscription \`${atStart.id}\`: ${what(atStart)}).`;
  }
  const later = subscriptions.find((s) => covers(readBack(s.rule), pipeline));
  if (later !== undefined) {
    return `Subscription \`${later.id}\` (${what(later)}) posts its message here once one of its events matches.`;
  }
  return `No subscription of this channel covers \`${pipeline}\`: nothing about this run will be posted here. \`${context.invocation} subscribe ${pipeline}\` follows it here.`;
}

/**
 * The run's message posted now and its line in the answer: "Its message: <link>". Undefined when
 * it could not be posted now (logged): the answer then says it follows, as notify will post it.
 */
async function announce(
  context: CommandContext,
  deps: CommandDeps,
  run: Run,
  subscription: ChannelSubscription,
): Promise<string | undefined> {
  if (deps.announceRun === undefined) return undefined;
  const via = `subscription \`${subscription.id}\`: ${what(subscription)}`;
  try {
    const shown = await deps.announceRun({
      channel: context.channel,
      pipeline: run.pipeline,
      executionId: run.executionId,
      ...(run.region === undefined ? {} : { region: run.region }),
      rule: subscription.rule.name,
      note: {
        by: run.who,
        platform: context.platformName ?? 'chat',
        time: new Date((deps.now ?? Date.now)()).toISOString(),
      },
    });
    deps.log.info('run: its message', { pipeline: run.pipeline, executionId: run.executionId, outcome: shown.status });
    if (shown.status === 'posted') {
      return shown.link === undefined
        ? `Its message is posted here (${via}).`
        : `Its message, updated as it runs: ${shown.link} (${via}).`;
    }
    if (shown.status === 'undeliverable') {
      return `Its message could not be posted here (${shown.code}): is pipewatch still a member of this channel?`;
    }
    return undefined;
  } catch (error) {
    deps.log.warn('run: its message could not be posted now; notify posts it', {
      pipeline: run.pipeline,
      executionId: run.executionId,
      error: describeError(error),
    });
    return undefined;
  }
}

/** When the channel's snooze of the pipeline ends (`2026-12-07 21:15 UTC`), if one runs; a failure to read it is none. */
async function snoozedUntil(context: CommandContext, deps: CommandDeps, pipeline: string): Promise<string | undefined> {
  if (deps.snoozes === undefined) return undefined;
  try {
    const snooze = await deps.snoozes.read(context.channel, pipeline);
    const now = (deps.now ?? Date.now)();
    return snooze === undefined || snooze.until <= now ? undefined : utcMinute(snooze.until);
  } catch (error) {
    deps.log.warn('run: the channel’s snooze could not be read', { pipeline, error: describeError(error) });
    return undefined;
  }
}

function what(subscription: ChannelSubscription): string {
  const parsed = readBack(subscription.rule);
  return parsed === undefined ? (subscription.rule.description ?? 'a rule') : describeSubscription(parsed);
}

function matches(pattern: string, event: unknown): boolean {
  try {
    return matchesEventPattern(JSON.parse(pattern), event);
  } catch {
    return false;
  }
}

/** A filter subscription whose pipelines include this one (its states or levels may still filter). */
function covers(subscription: Subscription | undefined, pipeline: string): boolean {
  if (subscription?.kind !== 'filter') return false;
  return subscription.pipelines.some(
    (s) =>
      s.kind === 'all' ||
      (s.kind === 'name' && s.name === pipeline) ||
      (s.kind === 'prefix' && pipeline.startsWith(s.prefix)),
  );
}

/** The event CodePipeline sends as the run starts, as a subscription's pattern sees it. */
function startEvent(pipeline: string, executionId: string, region: string | undefined) {
  return {
    version: '0',
    id: `run-${executionId}`,
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    time: new Date().toISOString(),
    ...(region === undefined ? {} : { region }),
    detail: {
      pipeline,
      'execution-id': executionId,
      state: 'STARTED',
      'execution-trigger': { 'trigger-type': 'StartPipelineExecution' },
    },
  };
}
