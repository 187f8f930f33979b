// (core) what an interactive button carries back to pipewatch: identifiers only, the same on every platform
import { PipewatchError } from '../errors';
import { CODEPIPELINE_NAME, REGION_CODE } from '../events';
import type { AlertAction } from '../messages';
import * as z from '../zod';

/** The version of the value's shape, so a later change can still read buttons already posted. */
const VALUE_VERSION = 1;

const identifier = z.string().check(z.minLength(1));

const execution = {
  v: z.literal(VALUE_VERSION),
  pipeline: identifier,
  executionId: identifier,
  // The region picks the CodePipeline endpoint the click calls: a region code, nothing else.
  region: z.string().check(z.regex(REGION_CODE)),
  account: identifier,
};

const target = { ...execution, stage: identifier };

/**
 * The durations a Snooze control offers (Slack's select, Teams' choice set): the option's value is
 * the whole button value, so it must stay within Slack's 150 characters for an option's value
 * (`{"v":1,"kind":"snooze","pipeline":"<≤100>","for":"24h"}` is at most 147).
 */
export const SNOOZE_CHOICES = ['1h', '4h', '24h'] as const;
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];
export const SNOOZE_CHOICE_MS: Readonly<Record<SnoozeChoice, number>> = {
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
  '24h': 24 * 3_600_000,
};
export const SNOOZE_CHOICE_LABELS: Readonly<Record<SnoozeChoice, string>> = {
  '1h': '1 hour',
  '4h': '4 hours',
  '24h': '24 hours',
};

/**
 * What a retry, approve, reject or stop button (a Slack button's `value`, a Teams card action's `data`)
 * carries back to the click handler:
 * identifiers only, never a token (the approval token is read from
 * GetPipelineState when the button is pressed). Strict, so a value with any
 * other key is refused rather than half-trusted.
 *
 * @example
 * {"v":1,"kind":"retry","mode":"FAILED_ACTIONS","pipeline":"meerkat","executionId":"94fb261b-…",
 *  "region":"us-east-1","account":"123456789012","stage":"Build"}
 * A stop names the execution only: whether to wait or abandon is chosen after the press.
 */
export const buttonValueSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...target, kind: z.literal('retry'), mode: z.enum(['FAILED_ACTIONS', 'ALL_ACTIONS']) }),
  z.strictObject({ ...target, kind: z.enum(['approve', 'reject']), action: identifier }),
  z.strictObject({ ...execution, kind: z.literal('stop') }),
  // A snooze names the pipeline and the duration only (the channel is where it was pressed).
  z.strictObject({
    v: z.literal(VALUE_VERSION),
    kind: z.literal('snooze'),
    pipeline: z.string().check(z.regex(CODEPIPELINE_NAME)),
    for: z.enum(SNOOZE_CHOICES),
  }),
]);

export type ButtonValue = z.infer<typeof buttonValueSchema>;

/** The button's value could not be read: not JSON, or not the shape pipewatch writes. */
export class InvalidButtonValueError extends PipewatchError {
  /** Spelled out: minified bundles rename classes. */
  override readonly name = 'InvalidButtonValueError';

  readonly code = 'INVALID_BUTTON_VALUE' as const;
}

/** The value of an interactive button as compact JSON; undefined for a link (it needs none) and a snooze (one value per choice: snoozeValues). */
export function buttonValueOf(action: AlertAction): ButtonValue | undefined {
  const common = {
    v: VALUE_VERSION,
    pipeline: action.pipeline,
    executionId: action.executionId,
    region: action.region,
    account: action.account,
  } as const;
  switch (action.kind) {
    case 'retry':
      return { ...common, kind: 'retry', mode: action.mode, stage: action.stage };
    case 'approve':
    case 'reject':
      return { ...common, kind: action.kind, stage: action.stage, action: action.action };
    case 'stop':
      return { ...common, kind: 'stop' };
    case 'snooze':
    case 'open-console':
      return undefined;
  }
}

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify(value);
}

/** Reads the `value` of a clicked button. Throws InvalidButtonValueError, with the original error as `cause`. */
export function parseButtonValue(value: string): ButtonValue {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new InvalidButtonValueError('Button value is not JSON', { cause: error });
  }
  const result = buttonValueSchema.safeParse(json);
  if (!result.success) {
    const where = result.error.issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`);
    throw new InvalidButtonValueError(`Button value is not a pipewatch action: ${where.join('; ')}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** The value of each Snooze choice, in SNOOZE_CHOICES' order; none for a name CodePipeline would not allow (no control then). */
export function snoozeValues(pipeline: string): { readonly choice: SnoozeChoice; readonly value: ButtonValue }[] {
  if (!CODEPIPELINE_NAME.test(pipeline)) return [];
  return SNOOZE_CHOICES.map((choice) => ({
    choice,
    value: { v: VALUE_VERSION, kind: 'snooze', pipeline, for: choice },
  }));
}
