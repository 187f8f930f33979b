// (core) subscribe's pipeline and stage names --> PipelineCatalog (ListPipelines, GetPipeline) --> refused with the nearest name, or accepted with notes
import { describeError } from '../../errors';
import { nearest, nearestFirst } from '../../nearest';
import { PipelineApiError, UNREACHABLE_ACCOUNT } from '../../port-errors';
import type { Log, PipelineCatalog } from '../../ports';
import type { FilterSubscription, PipelineSelector } from '../../subscriptions';

/** At most this many pipelines' stages are read (GetPipeline) to check a `--stage` under `*` or a prefix. */
export const MAX_STAGE_LOOKUPS = 10;

/** CodePipeline's throttling codes: asking again at once would only be throttled too. */
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded/;

/** How many existing names a refusal lists when none is close enough to suggest. */
const FEW = 5;

/** What the account says about the names of a subscription: the facts judgeNames decides on. */
export interface AccountNames {
  /** Every pipeline's name (ListPipelines); undefined when CodePipeline could not be asked. */
  readonly pipelines?: readonly string[];
  /** Each pipeline the subscription names: whether it exists (GetPipeline confirms what the list lacks). */
  readonly named: ReadonlyMap<string, 'exists' | 'missing' | 'unknown'>;
  /** The `--stage` check, when the subscription has one and there were pipelines to check it against. */
  readonly stage?: StageFacts;
  /** Why something could not be checked, in words: `CodePipeline answered AccessDeniedException`. */
  readonly failure?: string;
}

export interface StageFacts {
  /** The stage is declared by at least one of the pipelines checked. */
  readonly found: boolean;
  /** The pipelines whose stages were read. */
  readonly checked: readonly string[];
  /** Their stage names, each once, in the order read. */
  readonly known: readonly string[];
  /** How many existing pipelines the subscription covers (`checked` may be fewer: a cap, or failures). */
  readonly covered: number;
  /** Every covered pipeline was checked, and the list of pipelines was read if a `*` or prefix needed it. */
  readonly complete: boolean;
}

export type NameVerdict =
  /** Subscribe; each note is one sentence for the person (a prefix with no match yet, a name not checked). */
  | { readonly ok: true; readonly notes: readonly string[] }
  /** Refuse: nothing is subscribed; `reason` names the mistake and the nearest name. */
  | { readonly ok: false; readonly reason: string };

/**
 * Asks the catalog what subscribe needs to judge the names: the account's pipeline names (if any
 * selector is not `*`, or a stage is given), GetPipeline for a named pipeline the list lacks (the
 * list may be a minute old), and the stages of the pipelines covered (at most MAX_STAGE_LOOKUPS).
 * Never throws: what CodePipeline would not answer (AccessDenied, throttling, the network) is
 * logged and left unknown, so that judgeNames subscribes with a note instead of blocking. After a
 * network failure or throttling, CodePipeline is not asked again for this command: each call
 * could take the SDK's retries and timeouts, and the subscription itself must still be made.
 */
