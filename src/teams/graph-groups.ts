// (teams) who is in which Microsoft Entra group, for the authorization policy: Graph's checkMemberGroups, asked only about the policy's groups

import { TtlCache } from '../aws/ttl-cache';
import type { AuthorizationPolicy, AuthorizedAction } from '../core/actions';
import { idsIn, permissionOf, selectorMatches } from '../core/actions';
import { nodeHttpFetch } from '../http/node-http-fetch';

/** Entra object ids (users and groups alike) are GUIDs. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** checkMemberGroups takes at most 20 group ids a request. */
const MAX_IDS_PER_REQUEST = 20;
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/** Graph could not say which groups the clicker is in: the click is refused, and the clicker told why. */
export class GraphGroupsError extends Error {
  override readonly name = 'GraphGroupsError';
}

export interface GraphGroupsOptions {
  /** A Graph token (client credentials, scope https://graph.microsoft.com/.default). */
  readonly token: () => Promise<string>;
  /** Microsoft Graph's base URL; the local mode and tests use a local one. */
  readonly graphUrl?: string;
  /** How long a user's memberships are trusted before Graph is asked again. A minute by default. */
  readonly ttlMs?: number;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

/**
 * Optional (PIPEWATCH_TEAMS_GRAPH_GROUPS): a policy may name Entra groups beside users. A click
 * asks Graph which of the groups the policy names for this pipeline and action the clicker is in
 * (`POST /v1.0/users/{id}/checkMemberGroups`, application permission GroupMember.Read.All with an
 * administrator's consent); a policy of plain user ids costs no call. Answers are kept for a
 * minute per (user, groups); a failure throws (the click is refused, and the clicker told why).
 */
export class GraphGroups {
  private readonly graphUrl: string;
  private readonly cache: TtlCache<string, readonly string[]>;

  constructor(private readonly options: GraphGroupsOptions) {
    this.graphUrl = (options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
    this.cache = new TtlCache(options.ttlMs ?? 60_000, options.now);
  }

  /** The groups of the policy's rules for `pipeline` and `action` that `userObjectId` is a member of. */
  async memberGroups(
    policy: AuthorizationPolicy,
    action: AuthorizedAction,
    pipeline: string,
    userObjectId: string,
  ): Promise<readonly string[]> {
    const candidates = groupCandidates(policy, action, pipeline, userObjectId);
    if (candidates.length === 0) return [];
    try {
      return await this.cache.get(JSON.stringify([userObjectId, candidates]), () => this.ask(userObjectId, candidates));
    } catch (error) {
      throw new GraphGroupsError(
        `Microsoft Graph could not say which groups you are in (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
  }

  private async ask(userObjectId: string, groupIds: readonly string[]): Promise<readonly string[]> {
    const member: string[] = [];
    for (let start = 0; start < groupIds.length; start += MAX_IDS_PER_REQUEST) {
      const response = await nodeHttpFetch(
        `${this.graphUrl}/v1.0/users/${encodeURIComponent(userObjectId)}/checkMemberGroups`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await this.options.token()}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({ groupIds: groupIds.slice(start, start + MAX_IDS_PER_REQUEST) }),
          redirect: 'error',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        },
      );
      const text = await response.text();
      if (response.status < 200 || response.status > 299) {
        throw new Error(`Microsoft Graph checkMemberGroups answered ${response.status}`);
      }
      const value = (JSON.parse(text) as { value?: unknown }).value;
      if (!Array.isArray(value)) throw new Error('Microsoft Graph checkMemberGroups answered without a value');
      member.push(...value.filter((id): id is string => typeof id === 'string' && groupIds.includes(id)));
    }
    return member;
  }
}

/** The object ids the policy lists for this pipeline and action, other than the user's own: the groups to ask about. */
export function groupCandidates(
  policy: AuthorizationPolicy,
  action: AuthorizedAction,
  pipeline: string,
  userObjectId: string,
): string[] {
  const list = permissionOf(action);
  return [
    ...new Set(
      policy.rules
        .filter((rule) => rule.pipelines.some((selector) => selectorMatches(selector, pipeline)))
        .flatMap((rule) => idsIn(rule, list))
        .filter((id) => OBJECT_ID.test(id) && id.toLowerCase() !== userObjectId.toLowerCase()),
    ),
  ].sort();
}
