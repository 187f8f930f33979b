// (core) the words after subscribe --> a Subscription (pipelines, states, --stage/--action/--category/--level/--account/--region), or --pattern; --allow-missing
import { REGION_CODE } from '../events/console-url';
import { ACTION_CATEGORIES, ALL_STATES, LEVELS, type Level, STATES_BY_LEVEL } from '../events/states';
import { nearest } from '../nearest';
import { InvalidSubscriptionError } from './errors';
import { restrictToCodePipeline } from './pattern-subscription';
import {
  ACCOUNT_ID,
  type FilterSubscription,
  type PipelineSelector,
  RESOURCE_NAME,
  type Subscription,
} from './subscription';

/** The order the seed document lists detail-types in; kept so generated patterns read like AWS's examples. */
const LEVEL_ORDER: readonly Level[] = ['pipeline', 'action', 'stage'];

/** The options that take a value. */
const OPTIONS: readonly string[] = ['stage', 'action', 'category', 'level', 'account', 'region', 'pattern'];
/** The options that take none. */
const SWITCHES: readonly string[] = ['allow-missing', 'transitions'];

export const SUBSCRIBE_USAGE =
  'subscribe <pipeline>[,<pipeline>…] [STATE …] [--stage NAME] [--action NAME] [--category C[,C…]] [--level pipeline|stage|action[,…]] [--account ID[,ID…]] [--region R[,R…]] [--transitions] [--allow-missing] [--pattern JSON]';

/** What `subscribe` was asked: the subscription, and whether names missing from the account are accepted. */
export interface SubscribeArguments {
  readonly subscription: Subscription;
  /** `--allow-missing`: subscribe to a pipeline or stage that does not exist (yet). */
  readonly allowMissing: boolean;
}

/**
 * Turns the tokens after `subscribe` (already split, see commands/tokenize) into a Subscription.
 * Throws InvalidSubscriptionError with a message that names the offending word. `--allow-missing`
 * is accepted and has no effect on the subscription (unsubscribe takes the same arguments).
 */
export function parseSubscriptionArguments(tokens: readonly string[]): Subscription {
  return parseSubscribeArguments(tokens).subscription;
}

/** The same, with the switches that only `subscribe` reads. */
export function parseSubscribeArguments(tokens: readonly string[]): SubscribeArguments {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let allowMissing = false;
  let transitions = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.startsWith('--')) {
      positional.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
    if (SWITCHES.includes(name)) {
      if (eq !== -1) throw new InvalidSubscriptionError(`\`--${name}\` takes no value.`);
      if (name === 'transitions') transitions = true;
      else allowMissing = true;
      continue;
    }
    if (!OPTIONS.includes(name)) {
      const near = nearest(name, [...OPTIONS, ...SWITCHES]);
      throw new InvalidSubscriptionError(
        `Unknown option \`--${name}\`${near === undefined ? '.' : `: did you mean \`--${near}\`?`}`,
      );
    }
    if (flags.has(name)) throw new InvalidSubscriptionError(`\`--${name}\` is given twice.`);
    let value: string | undefined;
    if (eq !== -1) value = token.slice(eq + 1);
    else {
      value = tokens[i + 1];
      i++;
    }
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new InvalidSubscriptionError(`\`--${name}\` needs a value.`);
    }
    flags.set(name, value);
  }

  const rawPattern = flags.get('pattern');
  if (rawPattern !== undefined) {
    if (positional.length > 0 || flags.size > 1 || transitions) {
      throw new InvalidSubscriptionError('`--pattern` stands alone: give either a pattern or pipelines and filters.');
    }
    return { subscription: restrictToCodePipeline(rawPattern), allowMissing };
  }

  const [pipelineArg, ...stateArgs] = positional;
  if (pipelineArg === undefined) {
    throw new InvalidSubscriptionError('Name a pipeline (or `*` for all pipelines).');
  }
  const subscription = buildFilterSubscription({
    pipelines: parsePipelineList(pipelineArg),
    states: stateArgs.flatMap((s) => s.split(',')).filter((s) => s !== ''),
    stage: flags.get('stage'),
    action: flags.get('action'),
    categories: flags.has('category') ? (flags.get('category') as string).split(',').filter((c) => c !== '') : [],
    level: flags.get('level'),
    transitions,
    accounts: listOf(flags.get('account')),
    regions: listOf(flags.get('region')),
  });
  return { subscription, allowMissing };
}

