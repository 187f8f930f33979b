// (composition) `run`'s announcement: the chat function's conversation store, chat poster and CodePipeline client --> announceRun (core) --> the message's link
import type { RunAnnouncementRequest, RunLink } from '../core/commands';
import { describeError } from '../core/errors';
import { announceRun } from '../core/notify';
import type { ChatPoster, ConversationStore, Log, PipelineClient } from '../core/ports';
import type { ChatAppLogger } from './chat-app-deps';

export interface RunAnnouncerOptions {
  /** The notify path's store (the same table and records notify uses). */
  readonly conversations: ConversationStore;
  /** The platform's poster, as notify posts with it (Slack: the bot token; Teams: the Bot Connector). */
  readonly chat: ChatPoster;
  readonly pipelines: PipelineClient;
  /** Where the pipelines run when the CodePipeline client does not say (the function's region). */
  readonly region: string;
  /** The account the pipelines live in: the chat function's own (it starts them with its role). */
  readonly account: string;
  readonly log: ChatAppLogger;
  readonly now?: () => number;
}

/**
 * The command port `announceRun` (CommandDeps): the run's message posted as notify would post it
 * (announceRun, under the conversation's lease lock), then its permalink. A permalink that cannot
 * be had costs the link only: the message is there, the answer says so.
 */
export function runAnnouncer(options: RunAnnouncerOptions): (request: RunAnnouncementRequest) => Promise<RunLink> {
  const log = fullLog(options.log);
  const deps = {
    conversations: options.conversations,
    chat: options.chat,
    pipelines: options.pipelines,
    now: options.now ?? Date.now,
    log,
    stageOrder: (pipeline: string) => options.pipelines.getPipelineStageNames(pipeline),
  };
  return async (request) => {
    const shown = await announceRun(
      {
        channel: request.channel,
        pipeline: request.pipeline,
        executionId: request.executionId,
        region: request.region ?? options.region,
        account: options.account,
        rule: request.rule,
        note: request.note,
      },
      deps,
    );
    if (shown.status !== 'posted') return shown;
    if (options.chat.permalink === undefined) return { status: 'posted' };
    try {
      return { status: 'posted', link: await options.chat.permalink(request.channel, shown.messageId) };
    } catch (error) {
      log.warn('run: the message is posted, its link could not be had', {
        pipeline: request.pipeline,
        executionId: request.executionId,
        messageId: shown.messageId,
        error: describeError(error),
      });
      return { status: 'posted' };
    }
  };
}

/** A chat app's logger as the notify path's Log (debug lines dropped): methods called on it, never copied. */
export function fullLog(log: ChatAppLogger): Log {
  return {
    debug: () => {},
    info: (message, fields) => log.info(message, fields),
    warn: (message, fields) => log.warn(message, fields),
    error: (message, fields) => log.error(message, fields),
  };
}

/** The account of an ARN (`arn:aws:lambda:us-east-1:123456789012:function:…`), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
