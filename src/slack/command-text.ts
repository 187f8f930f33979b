// (Slack adapter) the text of a slash command as Slack sends it --> the text the person typed

/** Slack escapes exactly these three in command text (api.slack.com "Formatting text"). */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
