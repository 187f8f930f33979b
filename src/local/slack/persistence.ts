// (local Slack) the workspace's channels and messages <--> DIR/slack.json: loaded at start, saved atomically a moment after changes
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TS_PATTERN } from './message-ts';
import type { SlackChannel, SlackMessage, WorkspaceChange } from './types';
import type { LocalWorkspace, SavedWorkspace } from './workspace';

/** The file under the data directory, next to the local AWS's `eventbridge.json`, `codepipeline.json`… */
export const SLACK_STATE_FILE = 'slack.json';
/** How long after a change the file is written: a burst of changes (a click updates a message, replies…) is one write. */
export const SAVE_DELAY_MS = 100;
const STATE_VERSION = 1;

/**
 * The saved messages cannot be read. The file is left as it is (nothing overwrites it), and the
 * local Slack does not start: starting with empty channels would lose them at the next save.
 */
export class LocalSlackStateError extends Error {
  override readonly name = 'LocalSlackStateError';

  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `Cannot read the local Slack's saved messages in ${file}: ${reason}. ` +
        'The file was left as it is: repair it, or move it away to start with empty channels.',
    );
  }
}

const ts = z.string().regex(TS_PATTERN, 'a Slack ts such as 1712345678.000100');
const blocks = z.array(z.record(z.string(), z.unknown())).optional();
const channelSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  isPrivate: z.boolean(),
  isArchived: z.boolean(),
  botMember: z.boolean(),
  members: z.array(z.string()).optional(),
});
const messageSchema = z.object({
  channel: z.string().min(1),
  ts,
  user: z.string().min(1),
  botId: z.string().optional(),
  text: z.string(),
  blocks,
  threadTs: ts.optional(),
  replyBroadcast: z.boolean(),
  replyCount: z.number().int().nonnegative(),
  replyUsers: z.array(z.string()),
  latestReply: ts.optional(),
  edited: z.object({ user: z.string(), ts }).optional(),
  revisions: z
    .array(
      z.object({
        text: z.string(),
        blocks,
        at: ts,
        by: z.enum(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response_url', 'user']),
      }),
    )
    .min(1),
  options: z.record(z.string(), z.unknown()),
});
const fileSchema = z.object({
  version: z.literal(STATE_VERSION),
  channels: z.array(channelSchema),
  messages: z.array(messageSchema),
});

/**
 * Keeps a workspace's channels and messages (threads, edits, metadata: what the channel page
 * shows) in `DIR/slack.json` across restarts, as the local AWS keeps its services' state: one JSON
 * file, written atomically (a temporary file renamed over it), so a crash never leaves half a file.
 * Writes are debounced ({@link SAVE_DELAY_MS}) and flushed by `close()`. Ephemeral messages,
 * opened views, trigger ids, response URLs and the call log are not kept: they do not outlive a
 * session in Slack either.
 */
export class WorkspacePersistence {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private workspace: LocalWorkspace | undefined;
  private readonly onChange = (change: WorkspaceChange) => {
    if (change.type === 'message' || change.type === 'channel') this.schedule();
  };

  constructor(
    dataDir: string,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, SLACK_STATE_FILE);
  }

  /** What was saved; undefined when nothing was. Throws {@link LocalSlackStateError} for a file it cannot read. */
  load(): SavedWorkspace | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LocalSlackStateError(this.file, (error as Error).message);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new LocalSlackStateError(this.file, `not JSON (${(error as Error).message})`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new LocalSlackStateError(this.file, z.prettifyError(parsed.error).replace(/\n/g, '; '));
    const channels = new Set(parsed.data.channels.map((c) => c.id));
    const stray = parsed.data.messages.find((m) => !channels.has(m.channel));
    if (stray !== undefined) {
      throw new LocalSlackStateError(
        this.file,
        `message ${stray.ts} is in channel ${stray.channel}, which is not listed`,
      );
    }
    return {
      channels: parsed.data.channels.map(
        (c): SlackChannel => ({
          id: c.id,
          name: c.name,
          isPrivate: c.isPrivate,
          isArchived: c.isArchived,
          botMember: c.botMember,
          members: c.members,
        }),
      ),
      messages: parsed.data.messages.map(
        (m): SlackMessage => ({
          channel: m.channel,
          ts: m.ts,
          user: m.user,
          botId: m.botId,
          text: m.text,
          blocks: m.blocks,
          threadTs: m.threadTs,
          replyBroadcast: m.replyBroadcast,
          replyCount: m.replyCount,
          replyUsers: m.replyUsers,
          latestReply: m.latestReply,
          edited: m.edited,
          revisions: m.revisions.map((r) => ({ text: r.text, blocks: r.blocks, at: r.at, by: r.by })),
          options: m.options,
        }),
      ),
    };
  }

  /** Saves the workspace a moment after each change to its channels or messages, until `close()`. */
  watch(workspace: LocalWorkspace): void {
    this.workspace = workspace;
    workspace.on('change', this.onChange);
  }

  /** Writes now: the temporary file, then a rename over the previous one. */
  save(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.workspace === undefined) return;
    const { channels, messages } = this.workspace.saved();
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: STATE_VERSION, channels, messages }));
    renameSync(temp, this.file);
  }

  /** Stops watching, and writes what is still pending. */
  close(): void {
    this.workspace?.off('change', this.onChange);
    if (this.timer !== undefined) this.trySave();
    this.workspace = undefined;
  }

  private schedule(): void {
    // The first change of a burst arms the timer; the later ones ride along (one write per burst).
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.trySave(), this.delayMs);
  }

  private trySave(): void {
    try {
      this.save();
    } catch (error) {
      // Kept in memory; the next change tries again.
      console.error(`[local-slack] cannot save the messages to ${this.file}`, error);
    }
  }
}
