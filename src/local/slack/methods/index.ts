// (local Slack) Web API method name --> its local implementation: the methods pipewatch uses; others answer unknown_method
import { authTest } from './auth';
import * as chat from './chat';
import * as conversations from './conversations';
import type { SlackMethod } from './method';
import { usergroupUsers, usersInfo } from './users';
import * as views from './views';

/** The Web API methods pipewatch uses; anything else answers `unknown_method`, as Slack does. */
export const METHODS: Readonly<Record<string, SlackMethod>> = {
  'auth.test': authTest,
  'chat.postMessage': chat.postMessage,
  'chat.update': chat.update,
  'chat.postEphemeral': chat.postEphemeral,
  'chat.getPermalink': chat.getPermalink,
  'views.open': views.open,
  'views.update': views.update,
  'conversations.info': conversations.info,
  'conversations.history': conversations.history,
  'conversations.replies': conversations.replies,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupUsers,
};
