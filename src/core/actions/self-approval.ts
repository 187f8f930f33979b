// (core) Approve pressed by whoever started the change --> refused when a rule for the pipeline says "selfApproval": false
import type { ChannelRef } from '../channels';
import type { TriggerCommit } from '../events';
import type { RunRequester } from '../ports';
import type { AuthorizationPolicy } from './authorization-policy';
import { selectorMatches } from './authorize';
import type { ChatUser } from './chat-user';

/** Who started a change, as far as pipewatch knows it. */
export interface ChangeRequester {
  /** The chat user who ran the execution with `run` (recorded then). */
  readonly run?: RunRequester;
  /** The commit author of the execution's trigger (CodePipeline's `execution-trigger`, kept by notify). */
  readonly author?: Pick<TriggerCommit, 'authorId' | 'authorName' | 'authorEmail'>;
}

/** Whether any rule for the pipeline says `"selfApproval": false` (the stricter rule wins). */
export function selfApprovalForbidden(policy: AuthorizationPolicy, pipeline: string): boolean {
  return policy.rules.some(
    (rule) => rule.selfApproval === false && rule.pipelines.some((selector) => selectorMatches(selector, pipeline)),
  );
}

export const SELF_APPROVAL_TAIL = 'the policy asks someone else to approve it. Nothing was changed.';

/**
 * Why `user` may not approve a change of `pipeline` (undefined: they may), given who started it:
 * - the chat user who ran it (`run`) is the clicker: same user id, and, when the click's channel is
 *   known, the same platform and workspace;
 * - the trigger's commit author (id, display name, e-mail; without regard to case) is one of the
 *   identities the policy's `identities` map gives the clicker, or the clicker's e-mail.
 * An unknown requester (no `run` record, no author in the trigger) allows the approval: pipewatch
 * cannot refuse on a guess (the README says so).
 */
export function selfApprovalRefusal(input: {
  readonly policy: AuthorizationPolicy;
  readonly pipeline: string;
  readonly user: ChatUser;
  readonly channel?: ChannelRef | undefined;
  readonly requester: ChangeRequester;
}): string | undefined {
  const { policy, pipeline, user, channel, requester } = input;
  if (!selfApprovalForbidden(policy, pipeline)) return undefined;
  const run = requester.run;
  if (
    run !== undefined &&
    run.userId === user.id &&
    (channel === undefined || (run.platform === channel.platform && run.workspace === channel.workspace))
  ) {
    return `You started this change (\`run ${pipeline}\`): ${SELF_APPROVAL_TAIL}`;
  }
  const own = new Set(
    [...(policy.identities?.[user.id] ?? []), ...(user.email ? [user.email] : [])].map((id) => id.trim().toLowerCase()),
  );
  const author = requester.author;
  const authored = [author?.authorId, author?.authorName, author?.authorEmail].find(
    (id) => id !== undefined && id.trim() !== '' && own.has(id.trim().toLowerCase()),
  );
  if (authored !== undefined) {
    return `You started this change (the commit that triggered it is by ${authored}): ${SELF_APPROVAL_TAIL}`;
  }
  return undefined;
}