export interface FilterInput {
  pipelines: PipelineSelector[];
  states: string[];
  stage?: string | undefined;
  action?: string | undefined;
  categories: string[];
  level?: string | undefined;
  /** `--transitions`: broken/fixed only (see FilterSubscription.transitions). */
  transitions?: boolean | undefined;
  /** `--account`: AWS account ids (12 digits). */
  accounts?: readonly string[] | undefined;
  /** `--region`: region codes (eu-west-1). */
  regions?: readonly string[] | undefined;
}

/** A comma-separated option's values; undefined when the option is absent. */
function listOf(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').filter((item) => item !== '');
}

/** `--account` and `--region`, checked and normalised (sorted, once each), as a subscription's fields. */
function originOf(input: FilterInput): Pick<FilterSubscription, 'accounts' | 'regions'> {
  const origin: Pick<FilterSubscription, 'accounts' | 'regions'> = {};
  if (input.accounts !== undefined) {
    if (input.accounts.length === 0) throw new InvalidSubscriptionError('`--account` needs a value.');
    for (const account of input.accounts) {
      if (!ACCOUNT_ID.test(account)) {
        throw new InvalidSubscriptionError(
          `\`${account}\` is not an AWS account id: twelve digits, as in 111111111111.`,
        );
      }
    }
    origin.accounts = [...new Set(input.accounts)].sort();
  }
  if (input.regions !== undefined) {
    if (input.regions.length === 0) throw new InvalidSubscriptionError('`--region` needs a value.');
    const regions = input.regions.map((region) => region.toLowerCase());
    for (const [i, region] of regions.entries()) {
      if (!REGION_CODE.test(region)) {
        throw new InvalidSubscriptionError(
          `\`${input.regions[i]}\` is not an AWS region code, such as eu-west-1 or us-gov-west-1.`,
        );
      }
    }
    origin.regions = [...new Set(regions)].sort();
  }
  return origin;
}

/** Validates and normalises the parts of a filter subscription, whichever way they were given. */
export function buildFilterSubscription(input: FilterInput): FilterSubscription {
  const origin = originOf(input);
  const subscription = buildPipelineFilter(input);
  return { ...subscription, ...origin };
}

function buildPipelineFilter(input: FilterInput): FilterSubscription {
  if (input.transitions === true) return buildTransitionsSubscription(input);
  const pipelines = normalisePipelines(input.pipelines);
  const stage = checkName('stage', input.stage);
  const action = checkName('action', input.action);
  const categories = [...new Set(input.categories.map(normaliseCategory))];

  let explicitLevels: Level[] | undefined;
  if (input.level !== undefined) {
    explicitLevels = input.level
      .split(',')
      .filter((l) => l !== '')
      .map((raw) => {
        const level = raw.toLowerCase();
        if (!(LEVELS as readonly string[]).includes(level)) {
          const near = nearest(level, LEVELS);
          throw new InvalidSubscriptionError(
            near === undefined
              ? `Unknown level \`${raw}\`: use pipeline, stage or action.`
              : `Unknown level \`${raw}\`: did you mean ${near}?`,
          );
        }
        return level as Level;
      });
    if (explicitLevels.length === 0) throw new InvalidSubscriptionError('`--level` needs a value.');
  }

  // Which levels can carry the filters at all: a stage name exists on stage and action events,
  // an action name and a category only on action events.
  let candidates: Level[] = [...LEVEL_ORDER];
  if (stage !== undefined) candidates = candidates.filter((l) => l !== 'pipeline');
  if (action !== undefined || categories.length > 0) candidates = ['action'];
  if (explicitLevels !== undefined) {
    const impossible = explicitLevels.find((l) => !candidates.includes(l));
    if (impossible !== undefined) {
      const why = action !== undefined || categories.length > 0 ? '`--action` and `--category`' : '`--stage`';
      throw new InvalidSubscriptionError(`${why} cannot be used with \`--level ${impossible}\`.`);
    }
    candidates = candidates.filter((l) => explicitLevels.includes(l));
  } else if (stage !== undefined && action === undefined && categories.length === 0) {
    // "Tell me about stage Build" means the stage's own events, not one per action inside it.
    candidates = ['stage'];
  }

  const states = [...new Set(input.states.map((s) => s.toUpperCase()))];
  for (const state of states) {
    if (!candidates.some((level) => STATES_BY_LEVEL[level].includes(state))) {
      throw new InvalidSubscriptionError(unknownStateMessage(state, candidates));
    }
  }
  const levels =
    states.length === 0
      ? candidates
      : candidates.filter((level) => states.some((s) => STATES_BY_LEVEL[level].includes(s)));

  const subscription: FilterSubscription = {
    kind: 'filter',
    pipelines,
    levels,
    states: states.sort(),
    categories: categories.sort(),
  };
  if (stage !== undefined) subscription.stage = stage;
  if (action !== undefined) subscription.action = action;
  return subscription;
}

