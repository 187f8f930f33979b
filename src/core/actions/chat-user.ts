// (core) who pressed a button, as the chat platform says: user id, group ids, display name
/** Who pressed a button, as the chat platform says (never from the button's value). */
export interface ChatUser {
  /** Slack user id (U…/W…), Teams AAD object id, ... */
  readonly id: string;
  /** The user's group ids (Slack user groups S…, Teams/AAD groups), as resolved by the platform adapter. */
  readonly groups: readonly string[];
  /** For people to read (approval summary, thread reply); the id when absent. */
  readonly displayName?: string;
  /** The user's e-mail address where the platform gives it (Slack users.info with users:read.email): a commit author identity. */
  readonly email?: string;
}
