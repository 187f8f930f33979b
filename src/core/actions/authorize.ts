// (core) policy + action + pipeline + chat user --> allowed or denied, with the matching rule and a reason to show
import type { AuthorizationPolicy, AuthorizationRule } from './authorization-policy';
import type { ChatUser } from './chat-user';

export type AuthorizedAction = 'retry' | 'approve' | 'reject' | 'stop' | 'run';

/** The policy's lists: who may retry, approve (and reject), stop, run. */
export type PolicyList = 'retry' | 'approve' | 'stop' | 'run';

/** The list of the policy that grants an action: rejecting is deciding an approval, so `approve`. */
export function permissionOf(action: AuthorizedAction): PolicyList {
  return action === 'reject' ? 'approve' : action;
}

/** The ids a rule lists for a permission (none when the rule does not name it). */
export function idsIn(rule: AuthorizationRule, list: PolicyList): readonly string[] {
  return rule[list] ?? [];
}

export interface MatchedRule {
  /** Position of the rule in the policy, for the log. */
  readonly index: number;
  readonly pipelines: readonly string[];
  /** The user or group id the rule lists. */
  readonly matchedId: string;
  readonly via: 'user' | 'group';
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** A sentence for the person who clicked and for the log. */
  readonly reason: string;
  readonly rule?: MatchedRule;
}

export interface AuthorizeInput {
  readonly policy: AuthorizationPolicy;
  readonly action: AuthorizedAction;
  readonly pipeline: string;
  readonly user: ChatUser;
  /**
   * Where the policy lives, for the refusal to name: "the SSM parameter /pipewatch/prod/authorization",
   * "local/authorization.json". Given by the composition root; absent, the refusal says "the authorization policy".
   */
  readonly policyLocation?: string | undefined;
}

const VERB: Readonly<Record<AuthorizedAction, string>> = {
  retry: 'retry',
  approve: 'approve',
  reject: 'reject',
  stop: 'stop executions',
  run: 'start executions',
};

/** What nobody may do when no rule lists ids for it. */
const NOBODY_MAY: Readonly<Record<PolicyList, string>> = {
  retry: 'retry failed stages',
  approve: 'approve or reject',
  stop: 'stop executions',
  run: 'start executions',
};

/**
 * Allow-list: the user may act when a rule for the pipeline lists the user's
 * id or one of the user's groups under `retry` (retry), `approve` (approve
 * and reject: rejecting is deciding an approval too), `stop` or `run`. Rules add up; nothing
 * is allowed by default, so an empty or absent policy allows nothing, for
 * retries as for approvals: a button in a shared channel is not permission.
 */
export function authorize({ policy, action, pipeline, user, policyLocation }: AuthorizeInput): AuthorizationDecision {
  const list = permissionOf(action);
  const where =
    policyLocation === undefined ? 'the authorization policy' : `the authorization policy (${policyLocation})`;
  const granting = policy.rules
    .map((rule, index) => ({ rule, index }))
    .filter(
      ({ rule }) =>
        rule.pipelines.some((selector) => selectorMatches(selector, pipeline)) && idsIn(rule, list).length > 0,
    );

  if (granting.length === 0) {
    return {
      allowed: false,
      reason:
        `Nobody may ${NOBODY_MAY[list]} in pipeline ${pipeline}: no rule of ${where} lists ` +
        `"${list}" ids for it. Add one, e.g. {"pipelines": ["${pipeline}"], "${list}": ["<user or group id>"]}.`,
    };
  }

  for (const { rule, index } of granting) {
    const match = matchIn(rule, list, user);
    if (match) {
      const rulePipelines = rule.pipelines.join(', ');
      return {
        allowed: true,
        reason: `${nameOf(user)} may ${VERB[action]} in pipeline ${pipeline}: rule ${index} (${rulePipelines}) lists ${match.via} ${match.id}.`,
        rule: { index, pipelines: rule.pipelines, matchedId: match.id, via: match.via },
      };
    }
  }
  return {
    allowed: false,
    reason:
      `You are not allowed to ${VERB[action]} in pipeline ${pipeline}: ask an admin to add your user id ` +
      `or one of your groups to "${list}" of a rule for it in ${where}.`,
  };
}

function matchIn(
  rule: AuthorizationRule,
  list: PolicyList,
  user: ChatUser,
): { id: string; via: 'user' | 'group' } | undefined {
  const ids = new Set(idsIn(rule, list));
  // An empty id identifies nobody; the schema refuses empty ids, this guards users built elsewhere.
  if (user.id !== '' && ids.has(user.id)) return { id: user.id, via: 'user' };
  const group = user.groups.find((id) => id !== '' && ids.has(id));
  return group === undefined ? undefined : { id: group, via: 'group' };
}

/** `*`, a prefix ending in `*`, or an exact name. */
export function selectorMatches(selector: string, pipeline: string): boolean {
  if (selector === '*') return true;
  if (selector.endsWith('*')) return pipeline.startsWith(selector.slice(0, -1));
  return selector === pipeline;
}

function nameOf(user: ChatUser): string {
  return user.displayName ? `${user.displayName} (${user.id})` : user.id;
}
