// (Slack adapter) who is in which Slack user group, for the authorization policy
import type { WebClient } from '@slack/web-api';
import type { AuthorizationPolicy, AuthorizedAction, ChatUser } from '../../core/actions';
import { idsIn, permissionOf, selectorMatches, selfApprovalForbidden } from '../../core/actions';
import { slackErrorCode } from './slack-errors';

/** Slack user-group ids start with S; users are U… or W…, which need no lookup. */
const USER_GROUP_ID = /^S[A-Z0-9]+$/;

interface CachedGroup {
  readonly users: ReadonlySet<string>;
  readonly fetchedAt: number;
}

/**
 * Resolves a clicker's user groups, asking Slack only about the groups that the policy's
 * rules for this pipeline and action list: a policy of plain user ids costs no API call.
 * Members are cached per cold start for a short time, so a burst of clicks asks once and a
 * removal from a group takes effect within `ttlMs`.
 */
export class UserGroupResolver {
  private readonly cache = new Map<string, CachedGroup>();
  private readonly emails = new Map<string, { readonly email: string | undefined; readonly fetchedAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async chatUser(
    client: WebClient,
    policy: AuthorizationPolicy,
    action: AuthorizedAction,
    pipeline: string,
    user: { readonly id: string; readonly name?: string | undefined },
  ): Promise<ChatUser> {
    const list = permissionOf(action);
    const groupIds = new Set(
      policy.rules
        .filter((rule) => rule.pipelines.some((selector) => selectorMatches(selector, pipeline)))
        .flatMap((rule) => idsIn(rule, list))
        .filter((id) => USER_GROUP_ID.test(id) && id !== user.id),
    );
    const groups: string[] = [];
    for (const groupId of groupIds) {
      const members = await this.members(client, groupId);
      if (members.has(user.id)) groups.push(groupId);
    }
    const email =
      action === 'approve' && selfApprovalForbidden(policy, pipeline) ? await this.email(client, user.id) : undefined;
    return { id: user.id, groups, ...(user.name ? { displayName: user.name } : {}), ...(email ? { email } : {}) };
  }

  /**
   * The clicker's e-mail (users.info's profile.email), asked only for an Approve under
   * `"selfApproval": false`: a commit author's e-mail then identifies them without the policy's
   * `identities`. Slack gives it only to an app with users:read and users:read.email, which the
   * manifest does not ask for by default: without them there is no e-mail (the identities map
   * still applies); any other failure is the caller's. Cached like the groups.
   */
  private async email(client: WebClient, userId: string): Promise<string | undefined> {
    const cached = this.emails.get(userId);
    if (cached !== undefined && this.now() - cached.fetchedAt < this.ttlMs) return cached.email;
    let email: string | undefined;
    try {
      const result = await client.users.info({ user: userId });
      email = result.user?.profile?.email || undefined;
    } catch (error) {
      if (slackErrorCode(error) !== 'missing_scope') throw error;
    }
    this.emails.set(userId, { email, fetchedAt: this.now() });
    return email;
  }

  private async members(client: WebClient, groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached !== undefined && this.now() - cached.fetchedAt < this.ttlMs) return cached.users;
    let users: ReadonlySet<string>;
    try {
      const result = await client.usergroups.users.list({ usergroup: groupId });
      users = new Set(result.users ?? []);
    } catch (error) {
      // A group deleted since the policy was written grants nothing; any other failure is the caller's.
      if (slackErrorCode(error) !== 'no_such_subteam') throw error;
      users = new Set();
    }
    this.cache.set(groupId, { users, fetchedAt: this.now() });
    return users;
  }
}
