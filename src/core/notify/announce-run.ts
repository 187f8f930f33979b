// (core) run command --> announceRun: the (channel, execution) record written with who ran it --> rendered under notify's lease lock --> the message's id
import { type ChannelRef, channelLabel } from '../channels';
import {
  EXECUTION_STATE_SCHEMA,
  type ExecutionState,
  mergeExecutionStates,
  type RunNote,
  withRunNote,
} from '../executions';
import type { ConversationKey, LogFields } from '../ports';
import { errorFields } from './failure-details';
import {
  backoffMs,
  ConversationContentionError,
  DEFAULT_NOTIFY_OPTIONS,
  type NotifyDeps,
  openingStateOf,
  overviewOptions,
  RenderPendingError,
  renderConversation,
  sleep,
} from './notify-event';

/** An execution `run` started, to be shown now in a channel whose subscription shows its start. */
export interface RunAnnouncement {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  readonly executionId: string;
  readonly region: string;
  readonly account: string;
  /** The subscription rule whose pattern matches the run's start: the channel follows the execution through it. */
  readonly rule: string;
  readonly note: RunNote;
}

export type RunAnnounced =
  /** The execution's message in the channel (posted now, or by notify just before). */
  | { readonly status: 'posted'; readonly messageId: string }
  /** Not on screen yet (the render lock held too long, writers kept coming): notify's next render posts it. */
  | { readonly status: 'pending' }
  /** The platform refused for good (the bot is not in the channel): notify's events will be refused too. */
  | { readonly status: 'undeliverable'; readonly code: string };

/**
 * The message of an execution the run command started, posted now as the one message of its
 * (channel, execution), so that the command can answer with a link to it. It is notify's own
 * protocol, with the run note in place of an event:
 *
 * 1. Follow: the channel follows the execution through the subscription (as notify's first
 *    delivery through it does), so later events of the execution come to it whatever the filter.
 * 2. Merge the run note into the record with the conditional write notify uses: on a first write,
 *    joined with what CodePipeline says of the execution so far (openingState). A notify that merged
 *    an event first is merged into (its version is read and expected), one that merges after reads
 *    the record with the note: the join does not depend on the order.
 * 3. Render under the lease lock (renderConversation): a post happens only under the lock, on a
 *    record that shows no message id (marked as begun in `pendingPosts` before the chat call where
 *    the platform can look for it: Slack): a racing
 *    notify either holds the lock (this render waits for it, within about 3 s, to show the note) or
 *    finds the message recorded. One message per (channel, execution), whoever comes first.
 */
export async function announceRun(announcement: RunAnnouncement, deps: NotifyDeps): Promise<RunAnnounced> {
  const { channel, pipeline, executionId } = announcement;
  const key: ConversationKey = { channel, pipeline, executionId };
  const context: LogFields = { rule: announcement.rule, channel: channelLabel(channel), pipeline, executionId };
  const options = { ...DEFAULT_NOTIFY_OPTIONS, ...deps.options };
  const viewing = overviewOptions(pipeline, deps, context);

  await deps.conversations.follow({ pipeline, executionId }, { channel, rule: announcement.rule });
  let version: number | undefined;
  let opening: ExecutionState | undefined | null = null;
  for (let attempt = 1; version === undefined; attempt++) {
    const record = await deps.conversations.read(key);
    let base = record?.state;
    if (base === undefined) {
      opening ??=
        (await openingStateOf({ ...key, region: announcement.region, account: announcement.account }, deps, context)) ??
        undefined;
      base = opening === undefined ? emptyState(announcement) : mergeExecutionStates(emptyState(announcement), opening);
    }
    const next = withRunNote(base, announcement.note);
    if (record !== undefined && next === record.state) {
      version = record.version;
      break;
    }
    const written = await deps.conversations.writeState(key, next, record?.version);
    if (written.ok) version = written.version;
    else if (attempt >= options.maxMergeAttempts) {
      deps.log.warn('run: lost every conditional write of the run note; notify shows the execution', context);
      return { status: 'pending' };
    } else await (deps.sleep ?? sleep)(backoffMs(attempt, deps.random ?? Math.random));
  }

  try {
    const outcome = await renderConversation(key, version, deps, options, context, await viewing);
    if (outcome.status === 'rendered') return { status: 'posted', messageId: outcome.messageId };
    if (outcome.status === 'undeliverable') return { status: 'undeliverable', code: outcome.code };
    // Deferred: the holder showed it (awaitHolder saw the version on screen), so the id is recorded.
    const shown = await deps.conversations.read(key);
    return shown?.messageId === undefined ? { status: 'pending' } : { status: 'posted', messageId: shown.messageId };
  } catch (error) {
    if (!(error instanceof RenderPendingError || error instanceof ConversationContentionError)) throw error;
    deps.log.warn('run: the message is not on screen yet; notify’s next render shows it', {
      ...context,
      error: errorFields(error),
    });
    return { status: 'pending' };
  }
}

/** The state of an execution nothing is known of yet but who ran it. */
function emptyState(announcement: RunAnnouncement): ExecutionState {
  return {
    schema: EXECUTION_STATE_SCHEMA,
    pipeline: announcement.pipeline,
    executionId: announcement.executionId,
    region: announcement.region,
    account: announcement.account,
    startTime: announcement.note.time,
    stages: {},
    actions: {},
    seenEvents: [],
    version: 0,
  };
}
