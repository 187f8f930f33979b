// (core) a retry done from a chat button --> a RetryNote joined into the channel's conversation, for the message to show who retried
import type { ChannelRef } from '../channels';
import { type RetryNote, withRetryNote } from '../executions';
import type { ConversationStore } from '../ports';

/** Conditional writes lost in a row before the note is given up (logged by the caller). */
const MAX_ATTEMPTS = 10;

/**
 * (retry pressed) --> recordRetry --> the conversation's state; notify shows it at its next render
 *
 * CodePipeline's events say that a stage was retried, not by whom: the button that retried writes
 * it into the conversation the message belongs to (a join with optimistic concurrency, as notify's
 * own merges: the note is kept whatever the order of writers). Nothing is rendered here: the retry's
 * own events (the stage starting again) reach notify within seconds, and its render shows the note.
 * False when the channel has no conversation about the execution (a message pipewatch did not
 * post, or one whose record expired) or when writers kept winning.
 */
export async function recordRetry(
  conversations: Pick<ConversationStore, 'read' | 'writeState'>,
  where: { readonly channel: ChannelRef; readonly pipeline: string; readonly executionId: string },
  note: RetryNote,
): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const record = await conversations.read(where);
    if (record === undefined) return false;
    const next = withRetryNote(record.state, note);
    if (next === record.state) return true;
    const written = await conversations.writeState(where, next, record.version);
    if (written.ok) return true;
  }
  return false;
}