/**
 * `--transitions`: the pipeline's (or with `--stage`, the stage's) SUCCEEDED and FAILED events,
 * which is all notify needs to judge broken and fixed. States, actions, categories and levels
 * would change what "broken" means, so they are refused with the reason.
 */
function buildTransitionsSubscription(input: FilterInput): FilterSubscription {
  const refuse = (what: string) =>
    new InvalidSubscriptionError(
      `\`--transitions\` watches the pipeline's (or with \`--stage\`, the stage's) SUCCEEDED and FAILED events: leave out ${what}.`,
    );
  if (input.states.length > 0) throw refuse('the states');
  if (input.action !== undefined || input.categories.length > 0) throw refuse('`--action` and `--category`');
  if (input.level !== undefined) throw refuse('`--level`');
  const stage = checkName('stage', input.stage);
  const subscription: FilterSubscription = {
    kind: 'filter',
    pipelines: normalisePipelines(input.pipelines),
    levels: [stage === undefined ? 'pipeline' : 'stage'],
    states: ['FAILED', 'SUCCEEDED'],
    categories: [],
    transitions: true,
  };
  if (stage !== undefined) subscription.stage = stage;
  return subscription;
}

function unknownStateMessage(state: string, levels: readonly Level[]): string {
  const valid = [...new Set(levels.flatMap((l) => STATES_BY_LEVEL[l]))];
  // A typo (no level has this state) gets the nearest valid one; a real state of another level does not.
  const near = ALL_STATES.includes(state) ? undefined : nearest(state, valid);
  if (near !== undefined) return `Unknown state \`${state}\`: did you mean ${near}?`;
  const where = levels.length === 1 ? `${levels[0]} events` : `${levels.join('/')} events`;
  return `\`${state}\` is not a state of ${where}. Valid states: ${valid.join(', ')}.`;
}

export function parsePipelineList(arg: string): PipelineSelector[] {
  const parts = arg.split(',').filter((p) => p !== '');
  if (parts.length === 0) throw new InvalidSubscriptionError('Name a pipeline (or `*` for all pipelines).');
  return parts.map(parsePipelineSelector);
}

function parsePipelineSelector(part: string): PipelineSelector {
  if (part === '*') return { kind: 'all' };
  const star = part.indexOf('*');
  if (star === -1) {
    if (!RESOURCE_NAME.test(part)) throw new InvalidSubscriptionError(invalidNameMessage('pipeline', part));
    return { kind: 'name', name: part };
  }
  const prefix = part.slice(0, -1);
  if (star !== part.length - 1 || !RESOURCE_NAME.test(prefix)) {
    throw new InvalidSubscriptionError(
      `\`${part}\` is not a pipeline name or prefix: a \`*\` may only end a prefix, as in \`api-*\`.`,
    );
  }
  return { kind: 'prefix', prefix };
}

function normalisePipelines(selectors: readonly PipelineSelector[]): PipelineSelector[] {
  if (selectors.length === 0 || selectors.some((s) => s.kind === 'all')) return [{ kind: 'all' }];
  const prefixes = selectors.flatMap((s) => (s.kind === 'prefix' ? [s.prefix] : []));
  const covered = (name: string) => prefixes.some((p) => name.startsWith(p));
  // A prefix inside a shorter prefix, or a name a prefix already covers, adds nothing.
  const keptPrefixes = [...new Set(prefixes)].filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q)));
  const names = [...new Set(selectors.flatMap((s) => (s.kind === 'name' ? [s.name] : [])))].filter((n) => !covered(n));
  return [
    ...names.sort().map((name): PipelineSelector => ({ kind: 'name', name })),
    ...keptPrefixes.sort().map((prefix): PipelineSelector => ({ kind: 'prefix', prefix })),
  ];
}

function checkName(what: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!RESOURCE_NAME.test(value)) throw new InvalidSubscriptionError(invalidNameMessage(what, value));
  return value;
}

function invalidNameMessage(what: string, value: string): string {
  return `\`${value}\` is not a valid ${what} name: CodePipeline names are 1–100 characters of letters, digits and . @ - _`;
}

function normaliseCategory(category: string): string {
  const known = ACTION_CATEGORIES.find((c) => c.toLowerCase() === category.toLowerCase());
  if (known === undefined) {
    const near = nearest(category, ACTION_CATEGORIES);
    throw new InvalidSubscriptionError(
      near === undefined
        ? `\`${category}\` is not an action category. Valid categories: ${ACTION_CATEGORIES.join(', ')}.`
        : `\`${category}\` is not an action category: did you mean ${near}?`,
    );
  }
  return known;
}
