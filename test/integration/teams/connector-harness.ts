import {
  DEFAULT_CHATS,
  DEFAULT_TEAM,
  type LocalBotConnector,
  type LocalBotConnectorOptions,
  type LocalIdentity,
  type LocalIdentityOptions,
  startLocalBotConnector,
  startLocalIdentity,
} from '../../../src/local/teams';

export const GENERAL = DEFAULT_TEAM.id;
export const DEPLOYS = DEFAULT_TEAM.channels?.[1]?.id ?? fail('the default team has a second channel');
export const GROUP_CHAT = DEFAULT_CHATS[0]?.id ?? fail('a default group chat');

/** The card of Microsoft's Universal Actions sample (universal-action-model.md, "Example JSON"). */
export const MICROSOFT_SAMPLE_CARD = {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  type: 'AdaptiveCard',
  version: '1.4',
  body: [
    { type: 'TextBlock', text: 'Present a form and submit it back to the originator' },
    { type: 'Input.Text', id: 'firstName', placeholder: 'What is your first name?' },
    { type: 'Input.Text', id: 'lastName', placeholder: 'What is your last name?' },
    {
      type: 'ActionSet',
      actions: [
        { type: 'Action.Execute', title: 'Submit', verb: 'personalDetailsFormSubmit', fallback: 'Action.Submit' },
      ],
    },
  ],
};

/** A message activity carrying one Adaptive Card, as a bot sends it. */
export function cardActivity(card: object = MICROSOFT_SAMPLE_CARD, summary = 'Deploy failed'): Record<string, unknown> {
  return {
    type: 'message',
    summary,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

export interface LocalTeams {
  identity: LocalIdentity;
  connector: LocalBotConnector;
  stop(): Promise<void>;
}

/**
 * A local identity and a local Bot Connector trusting it. Given `sharedIdentity` (started once per
 * file: key pairs cost time), only the connector is started, and only it is stopped.
 */
export async function startLocalTeams(
  options: {
    identity?: LocalIdentityOptions;
    sharedIdentity?: LocalIdentity;
    connector?: Omit<LocalBotConnectorOptions, 'identity'>;
  } = {},
): Promise<LocalTeams> {
  const identity = options.sharedIdentity ?? (await startLocalIdentity(options.identity));
  const connector = await startLocalBotConnector({ identity, ...options.connector });
  return {
    identity,
    connector,
    async stop() {
      await connector.stop();
      if (options.sharedIdentity === undefined) await identity.stop();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

/**
 * A raw request to the connector: `path` after the service URL, e.g. `v3/conversations/…/activities`;
 * with a fresh token from the identity unless given one (`null`: no Authorization header).
 */
export async function call(
  teams: LocalTeams,
  method: string,
  path: string,
  body: unknown,
  token: string | null = teams.identity.signAccessToken(),
): Promise<Answer> {
  const res = await fetch(`${teams.connector.serviceUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `v3/conversations/{id}/activities[/{activityId}]`, the id as the Teams SDK sends it (not encoded). */
export function activitiesPath(conversationId: string, activityId?: string): string {
  return `v3/conversations/${conversationId}/activities${activityId === undefined ? '' : `/${activityId}`}`;
}
