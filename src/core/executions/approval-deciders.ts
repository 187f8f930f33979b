// (core) who answered an approval outside chat (ListActionExecutions' updatedBy, an IAM ARN) --> kept in the state --> "Approved by jane (arn:…) outside chat: …"
import { type ActionRecord, actionKey, type ExecutionState, ownEntry } from './execution-state';

/** `<stage>/<action>@<action execution id>`: one answer per run of an approval. */
export function approvalDeciderKey(record: Pick<ActionRecord, 'stage' | 'action' | 'actionExecutionId'>): string {
  return `${actionKey(record.stage, record.action)}@${record.actionExecutionId ?? ''}`;
}

/**
 * The state with `arn` as the answerer of the approval run `key` (the same state when it already
 * says so); `''` records that CodePipeline named nobody, so that it is not asked again.
 */
export function withApprovalDecider(state: ExecutionState, key: string, arn: string): ExecutionState {
  if (ownEntry(state.deciders ?? {}, key) === arn) return state;
  return { ...state, deciders: Object.fromEntries([...Object.entries(state.deciders ?? {}), [key, arn]]) };
}

/**
 * The approval runs whose answerer notify should read: an approval that ended (SUCCEEDED: approved,
 * FAILED: rejected, not expired) with an action execution id, whose answerer is not known yet.
 */
export function approvalsWithoutDecider(state: ExecutionState): ActionRecord[] {
  return Object.values(state.actions).filter(
    (record) =>
      record.category === 'Approval' &&
      record.actionExecutionId !== undefined &&
      (record.state === 'SUCCEEDED' ||
        (record.state === 'FAILED' && !/\bexpired\b/i.test(record.result?.summary ?? ''))) &&
      ownEntry(state.deciders ?? {}, approvalDeciderKey(record)) === undefined,
  );
}

/**
 * pipewatch's own summary of a decision made in chat: "Approved by alice in Slack[: …]" (see
 * decisionNote in core/actions).
 */
const CHAT_DECISION = /^(Approved|Rejected) by .+ in (Slack|Teams)(: |$)/s;

/**
 * What the message and the reply say of a decided approval: CodePipeline's summary, preceded by who
 * answered it when that was outside chat: "Approved by jane (arn:aws:iam::123456789012:user/jane)
 * outside chat: looks good". A decision from a chat button already names its person in the summary
 * and was made with the chat function's role (an assumed role): its answerer is not repeated. A
 * summary that reads like pipewatch's but was answered by an IAM user (typed in the console or the
 * CLI) still shows the user. Undefined when nothing is known.
 */
export function decidedApprovalText(state: ExecutionState, record: ActionRecord): string | undefined {
  const summary = record.result?.summary?.trim() || undefined;
  // '' is "asked CodePipeline, which named nobody": nothing to add.
  const arn = ownEntry(state.deciders ?? {}, approvalDeciderKey(record));
  if (arn === undefined || arn === '') return summary;
  if (summary !== undefined && CHAT_DECISION.test(summary) && isAssumedRole(arn)) return summary;
  const verb = record.state === 'SUCCEEDED' ? 'Approved' : 'Rejected';
  const head = `${verb} by ${readableCaller(arn)} (${arn}) outside chat`;
  return summary === undefined ? head : `${head}: ${summary}`;
}

function isAssumedRole(arn: string): boolean {
  return /^arn:[^:]+:sts::\d*:assumed-role\//.test(arn);
}

/**
 * A person's short name from an IAM or STS ARN: a user's name (`user/path/jane` -> jane), an assumed
 * role's session (`assumed-role/Admin/jane@example.com` -> jane@example.com, SSO's form), a federated
 * user's name; "the account's root user" for root; else the ARN itself.
 */
export function readableCaller(arn: string): string {
  const resource = /^arn:[^:]+:(?:iam|sts)::\d*:(.+)$/.exec(arn)?.[1];
  if (resource === undefined) return arn;
  if (resource === 'root') return "the account's root user";
  const [kind, ...rest] = resource.split('/');
  const last = rest.at(-1);
  if (last === undefined || last === '') return arn;
  if (kind === 'user' || kind === 'assumed-role' || kind === 'federated-user') return last;
  return arn;
}
