// (core) snooze <pipeline> <duration> | snooze <pipeline> off | unsnooze <pipeline> --> SnoozeStore; list's snooze lines
import { utcMinute } from '../../messages';
import { nearest } from '../../nearest';
import { formatDuration } from '../../notify/quiet-subscriptions';
import { cancelSnoozeSchedule, type SnoozeSetter, startSnooze } from '../../notify/snooze-schedule';
import type { Snooze } from '../../ports';
import { type CommandAnswer, type CommandContext, type CommandDeps, textAnswer } from './command-context';

const NOT_SET_UP = 'Snoozing is not set up in this pipewatch (no snooze store).';

/**
 * Mutes the pipeline in this channel until now + `durationMs` (replacing a snooze already running:
 * the new end counts). The name is checked against the account when CodePipeline answers: an
 * unknown one is refused with the nearest; when it cannot be asked, the snooze is made anyway.
 */
export async function snoozePipeline(
  context: CommandContext,
  deps: CommandDeps,
  pipeline: string,
  durationMs: number,
): Promise<CommandAnswer> {
  if (deps.snoozes === undefined) return textAnswer(NOT_SET_UP);
  const unknown = await unknownPipeline(deps, pipeline);
  if (unknown !== undefined) return textAnswer(unknown);
  const now = (deps.now ?? Date.now)();
  const until = now + durationMs;
  const { scheduled } = await startSnooze(setterOf(deps, deps.snoozes), context.channel, {
    pipeline,
    until,
    since: now,
    by: context.userId,
  });
  deps.log.info('snoozed', {
    channel: context.channel,
    pipeline,
    until: new Date(until).toISOString(),
    by: context.userId,
    scheduled,
  });
  return textAnswer(
    [
      `Snoozed \`${pipeline}\` in this channel for ${formatDuration(durationMs)}, until ${utcMinute(until)}.`,
      'No new alerts about it are posted here meanwhile (messages already posted keep updating); its failures are counted and summarised in one message when the snooze ends.',
      `\`${context.invocation} snooze ${pipeline} off\` ends it now.`,
    ].join('\n'),
  );
}

/**
 * Ends the channel's running snooze of the pipeline and deletes its end's schedule (which would
 * find it ended and do nothing anyway). The summary of what it held back is not posted now: it
 * follows with the next alert about the pipeline, as the answer says (the person who ended it is
 * told the count at once).
 */
export async function unsnoozePipeline(
  context: CommandContext,
  deps: CommandDeps,
  pipeline: string,
): Promise<CommandAnswer> {
  if (deps.snoozes === undefined) return textAnswer(NOT_SET_UP);
  const ended = await deps.snoozes.endSnooze(context.channel, pipeline, (deps.now ?? Date.now)());
  if (ended === undefined) return textAnswer(`\`${pipeline}\` is not snoozed in this channel.`);
  await cancelSnoozeSchedule(setterOf(deps, deps.snoozes), context.channel, pipeline);
  deps.log.info('unsnoozed', { channel: context.channel, pipeline, by: context.userId });
  const count = ended.swallowed.length;
  const held =
    count === 0
      ? 'No failure was held back.'
      : `${count === 1 ? '1 failure was' : `${count} failures were`} held back: their summary is posted here with the next alert about \`${pipeline}\`.`;
  return textAnswer(`Ended the snooze of \`${pipeline}\` in this channel. ${held}`);
}

function setterOf(deps: CommandDeps, snoozes: SnoozeSetter['snoozes']): SnoozeSetter {
  return { snoozes, snoozeSchedules: deps.snoozeSchedules, log: deps.log };
}

/** `list`'s lines about the channel's snoozes (none when there are none, or no store). */
export async function snoozeLines(context: CommandContext, deps: CommandDeps): Promise<string[]> {
  if (deps.snoozes === undefined) return [];
  const snoozes = await deps.snoozes.list(context.channel);
  if (snoozes.length === 0) return [];
  const now = (deps.now ?? Date.now)();
  return [`Snoozed in this channel:`, ...snoozes.map((snooze) => snoozeLine(snooze, now))];
}

function snoozeLine(snooze: Snooze, now: number): string {
  const count = snooze.swallowed.length;
  const failures = count === 1 ? '1 failure held back' : `${count} failures held back`;
  if (snooze.until > now) {
    return `• \`${snooze.pipeline}\` until ${utcMinute(snooze.until)} (${formatDuration(snooze.until - now)} left), ${failures}`;
  }
  return `• \`${snooze.pipeline}\` ended ${new Date(snooze.until).toISOString()}, ${failures}: the summary is posted with the next alert`;
}

/** A refusal naming the nearest pipeline, or undefined when the pipeline exists or the account could not be asked. */
async function unknownPipeline(deps: CommandDeps, pipeline: string): Promise<string | undefined> {
  let names: readonly string[];
  try {
    names = await deps.catalog.pipelineNames();
  } catch (error) {
    deps.log.warn('could not check the snoozed pipeline against the account', { pipeline, error: String(error) });
    return undefined;
  }
  if (names.includes(pipeline)) return undefined;
  try {
    await deps.catalog.stageNames(pipeline);
    return undefined;
  } catch {
    // Not found (or not answerable): judged by the list.
  }
  const near = nearest(pipeline, names);
  return `There is no pipeline \`${pipeline}\` in this account${near === undefined ? '.' : `: did you mean \`${near}\`?`}`;
}
