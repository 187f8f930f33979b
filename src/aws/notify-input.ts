// (adapter contract) what a subscription rule's target sends the notify function: shared by the EventBridge rule store (writer) and handlers/notify.ts (reader)
import { CHAT_PLATFORMS, type ChannelRef } from '../core/channels';
import * as z from '../core/zod';

/**
 * The notify function's input, produced by the InputTransformer of every subscription rule:
 * `{"rule": <rule name>, "channel": {platform, workspace, channel}, "event": <the whole event>}`.
 * The channel travels in the input so that the notify path needs no lookup to know where to post.
 * `event` stays `unknown` here: the core's event parser validates it (and may reject it) on its own.
 */
export const notifyInputSchema = z.object({
  rule: z.string().check(z.minLength(1)),
  channel: z.object({
    platform: z.enum(CHAT_PLATFORMS),
    workspace: z.string().check(z.minLength(1)),
    channel: z.string().check(z.minLength(1)),
  }),
  event: z.unknown(),
  /** `transitions`: a `--transitions` subscription; notify posts only broken and fixed (notifyTransition). */
  mode: z.optional(z.literal('transitions')),
});

export type NotifyInput = z.infer<typeof notifyInputSchema>;

/** Where a schedule's call is about (a reminder's, a snooze's end): the channel and the pipeline, strictly. */
const scheduledTarget = {
  channel: z.strictObject({
    platform: z.enum(CHAT_PLATFORMS),
    workspace: z.string().check(z.minLength(1)),
    channel: z.string().check(z.minLength(1)),
  }),
  pipeline: z.string().check(z.regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'expected a pipeline name')),
};

/**
 * The input of an approval reminder's schedule (EventBridge Scheduler, one per waiting approval,
 * created by notify): `{"reminder": {"channel": {…}, "pipeline", "executionId", "approval": <the
 * approval reply's key>}}`. Strict: nothing else travels in a schedule's input.
 */
export const reminderInputSchema = z.strictObject({
  reminder: z.strictObject({
    ...scheduledTarget,
    executionId: z.string().check(z.minLength(1), z.maxLength(200)),
    approval: z.string().check(z.regex(/^approval:[A-Za-z0-9.@\-_]{1,100}\/[A-Za-z0-9.@\-_]{1,100}@\d+$/)),
  }),
});

export type ReminderInput = z.infer<typeof reminderInputSchema>;

/**
 * The input of a snooze's end schedule (EventBridge Scheduler, one per (channel, pipeline) snooze,
 * created by the chat function that set the snooze): `{"snoozeEnd": {"channel": {…}, "pipeline",
 * "until": <ms since the epoch>}}`. Strict: nothing else travels in a schedule's input.
 */
export const snoozeEndInputSchema = z.strictObject({
  snoozeEnd: z.strictObject({
    ...scheduledTarget,
    until: z.number().check(z.int(), z.positive()),
  }),
});

export type SnoozeEndInput = z.infer<typeof snoozeEndInputSchema>;

/**
 * The input of the follow rule's target: `{"rule": <rule name>, "follow": true, "event": <the
 * whole event>}`. The follow rule matches every CodePipeline event on the bus; notify updates the
 * conversations of the channels that follow the event's execution (see notifyFollowers).
 */
export const followInputSchema = z.object({
  rule: z.string().check(z.minLength(1)),
  follow: z.literal(true),
  event: z.unknown(),
});

export type FollowInput = z.infer<typeof followInputSchema>;

/** The follow rule's InputTemplate: no channel, the followers are read per execution. */
export const FOLLOW_INPUT_TEMPLATE =
  '{"rule": <aws.events.rule-name>, "follow": true, "event": <aws.events.event.json>}';

/** The follow rule: on the pipewatch bus, every CodePipeline event (serverless.yml and the local mode create it). */
export const FOLLOW_RULE_NAME = 'pipewatch-follow';
export const FOLLOW_RULE_PATTERN = { source: ['aws.codepipeline'] } as const;

/** EventBridge's limit on an InputTemplate. */
export const MAX_INPUT_TEMPLATE_LENGTH = 8192;

/**
 * The InputTemplate of a subscription rule's target.
 *
 * The channel is literal JSON built with JSON.stringify, never by string concatenation, so quotes,
 * backslashes and control characters in a channel id are escaped. `<` and `>` are additionally
 * written as `\u003c` / `\u003e`: EventBridge substitutes `<name>` placeholders anywhere in the
 * template, even inside JSON strings, so a channel called `<aws.events.rule-name>` would otherwise
 * be replaced. The two reserved variables sit where JSON values are expected, as the EventBridge
 * User Guide requires ("can only be used as a value for a JSON field").
 */
export function notifyInputTemplate(channel: ChannelRef, mode?: 'transitions'): string {
  // Only the three known fields: a caller's extra properties must not leak into the input.
  const literal = JSON.stringify({
    platform: channel.platform,
    workspace: channel.workspace,
    channel: channel.channel,
  })
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e');
  const modeField = mode === undefined ? '' : `, "mode": ${JSON.stringify(mode)}`;
  const template = `{"rule": <aws.events.rule-name>, "channel": ${literal}${modeField}, "event": <aws.events.event.json>}`;
  if (template.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new RangeError(
      `The channel reference is too long for an EventBridge input template (${template.length} > ${MAX_INPUT_TEMPLATE_LENGTH} characters)`,
    );
  }
  return template;
}

/** Parses what the notify function received; throws a zod error (`z.core.$ZodError`) naming the bad field. */
export function parseNotifyInput(input: unknown): NotifyInput {
  return notifyInputSchema.parse(input);
}
