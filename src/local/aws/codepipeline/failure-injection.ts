// (local AWS) make chosen simulated actions fail (always, once, or with a probability), and a seeded PRNG for tests
/**
 * Failure injection: makes chosen actions fail so that alerts, retries and thread replies can be
 * exercised without a broken build.
 *
 * ```ts
 * sim.injectFailure('myPipeline', 'Build', 'Build', { mode: 'once' });            // next run fails
 * sim.injectFailure('myPipeline', 'Prod', 'Deploy', { mode: 'always', errorCode: 'JobFailed',
 *   summary: 'Deployment d-123 failed: health checks' });
 * sim.injectFailure('myPipeline', 'Build', 'Build', { mode: 'probability', probability: 0.3 });
 * sim.clearFailures('myPipeline', 'Build', 'Build');  // one action
 * sim.clearFailures('myPipeline');                    // a whole pipeline
 * sim.clearFailures();                                // everything
 * ```
 *
 * The outcome is drawn when an action starts (so a retry draws again). `probability` uses the
 * simulator's `random` option; pass `seededRandom(seed)` there for deterministic tests.
 * Injected failures are not persisted: they are a test or demo setting, not pipeline state.
 */
export interface FailureSpec {
  /** `always`: every run fails; `once`: the next run fails, then the rule is removed; `probability`: each run fails with `probability`. */
  mode: 'always' | 'once' | 'probability';
  /** 0..1, for mode `probability`. */
  probability?: number;
  /** `execution-result.error-code` and errorDetails.code; default `JobFailed`. */
  errorCode?: string;
  /** `external-execution-summary` and errorDetails.message; default: the provider's usual text. */
  summary?: string;
  /** CodeBuild actions: the failing command's output in the build log; default: a failing test run. */
  log?: string[];
}

export interface InjectedFailure {
  errorCode: string;
  summary?: string;
  log?: string[];
}

export class FailureInjector {
  private readonly rules = new Map<string, FailureSpec>();

  constructor(private readonly random: () => number) {}

  inject(pipeline: string, stage: string, action: string, spec: FailureSpec): void {
    if (!['always', 'once', 'probability'].includes(spec.mode)) throw new Error(`Unknown failure mode ${spec.mode}`);
    if (spec.mode === 'probability') {
      const p = spec.probability;
      if (p === undefined || !Number.isFinite(p) || p < 0 || p > 1) {
        throw new Error('Failure mode "probability" needs a probability between 0 and 1');
      }
    }
    this.rules.set(key(pipeline, stage, action), { ...spec });
  }

  /** Removes rules: all of them, a pipeline's, a stage's or one action's. */
  clear(pipeline?: string, stage?: string, action?: string): void {
    const prefix = [pipeline, stage, action].filter((part) => part !== undefined);
    for (const k of [...this.rules.keys()]) {
      const parts = JSON.parse(k) as string[];
      if (prefix.every((part, i) => parts[i] === part)) this.rules.delete(k);
    }
  }

  /** Decides one run: a failure to inject, or undefined to let it succeed. */
  draw(pipeline: string, stage: string, action: string): InjectedFailure | undefined {
    const k = key(pipeline, stage, action);
    const rule = this.rules.get(k);
    if (rule === undefined) return undefined;
    if (rule.mode === 'once') this.rules.delete(k);
    if (rule.mode === 'probability' && !(this.random() < (rule.probability ?? 0))) return undefined;
    return {
      errorCode: rule.errorCode ?? 'JobFailed',
      ...(rule.summary === undefined ? {} : { summary: rule.summary }),
      ...(rule.log === undefined ? {} : { log: [...rule.log] }),
    };
  }
}

function key(pipeline: string, stage: string, action: string): string {
  return JSON.stringify([pipeline, stage, action]);
}

/** A small deterministic PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
