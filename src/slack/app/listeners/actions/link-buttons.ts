// (Slack listener) "Open in console" / "View logs": link buttons still send block_actions, which must be acknowledged
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';

/** The browser opens the URL; pipewatch only says "received" so Slack shows no error. */
export async function linkButtonAction({ ack }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  await ack();
}
