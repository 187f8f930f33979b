// (core) the PIPEWATCH_AUTHORIZATION setting's JSON --> an AuthorizationPolicy: per pipeline, who may retry, approve, stop, run
import { RESOURCE_NAME } from '../subscriptions';
import * as z from '../zod';

/** The setting (environment variable, or SSM parameter of that name) that holds the policy as JSON. */
export const AUTHORIZATION_SETTING = 'PIPEWATCH_AUTHORIZATION';

/**
 * `*`, a pipeline name, or a prefix ending in `*` (`api-*`), as in subscriptions.
 * CodePipeline names are `[A-Za-z0-9.@\-_]{1,100}`, so `*` is never part of one.
 */
const pipelineSelector = z.string().check(
  z.refine((value) => value === '*' || RESOURCE_NAME.test(value.replace(/\*$/, '')), {
    error: 'expected a pipeline name, a prefix ending in * (e.g. api-*), or *',
  }),
);

/**
 * A user or group id: Slack users (U…, W…) and user groups (S…), Teams AAD
 * object ids, or any id a platform uses. `*` (everyone) is refused on purpose:
 * who may press a button in a shared channel must be a deliberate list.
 */
const principalId = z.string().check(
  z.regex(/^\S+$/, { error: 'expected a user or group id without spaces' }),
  z.maxLength(256),
  z.refine((value) => value !== '*', { error: '"*" (everyone) is not supported: list user or group ids' }),
);

/**
 * @example
 * { "pipelines": ["api-*"], "retry": ["U0123ABCD", "S0DEVS"], "approve": ["S0APPROVERS"], "stop": ["S0DEVS"], "run": ["U0123ABCD"] }
 */
export const authorizationRuleSchema = z.strictObject({
  pipelines: z.array(pipelineSelector).check(z.minLength(1, { error: 'name at least one pipeline (or "*")' })),
  /** Who may retry a failed stage. */
  retry: z._default(z.array(principalId), []),
  /** Who may approve or reject a manual approval (reject uses this list too). */
  approve: z._default(z.array(principalId), []),
  /**
   * Who may stop a running execution (StopPipelineExecution, "stop and wait" or "stop and abandon").
   * Optional in the output too (read through `idsIn`), so policies written before it stay valid as they are.
   */
  stop: z.optional(z.array(principalId)),
  /** Who may start an execution (`run`: StartPipelineExecution). */
  run: z.optional(z.array(principalId)),
  /**
   * `false`: whoever started the change may not approve it (the trigger's commit author, matched
   * through `identities`, or the chat user who ran it with `run`). Absent or `true`: allowed. Any
   * rule for the pipeline saying `false` applies (see selfApprovalRefusal).
   */
  selfApproval: z.optional(z.boolean()),
});

/** An author identity as a commit trigger names it: a login, a display name, an e-mail address. */
const authorIdentity = z.string().check(z.minLength(1), z.maxLength(256));

/**
 * Who may press which button, read from the PIPEWATCH_AUTHORIZATION setting.
 * Unknown keys are errors (strict objects): a misspelt "aprove" must not
 * silently leave a pipeline without approvers.
 * @example
 * { "rules": [
 *   { "pipelines": ["myPipeline", "api-*"], "retry": ["U123", "S0GROUP"], "approve": ["U456", "S0APPROVERS"] },
 *   { "pipelines": ["*"], "retry": ["S0ONCALL"] }
 * ] }
 */
export const authorizationPolicySchema = z.strictObject({
  rules: z.array(authorizationRuleSchema),
  /**
   * Names for the ids above, e.g. `{"aaaaaaaa-…": "Alice Example"}`: where a platform cannot show a
   * person from an id alone (Teams), the waiting approval's list of approvers shows these names.
   */
  people: z.optional(z.record(principalId, z.string().check(z.minLength(1), z.maxLength(100)))),
  /**
   * The commit-author identities a chat user owns, e.g. `{"U0123ABCD": ["octocat", "alice@example.com"]}`:
   * how `"selfApproval": false` knows that a clicker wrote the commit that started an execution
   * (compared without regard to case with the trigger's author id, display name and e-mail).
   */
  identities: z.optional(z.record(principalId, z.array(authorIdentity))),
});

export type AuthorizationRule = z.output<typeof authorizationRuleSchema>;
export type AuthorizationPolicy = z.output<typeof authorizationPolicySchema>;

/** Nobody may do anything: what an absent setting means. */
export const EMPTY_AUTHORIZATION_POLICY: AuthorizationPolicy = { rules: [] };

export type ParseAuthorizationPolicyResult =
  | { readonly ok: true; readonly policy: AuthorizationPolicy }
  | { readonly ok: false; readonly message: string };

/**
 * Reads the policy from its JSON text (or an already parsed value). Returns
 * the problems instead of throwing: the caller (a handler at cold start)
 * decides to fail loudly, the CLI to print them.
 */
export function parseAuthorizationPolicy(input: unknown): ParseAuthorizationPolicyResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, message: `${AUTHORIZATION_SETTING} is not valid JSON (${reason})` };
    }
  }
  const result = authorizationPolicySchema.safeParse(value);
  if (result.success) return { ok: true, policy: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`;
  });
  return { ok: false, message: `${AUTHORIZATION_SETTING} is invalid: ${problems.join('; ')}` };
}
