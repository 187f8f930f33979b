import { type Logger, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { type LocalSlack, type LocalSlackOptions, startLocalSlack } from '../../../src/local/slack';

export const CHANNEL = 'C0000000001';
export const ARCHIVED = 'C0000000002';
export const OUTSIDE = 'C0000000003';
export const PRIVATE_OUTSIDE = 'G0000000004';
export const ALICE = 'U00000ALICE';
export const BOB = 'U0000000BOB';
export const CAROL = 'U00000CAROL';

export const WORKSPACE: LocalSlackOptions = {
  channels: [
    { id: CHANNEL, name: 'deployments', members: [ALICE, BOB] },
    { id: ARCHIVED, name: 'old-alerts', isArchived: true },
    { id: OUTSIDE, name: 'random', botMember: false },
    { id: PRIVATE_OUTSIDE, name: 'secret', isPrivate: true, botMember: false },
  ],
  users: [
    { id: ALICE, name: 'alice', realName: 'Alice Approver' },
    { id: BOB, name: 'bob' },
    { id: CAROL, name: 'carol' },
  ],
  usergroups: [{ id: 'S0000APPROV', handle: 'approvers', users: [ALICE] }],
};

/** WebClient logs Slack's `[ERROR]` messages itself; tests assert on them instead. */
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** The real WebClient against the local Slack; no retries unless a test asks for them. */
export function clientFor(slack: LocalSlack, options: WebClientOptions = {}, token = slack.botToken): WebClient {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logger: quiet,
    ...options,
  });
}

export async function startWorkspace(options: LocalSlackOptions = {}): Promise<LocalSlack> {
  return startLocalSlack({ port: 0, ...WORKSPACE, ...options });
}

/** The Slack error code of a rejected WebClient call (`WebAPIPlatformError.data.error`). */
export async function slackError(promise: Promise<unknown>): Promise<{ error: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: Record<string, unknown> }).data;
    if (data !== undefined && typeof data.error === 'string') return { error: data.error, data };
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A fake clock for trigger and response_url expiry. */
export function manualNow(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}
