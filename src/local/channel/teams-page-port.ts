// (local channel page) the contract between the channel page and the local Teams: the tenant to show, the people, the team, signed activities
import type { ActivityParties } from '../teams/signed-activity';
import type { LocalTeamsTenant } from '../teams/tenant';

export interface TeamsPageUser {
  readonly id: string /* Teams' 29: id */;
  readonly aadObjectId: string;
  readonly name: string;
  readonly title: string;
}

export interface TeamsPagePort {
  /** The local Bot Connector's state: conversations, messages (revisions, thread replies), change events. */
  readonly tenant: LocalTeamsTenant;
  /** The people one can act as (the same three as Slack's: an approver, a retrier, a viewer), with Entra object ids. */
  readonly users: readonly TeamsPageUser[];
  /** The team and its channels shown in the sidebar (and group/personal chats if you like). */
  readonly team: {
    readonly id: string;
    readonly name: string;
    readonly channels: readonly { readonly id: string; readonly name: string }[];
  };
  /** Who and where, for building activities with src/local/teams/signed-activity.ts. */
  parties(conversationId: string, user: TeamsPageUser): ActivityParties;
  /** Sends an activity to the Teams function as Teams does (signed by the local identity); its HTTP answer. */
  send(activity: Record<string, unknown>): Promise<{ readonly statusCode: number; readonly body: string }>;
}
