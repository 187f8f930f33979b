// (slack) a time --> Slack's <!date^…> token, shown in each reader's time zone, with an escaped UTC fallback
import { utcMinute } from '../core/messages';
import { escapeMrkdwn } from './escape';

/**
 * A time as Slack's date token, which each reader sees in their own time zone:
 * `<!date^1698328502^{date_short_pretty} {time}|2023-10-26 13:55 UTC>`. The
 * fallback (shown by clients that cannot format it) is escaped like any text,
 * since a `>` in it would end the token early. A time that cannot be read is
 * shown as the escaped text it is, without a token.
 */
export function slackDate(time: string | Date): string {
  const millis = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (!Number.isFinite(millis)) return escapeMrkdwn(String(time));
  const epoch = Math.floor(millis / 1000);
  const fallback = utcMinute(epoch * 1000);
  return `<!date^${epoch}^{date_short_pretty} {time}|${escapeMrkdwn(fallback)}>`;
}
