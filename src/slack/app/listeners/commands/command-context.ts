// (Slack adapter) what every /pipewatch subcommand receives
import type { ChannelRef } from '../../../../core/subscriptions';
import type { SlackAppDeps } from '../../deps';

export interface CommandContext {
  readonly deps: SlackAppDeps;
  /** The channel the command was typed in: subscriptions are always this channel's. */
  readonly channel: ChannelRef;
  readonly userId: string;
  /** How pipewatch is invoked (`/pipewatch`), for the examples in answers. */
  readonly command: string;
}

/** The answer shown to the person who typed the command, as mrkdwn (already escaped). */
export interface CommandAnswer {
  readonly text: string;
  /** Ephemeral unless a command says otherwise; none does yet. */
  readonly inChannel?: boolean;
}
