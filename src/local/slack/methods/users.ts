// (local Slack) users.info and usergroups.users.list over the local workspace (group members: who may approve)
import { z } from 'zod';
import { parseArgs } from '../request-args';
import { SlackApiError } from '../slack-api-error';
import type { SlackMethod } from './method';

const InfoArgs = z.object({ user: z.string() });

/** users.info needs users:read; its `profile.email` is there only with users:read.email (else left out, not an error). */
export const usersInfo: SlackMethod = (raw, workspace) => {
  if (!workspace.hasScope('users:read')) {
    throw new SlackApiError('missing_scope', {
      needed: 'users:read',
      provided: [...(workspace.scopes ?? [])].join(','),
    });
  }
  const args = parseArgs(InfoArgs, raw, ['user']);
  const user = workspace.user(args.user);
  if (user === undefined) throw new SlackApiError('user_not_found');
  const email = user.email !== '' && workspace.hasScope('users:read.email') ? { email: user.email } : {};
  return {
    user: {
      id: user.id,
      team_id: workspace.teamId,
      name: user.name,
      real_name: user.realName,
      deleted: user.deleted,
      is_bot: user.isBot,
      is_admin: false,
      profile: { real_name: user.realName, display_name: user.name, ...email },
    },
  };
};

const UsergroupUsersArgs = z.object({ usergroup: z.string() });

/** Members of a user group: how pipewatch authorizes "who may approve". */
export const usergroupUsers: SlackMethod = (raw, workspace) => {
  const args = parseArgs(UsergroupUsersArgs, raw, ['usergroup']);
  const group = workspace.usergroup(args.usergroup);
  if (group === undefined) throw new SlackApiError('no_such_subteam');
  return { users: [...group.users] };
};