export async function lookUpNames(
  catalog: PipelineCatalog,
  subscription: FilterSubscription,
  log: Pick<Log, 'warn'>,
): Promise<AccountNames> {
  const selectors = subscription.pipelines;
  const named = new Map<string, 'exists' | 'missing' | 'unknown'>();
  const everything = selectors.every((s) => s.kind === 'all');
  if (everything && subscription.stage === undefined) return { named };

  let failure: string | undefined;
  let unreachable = false;
  /** The answer, `missing` for PipelineNotFoundException, or undefined when CodePipeline could not be asked. */
  const ask = async <T>(what: string, call: () => Promise<T>): Promise<T | 'missing' | undefined> => {
    if (unreachable) return undefined;
    try {
      return await call();
    } catch (error) {
      if (error instanceof PipelineApiError && error.code === 'PipelineNotFoundException') return 'missing';
      log.warn('subscribe: a name could not be checked', { what, error: describeError(error) });
      failure ??=
        error instanceof PipelineApiError
          ? error.code === UNREACHABLE_ACCOUNT
            ? error.message
            : `CodePipeline answered ${error.code}`
          : 'CodePipeline could not be reached';
      unreachable = !(error instanceof PipelineApiError) || THROTTLED.test(error.code);
      return undefined;
    }
  };

  const listed = await ask('ListPipelines', () => catalog.pipelineNames());
  const pipelines = listed === 'missing' ? undefined : listed;

  const stagesOf = new Map<string, readonly string[]>();
  for (const selector of selectors) {
    if (selector.kind !== 'name') continue;
    if (pipelines?.includes(selector.name)) {
      named.set(selector.name, 'exists');
      continue;
    }
    const stages = await ask(`GetPipeline ${selector.name}`, () => catalog.stageNames(selector.name));
    if (stages === undefined || stages === 'missing') named.set(selector.name, stages ?? 'unknown');
    else {
      stagesOf.set(selector.name, stages);
      named.set(selector.name, 'exists');
    }
  }

  const stage = subscription.stage;
  const covered = stage === undefined ? [] : coveredPipelines(selectors, named, pipelines);
  if (stage === undefined || covered.length === 0) return facts(pipelines, named, undefined, failure);
  const checked: string[] = [];
  const known: string[] = [];
  let gone = 0;
  let found = false;
  for (const pipeline of covered.slice(0, MAX_STAGE_LOOKUPS)) {
    const stages = stagesOf.get(pipeline) ?? (await ask(`GetPipeline ${pipeline}`, () => catalog.stageNames(pipeline)));
    // Deleted since it was listed: not covered any more. Not answered: not checked.
    if (stages === 'missing') gone++;
    if (stages === undefined || stages === 'missing') continue;
    checked.push(pipeline);
    for (const name of stages) if (!known.includes(name)) known.push(name);
    if (stages.includes(stage)) {
      found = true;
      break;
    }
  }
  const listNeeded = selectors.some((s) => s.kind !== 'name');
  const complete = checked.length === covered.length - gone && (pipelines !== undefined || !listNeeded);
  return facts(pipelines, named, { found, checked, known, covered: covered.length - gone, complete }, failure);
}

function facts(
  pipelines: readonly string[] | undefined,
  named: ReadonlyMap<string, 'exists' | 'missing' | 'unknown'>,
  stage: StageFacts | undefined,
  failure: string | undefined,
): AccountNames {
  return {
    named,
    ...(pipelines === undefined ? {} : { pipelines }),
    ...(stage === undefined ? {} : { stage }),
    ...(failure === undefined ? {} : { failure }),
  };
}

/**
 * The existing pipelines a subscription covers, named ones first: a `*` or a prefix covers what
 * the list holds (nothing when the list could not be read).
 */
function coveredPipelines(
  selectors: readonly PipelineSelector[],
  named: ReadonlyMap<string, 'exists' | 'missing' | 'unknown'>,
  pipelines: readonly string[] | undefined,
): string[] {
  const covered = [...named].flatMap(([name, status]) => (status === 'exists' ? [name] : []));
  for (const pipeline of pipelines ?? []) {
    if (covered.includes(pipeline)) continue;
    if (selectors.some((s) => s.kind === 'all' || (s.kind === 'prefix' && pipeline.startsWith(s.prefix)))) {
      covered.push(pipeline);
    }
  }
  return covered;
}

/**
 * Decides on the names of a subscription from what the account says (pure):
 * - a named pipeline that does not exist, or a stage that none of the covered pipelines declares,
 *   is refused with the nearest existing name ("did you mean `myPipeline`?"), or else a few of
 *   them, unless `allowMissing`, which subscribes with a note;
 * - a prefix that matches no pipeline yet is accepted with a note: it applies once one exists;
 * - what could not be checked (CodePipeline not asked, or more pipelines than were read) is
 *   accepted with a note that says so.
 */
