// (local Slack) slash command and interaction payloads --> the signed form bodies Slack sends the app (v0 HMAC signature)
import { createHmac } from 'node:crypto';
import type { BlockAction, ViewSubmitAction } from '@slack/bolt';

/**
 * Requests as Slack sends them to the app: signed bodies for slash commands and interactivity.
 * Tests and the local channel page use these to drive the real handlers (Bolt verifies the
 * signature, so an unsigned or stale request is refused exactly as in production).
 */
export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/**
 * Slack's v0 signature: `v0=` + hex(HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`)), the secret
 * used as a UTF-8 string. `timestamp` is in seconds; Bolt refuses anything more than 5 minutes off.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${digest}` };
}

export interface SlashCommandFields {
  /** Default `/pipewatch`. */
  command?: string;
  /** Everything after the command and its first space. */
  text: string;
  teamId: string;
  teamDomain?: string;
  channelId: string;
  channelName?: string;
  userId: string;
  userName?: string;
  responseUrl: string;
  triggerId: string;
  apiAppId?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** The deprecated verification token; Slack still sends it. */
  token?: string;
}

/**
 * The form body of a slash command, fields in the order Slack's own example sends them (so that
 * the official signing vector is reproduced byte for byte). Optional fields are left out when unset.
 */
export function slashCommandBody(fields: SlashCommandFields): string {
  const entries: [string, string | undefined][] = [
    ['token', fields.token],
    ['team_id', fields.teamId],
    ['team_domain', fields.teamDomain ?? 'local'],
    ['enterprise_id', fields.enterpriseId],
    ['enterprise_name', fields.enterpriseName],
    ['channel_id', fields.channelId],
    ['channel_name', fields.channelName ?? fields.channelId],
    ['user_id', fields.userId],
    ['user_name', fields.userName ?? fields.userId],
    ['command', fields.command ?? '/pipewatch'],
    ['text', fields.text],
    ['response_url', fields.responseUrl],
    ['trigger_id', fields.triggerId],
    ['api_app_id', fields.apiAppId],
  ];
  return formEncode(entries);
}

/** Interactivity bodies are `payload=<url-encoded JSON>`, form-encoded. */
export function blockActionsBody(payload: BlockAction): string {
  return formEncode([['payload', JSON.stringify(payload)]]);
}

export function viewSubmissionBody(payload: ViewSubmitAction): string {
  return formEncode([['payload', JSON.stringify(payload)]]);
}

/**
 * `application/x-www-form-urlencoded` with `%20` for spaces and `%2F` for slashes — Slack's
 * encoding in the signing example; URLSearchParams would write `+`, equally valid but not the bytes
 * Slack sends.
 */
function formEncode(entries: readonly [string, string | undefined][]): string {
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}
