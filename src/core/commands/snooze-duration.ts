// (core) snooze durations: "30m", "2h", "1d", "1h30m" --> milliseconds, bounded; a mistyped unit gets a suggestion
import { InvalidCommandError } from './errors';

/** The longest snooze: a week (a longer mute is an unsubscribe). */
export const MAX_SNOOZE_MS = 7 * 24 * 60 * 60 * 1000;
/** The shortest: a minute. */
export const MIN_SNOOZE_MS = 60 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Unit words people type, and the letter they mean. */
const UNIT_WORDS: ReadonlyMap<string, string> = new Map([
  ['min', 'm'],
  ['mins', 'm'],
  ['minute', 'm'],
  ['minutes', 'm'],
  ['hr', 'h'],
  ['hrs', 'h'],
  ['hour', 'h'],
  ['hours', 'h'],
  ['day', 'd'],
  ['days', 'd'],
]);

const DURATION = /^(?:\d+[mhd])+$/;

/**
 * Reads a snooze duration: one or more `<number><m|h|d>` parts (`30m`, `2h`, `1d`, `1h30m`),
 * case-insensitive, from 1 minute to 7 days. Throws InvalidCommandError naming the problem, with
 * the duration meant when the unit was a word (`2hours` → `2h`).
 */
export function parseSnoozeDuration(text: string, usage: string): number {
  const lowered = text.toLowerCase();
  if (!DURATION.test(lowered)) {
    const worded = /^(\d+)\s*([a-z]+)$/.exec(lowered);
    const unit = worded === null ? undefined : UNIT_WORDS.get(worded[2] as string);
    const hint =
      worded !== null && unit !== undefined
        ? `: did you mean \`${worded[1]}${unit}\`?`
        : ': use minutes, hours or days, as in `30m`, `2h`, `1d` (at most 7 days).';
    throw new InvalidCommandError(`\`${truncate(text)}\` is not a duration${hint}`, usage);
  }
  let ms = 0;
  for (const [, amount, unit] of lowered.matchAll(/(\d+)([mhd])/g)) {
    ms += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  if (ms < MIN_SNOOZE_MS) throw new InvalidCommandError('A snooze lasts at least a minute (`1m`).', usage);
  if (ms > MAX_SNOOZE_MS) {
    throw new InvalidCommandError(
      `A snooze lasts at most 7 days (\`7d\`); \`${truncate(text)}\` is longer. To stop the alerts for good, unsubscribe.`,
      usage,
    );
  }
  return ms;
}

function truncate(word: string): string {
  return word.length > 20 ? `${word.slice(0, 19)}…` : word;
}