export function judgeNames(
  subscription: FilterSubscription,
  account: AccountNames,
  allowMissing: boolean,
  /** Where the names were looked up, as a refusal says it. */
  where = 'this account and region',
): NameVerdict {
  const refusals: string[] = [];
  const notes: string[] = [];
  const unchecked: string[] = [];
  const existing = account.pipelines;

  const missing = [...account.named].flatMap(([name, status]) => (status === 'missing' ? [name] : []));
  if (missing.length > 0) {
    if (allowMissing) {
      notes.push(
        `${missing.length === 1 ? 'Pipeline' : 'Pipelines'} ${codeList(missing)} ${missing.length === 1 ? 'does' : 'do'} not exist yet: subscribed anyway (\`--allow-missing\`).`,
      );
    } else {
      let listed = false;
      for (const name of missing) {
        const near = existing === undefined ? undefined : nearest(name, existing);
        if (near !== undefined) {
          refusals.push(`There is no pipeline \`${name}\` in ${where}: did you mean \`${near}\`?`);
        } else {
          refusals.push(`There is no pipeline \`${name}\` in ${where}.`);
          if (!listed && existing !== undefined) {
            refusals.push(
              existing.length === 0 ? 'It has no pipelines yet.' : `Its pipelines include ${fewOf(name, existing)}.`,
            );
            listed = true;
          }
        }
      }
    }
  }
  const unknownNames = [...account.named].flatMap(([name, status]) => (status === 'unknown' ? [name] : []));
  if (unknownNames.length > 0)
    unchecked.push(`${unknownNames.length === 1 ? 'pipeline' : 'pipelines'} ${codeList(unknownNames)}`);

  for (const selector of subscription.pipelines) {
    if (selector.kind !== 'prefix') continue;
    if (existing === undefined) unchecked.push(`the pipelines starting with \`${selector.prefix}\``);
    else if (!existing.some((name) => name.startsWith(selector.prefix))) {
      notes.push(`No pipeline starts with \`${selector.prefix}\` yet: this subscription applies as soon as one does.`);
    }
  }

  const stage = subscription.stage;
  const facts = account.stage;
  if (stage !== undefined && facts !== undefined && !facts.found) {
    const near = nearest(stage, facts.known);
    const lacks =
      facts.checked.length === 1
        ? `Pipeline \`${facts.checked[0]}\` has no stage \`${stage}\``
        : `None of ${codeList(facts.checked)} has a stage \`${stage}\``;
    if (facts.checked.length === 0) unchecked.push(`stage \`${stage}\``);
    else if (!facts.complete) {
      const hint = near === undefined ? '' : ` Did you mean \`${near}\`?`;
      notes.push(
        `Stage \`${stage}\` is not in the ${facts.checked.length} ${facts.checked.length === 1 ? 'pipeline' : 'pipelines'} checked of the ${facts.covered} this subscription covers: subscribed anyway.${hint}`,
      );
    } else if (allowMissing) notes.push(`${lacks}: subscribed anyway (\`--allow-missing\`).`);
    else if (near !== undefined) refusals.push(`${lacks}: did you mean \`${near}\`?`);
    else refusals.push(`${lacks}. ${facts.checked.length === 1 ? 'Its' : 'Their'} stages: ${codeList(facts.known)}.`);
  } else if (stage !== undefined && facts === undefined && account.failure !== undefined) {
    unchecked.push(`stage \`${stage}\``);
  }

  if (refusals.length > 0) {
    return {
      ok: false,
      reason: [
        ...refusals,
        'Nothing was subscribed. Add `--allow-missing` to subscribe to a name before it exists.',
      ].join('\n'),
    };
  }
  if (unchecked.length > 0) {
    const why = account.failure ?? 'CodePipeline could not be asked';
    notes.push(`Could not check ${andList(unchecked)} (${why}): subscribed as typed.`);
  }
  return { ok: true, notes };
}

/** A few existing names, nearest to the typed one first: "`a`, `b` and `c`" or "… and 12 more". */
function fewOf(word: string, names: readonly string[]): string {
  const few = nearestFirst(word, names, FEW);
  const more = names.length - few.length;
  return more > 0 ? `${few.map((n) => `\`${n}\``).join(', ')} and ${more} more` : codeList(few);
}

function codeList(names: readonly string[]): string {
  return andList(names.map((name) => `\`${name}\``));
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
