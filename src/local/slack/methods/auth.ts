// (local Slack) auth.test as a bot token sees it: team, bot user id, bot id (Bolt calls it at start-up)
import type { SlackMethod } from './method';

/** auth.test as a bot token sees it; Bolt calls it at start-up to learn its bot user id. */
export const authTest: SlackMethod = (_args, workspace) => ({
  url: `${workspace.baseUrl}/`,
  team: workspace.teamDomain,
  user: 'pipewatch',
  team_id: workspace.teamId,
  user_id: workspace.botUserId,
  bot_id: workspace.botId,
  is_enterprise_install: false,
});
