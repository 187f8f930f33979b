// (core) what every command use case receives: the channel it was typed in, who typed it, and the ports
import type { AuthorizationPolicy, AuthorizedAction, ChatUser, PolicySource } from '../../actions';
import type { ChannelRef } from '../../channels';
import type { RunNote } from '../../executions';
import type {
  Log,
  PipelineCatalog,
  PipelineClient,
  PipelineStateView,
  ReminderSchedules,
  RuleStore,
  RulesQuota,
  RunRequesters,
  SnoozeStore,
} from '../../ports';

/** The ports the commands use. */
export interface CommandDeps {
  /** Subscriptions: rules on the pipewatch bus; the store adds the notify target and its InputTransformer. */
  readonly rules: RuleStore;
  /**
   * The bus's rules quota: `status` shows the rules against it and `subscribe` refuses a new rule
   * on a full bus before PutRule. Absent: `status` shows the count alone and EventBridge's refusal
   * is the only check.
   */
  readonly rulesQuota?: RulesQuota;
  readonly pipelines: PipelineClient;
  /** The account's pipeline and stage names, against which `subscribe` checks what was typed. */
  readonly catalog: PipelineCatalog;
  /**
   * The names of another place (`--region`, with `--account` another account's, through its member
   * role): `subscribe --account A --region R` checks what was typed there. Absent: such names are
   * taken as written.
   */
  readonly catalogAt?: (place: { readonly account?: string | undefined; readonly region: string }) => PipelineCatalog;
  readonly log: Pick<Log, 'info' | 'warn' | 'error'>;
  /** Snoozes per (channel, pipeline): `snooze`, `unsnooze`, and `list`'s snooze lines. Absent: snoozing is not set up. */
  readonly snoozes?: SnoozeStore;
  /** Where a snooze's end is scheduled, for its summary on time (EventBridge Scheduler); absent: the summary follows the next alert. */
  readonly snoozeSchedules?: ReminderSchedules;
  /** Milliseconds since the epoch (Date.now by default): when a snooze starts and ends. */
  readonly now?: () => number;
  /** Who may `run` a pipeline (the buttons' policy); absent: nobody may. */
  readonly policy?: PolicySource;
  /** Where the policy lives, named by a refusal. */
  readonly policyLocation?: string | undefined;
  /**
   * Posts the message of an execution `run` started, now, in a channel whose subscription shows its
   * start, as that (channel, execution)'s one message (src/core/notify/announce-run.ts), and gives
   * its link. Absent: `run` only says where the message will follow.
   */
  readonly announceRun?: (request: RunAnnouncementRequest) => Promise<RunLink>;
  /** Where `run` records who started an execution (for `"selfApproval": false`); absent: not recorded. */
  readonly requesters?: RunRequesters;
}

/** What `run` asks to be shown: the execution, the subscription that shows its start, who ran it. */
export interface RunAnnouncementRequest {
  readonly channel: ChannelRef;
  readonly pipeline: string;
  readonly executionId: string;
  /** Where it runs, when the CodePipeline client said. */
  readonly region?: string;
  readonly rule: string;
  readonly note: RunNote;
}

export type RunLink =
  /** On screen; `link` its permalink, when the platform gives one. */
  | { readonly status: 'posted'; readonly link?: string }
  | { readonly status: 'pending' }
  | { readonly status: 'undeliverable'; readonly code: string };

export interface CommandContext {
  /** The channel the command was typed in: subscriptions are always this channel's. */
  readonly channel: ChannelRef;
  /** The platform's id of the person who typed it. */
  readonly userId: string;
  /** How people invoke pipewatch on this platform (`/pipewatch`, `@pipewatch`), for the examples in answers. */
  readonly invocation: string;
  /**
   * The person with the groups the policy can grant through (as a button's presser), for the
   * commands that act on a pipeline (`run`); absent: the user id alone, no groups.
   */
  readonly user?: (policy: AuthorizationPolicy, action: AuthorizedAction, pipeline: string) => Promise<ChatUser>;
  /** "Slack", "Teams": recorded with what a command does. */
  readonly platformName?: string;
}

/**
 * The answer for the person who typed the command, rendered by the platform adapter. `text` is
 * plain sentences in which `code` spans and `•` bullets are the only markup, and nothing is
 * escaped yet; `status` is the pipeline's state, which each platform lays out with its own marks.
 */
export type CommandAnswer =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'status'; readonly state: PipelineStateView };

export function textAnswer(text: string): CommandAnswer {
  return { kind: 'text', text };
}
