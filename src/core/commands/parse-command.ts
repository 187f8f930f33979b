// (core) the text after /pipewatch --> tokenize --> a Command, or an InvalidCommandError with the usage line
import { PipewatchError } from '../errors';
import { nearest } from '../nearest';
import {
  InvalidSubscriptionError,
  parseSubscribeArguments,
  parseSubscriptionArguments,
  RESOURCE_NAME,
} from '../subscriptions';
import type { Command, CommandName } from './command';
import { InvalidCommandError } from './errors';
import { parseSnoozeDuration } from './snooze-duration';
import { tokenize } from './tokenize';
import { COMMAND_NAMES, USAGE } from './usage';

/** A word that may be a subscription id: ids are letters and digits (a mistyped one too). */
const ID_LIKE = /^[0-9A-Za-z]+$/;
// A Map, not an object literal: a typed word such as `__proto__` must not find Object.prototype.
const ALIASES: ReadonlyMap<string, CommandName> = new Map([
  ['sub', 'subscribe'],
  ['unsub', 'unsubscribe'],
  ['ls', 'list'],
]);

function commandNamed(word: string): CommandName | undefined {
  const lowered = word.toLowerCase();
  return ALIASES.get(lowered) ?? COMMAND_NAMES.find((c) => c === lowered);
}

/** `: did you mean \`subscribe\`?` for a mistyped command (or alias), else `.`. */
function suggestCommand(word: string): string {
  const near = nearest(word, [...COMMAND_NAMES, ...ALIASES.keys()]);
  const name = near === undefined ? undefined : commandNamed(near);
  return name === undefined ? '.' : `: did you mean \`${name}\`?`;
}

/**
 * Parses the text after `/pipewatch`. Returns a Command or throws InvalidCommandError, whose
 * message says what was wrong and shows the usage line; no other error escapes.
 */
export function parseCommand(text: string): Command {
  const words = tokenize(text);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'help' };
  const name = commandNamed(first);
  if (name === undefined) {
    throw new InvalidCommandError(
      `Unknown command \`${truncate(first)}\`${suggestCommand(first)}`,
      COMMAND_NAMES.join(' | '),
    );
  }
  try {
    return parseNamed(name, rest);
  } catch (error) {
    if (error instanceof InvalidCommandError) throw error;
    if (error instanceof InvalidSubscriptionError)
      throw new InvalidCommandError(error.message, USAGE[name], { cause: error });
    // Anything else is a bug; still a typed answer for the person, with the original kept.
    const reason = error instanceof PipewatchError ? error.message : 'That command could not be read.';
    throw new InvalidCommandError(reason, USAGE[name], { cause: error });
  }
}

function parseNamed(name: CommandName, args: readonly string[]): Command {
  switch (name) {
    case 'subscribe': {
      if (args.length === 0) throw new InvalidCommandError('`subscribe` needs a pipeline.', USAGE.subscribe);
      const { subscription, allowMissing } = parseSubscribeArguments(args);
      return { kind: 'subscribe', subscription, allowMissing };
    }
    case 'unsubscribe':
      return { kind: 'unsubscribe', target: parseUnsubscribeTarget(args) };
    case 'list':
      noArguments('list', args);
      return { kind: 'list' };
    case 'status':
      return args.length === 0 ? { kind: 'status' } : { kind: 'status', pipeline: onePipeline('status', args) };
    case 'run':
      return { kind: name, pipeline: onePipeline(name, args) };
    case 'snooze': {
      const [pipeline, duration, ...extra] = args;
      if (pipeline === undefined)
        throw new InvalidCommandError('`snooze` needs a pipeline and a duration.', USAGE.snooze);
      checkPipelineName(pipeline, 'snooze');
      if (duration === undefined) {
        throw new InvalidCommandError(
          '`snooze` needs a duration, such as `30m`, `2h` or `1d`, or `off`.',
          USAGE.snooze,
        );
      }
      if (extra.length > 0) throw new InvalidCommandError('`snooze` takes a pipeline and a duration.', USAGE.snooze);
      if (duration.toLowerCase() === 'off') return { kind: 'unsnooze', pipeline };
      return { kind: 'snooze', pipeline, durationMs: parseSnoozeDuration(duration, USAGE.snooze) };
    }
    case 'unsnooze': {
      const [pipeline, ...extra] = args;
      if (pipeline === undefined) throw new InvalidCommandError('`unsnooze` needs a pipeline name.', USAGE.unsnooze);
      if (extra.length > 0) throw new InvalidCommandError('`unsnooze` takes one pipeline name.', USAGE.unsnooze);
      checkPipelineName(pipeline, 'unsnooze');
      return { kind: 'unsnooze', pipeline };
    }
    case 'help': {
      const [topic, ...extra] = args;
      if (topic === undefined) return { kind: 'help' };
      const known = commandNamed(topic);
      if (known === undefined || extra.length > 0) {
        const reason =
          known === undefined
            ? `There is no command \`${truncate(topic)}\`${suggestCommand(topic)}`
            : '`help` takes one command.';
        throw new InvalidCommandError(reason, USAGE.help);
      }
      return { kind: 'help', topic: known };
    }
  }
}

function parseUnsubscribeTarget(args: readonly string[]): Extract<Command, { kind: 'unsubscribe' }>['target'] {
  const [first] = args;
  if (first === undefined) {
    throw new InvalidCommandError('`unsubscribe` needs a subscription id, its arguments, or `all`.', USAGE.unsubscribe);
  }
  if (args.length === 1 && first.toLowerCase() === 'all') return { kind: 'all' };
  if (args.length === 1 && ID_LIKE.test(first)) {
    // An id, a mistyped id, or a pipeline's name: the handler tries the id first, then the name.
    try {
      return { kind: 'id', id: first, orSubscription: parseSubscriptionArguments(args) };
    } catch {
      return { kind: 'id', id: first };
    }
  }
  return { kind: 'subscription', subscription: parseSubscriptionArguments(args) };
}

function checkPipelineName(pipeline: string, name: CommandName): void {
  if (!RESOURCE_NAME.test(pipeline)) {
    throw new InvalidCommandError(`\`${truncate(pipeline)}\` is not a valid pipeline name.`, USAGE[name]);
  }
}

/** The one pipeline name `status` and `run` take. */
function onePipeline(name: 'status' | 'run', args: readonly string[]): string {
  const [pipeline, ...extra] = args;
  if (pipeline === undefined) throw new InvalidCommandError(`\`${name}\` needs a pipeline name.`, USAGE[name]);
  if (extra.length > 0) throw new InvalidCommandError(`\`${name}\` takes one pipeline name.`, USAGE[name]);
  if (!RESOURCE_NAME.test(pipeline)) {
    throw new InvalidCommandError(`\`${truncate(pipeline)}\` is not a valid pipeline name.`, USAGE[name]);
  }
  return pipeline;
}

function noArguments(name: CommandName, args: readonly string[]): void {
  if (args.length > 0) throw new InvalidCommandError(`\`${name}\` takes no arguments.`, USAGE[name]);
}

function truncate(word: string): string {
  return word.length > 40 ? `${word.slice(0, 39)}…` : word;
}
