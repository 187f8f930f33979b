// (local channel page) the Teams side of the page's API: the tenant's conversations as the page shows them; posts and card clicks --> signed activities --> the Teams function
import { z } from 'zod';
import { cardActionActivity, messageActivity } from '../teams/signed-activity';
import type { TeamsMessage, TenantChange } from '../teams/types';
import type { TeamsPagePort, TeamsPageUser } from './teams-page-port';

/**
 * The Teams half of the channel page: what the local Bot Connector holds (the team's channels, the
 * posts, the bot's cards with their revisions, thread replies) as JSON for the page, and what a
 * person does there turned into what Teams would send the bot:
 *
 * - a post mentioning the bot (`@pipewatch subscribe myPipeline FAILED`) is stored as the person's
 *   post (`<at>pipewatch</at> subscribe …`), then sent as a message activity with a mention entity
 *   and the post's id; a post without the mention stays a post (bots in channels only hear mentions);
 * - a click on an Action.Execute is an `adaptiveCard/action` invoke with the button's verb and its
 *   data merged with the card's inputs (the approval comment); the invoke response's message is
 *   shown to the clicker only, as Teams does.
 */

const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_RESPONSE_TYPE = 'application/vnd.microsoft.activity.message';
/** Teams' own cap on a message typed in the compose box is far higher; this only bounds a request. */
const MAX_TEXT = 4_000;
/** Per input; Teams clients enforce the card's `maxLength` (512 for the approval comment). */
const MAX_INPUT = 5_000;
/** What the page keeps of clicker-only answers per conversation. */
const MAX_NOTES = 200;

/** A request the page's caller got wrong: a 4xx with a sentence for the page. */
export class TeamsPageInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'TeamsPageInputError';
  }
}

/** The person's id and the Slack person they mirror, for the page's one user switcher. */
export interface TeamsPageUserView {
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly title: string;
  /** The Slack user of the page's switcher this person is (matched by name, else by position). */
  readonly slackUser: string | undefined;
}

/** An answer shown to one person only (the invoke response of their click, a refused post). */
interface Note {
  readonly id: string;
  readonly user: string;
  /** The message it answers (a card, or the person's post). */
  readonly messageId: string;
  readonly text: string;
  readonly error: boolean;
  readonly at: number;
}

export interface TeamsPageApi {
  /** The team and the people, for the sidebar and the switcher. */
  sidebar(): { team: TeamsPagePort['team']; users: TeamsPageUserView[] };
  state(query: URLSearchParams): Record<string, unknown>;
  postMessage(input: Record<string, unknown>): Promise<Record<string, unknown>>;
  pressAction(input: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

const messageInput = z.object({
  conversation: z.string().min(1, 'conversation is required'),
  user: z.string().min(1, 'user is required'),
  text: z.string().max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`),
  /** A reply in the thread of this root post. */
  replyToId: z.string().min(1).optional(),
});

const actionInput = z.object({
  conversation: z.string().min(1, 'conversation is required'),
  user: z.string().min(1, 'user is required'),
  /** The message (a root post or a thread reply) whose card holds the button. */
  messageId: z.string().min(1, 'messageId is required'),
  verb: z.string().min(1, 'verb is required').max(200),
  /** The card's inputs as typed (Input.Text ids to values); only the card's own inputs are sent. */
  inputs: z.record(z.string(), z.string().max(MAX_INPUT)).optional(),
});

/** zod's issues as one sentence: `text: expected string, received undefined; user: …`. */
function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
  throw new TeamsPageInputError(`invalid request: ${problems.join('; ')}`);
}

export function createTeamsPageApi(
  port: TeamsPagePort,
  options: {
    /** The Slack people of the switcher, to pair each Teams person with one. */
    readonly slackUsers: readonly { readonly id: string; readonly name: string; readonly realName?: string }[];
    /** Called when what the page shows changed (a message, a note). */
    readonly onChange: () => void;
  },
): TeamsPageApi {
  const tenant = port.tenant;
  const notes = new Map<string, Note[]>();
  let lastNote = 0;
  const users: TeamsPageUserView[] = port.users.map((user, index) => ({
    id: user.id,
    aadObjectId: user.aadObjectId,
    name: user.name,
    title: user.title,
    slackUser: mirrorOf(user, index, options.slackUsers),
  }));
  const channelIds = new Set(port.team.channels.map((channel) => channel.id));

  const onTenantChange = (change: TenantChange) => {
    if (change.type !== 'call') options.onChange();
  };
  tenant.on('change', onTenantChange);

  function requireUser(id: string): TeamsPageUser {
    const user = port.users.find((candidate) => candidate.id === id);
    if (user === undefined) throw new TeamsPageInputError(`unknown Teams user ${id}`, 404);
    return user;
  }

  function requireConversation(id: string): string {
    const conversation = tenant.conversation(id);
    if (conversation === undefined || !channelIds.has(conversation.id)) {
      throw new TeamsPageInputError(`unknown Teams channel ${id}`, 404);
    }
    return conversation.id;
  }

  const botName = (conversationId: string, user: TeamsPageUser) => port.parties(conversationId, user).bot.name;

  function nameOf(from: string): string {
    if (from === tenant.botAppId) return 'pipewatch';
    return port.users.find((user) => user.id === from)?.name ?? from;
  }

  function messageView(message: TeamsMessage) {
    const activity = message.activity;
    const attachments = Array.isArray(activity.attachments) ? (activity.attachments as Record<string, unknown>[]) : [];
    const first = message.revisions[0];
    const last = message.revisions.at(-1);
    return {
      id: message.id,
      replyToId: message.replyToId,
      from: message.from,
      fromName: nameOf(message.from),
      bot: message.from === tenant.botAppId,
      text: typeof activity.text === 'string' ? activity.text : '',
      textFormat: typeof activity.textFormat === 'string' ? activity.textFormat : 'markdown',
      cards: attachments
        .filter((attachment) => attachment.contentType === CARD_CONTENT_TYPE)
        .map((attachment) => attachment.content),
      at: first?.at ?? 0,
      /** When it was last updated in place (a PUT), if it was. */
      editedAt: message.revisions.length > 1 ? last?.at : undefined,
      revisions: message.revisions.length,
    };
  }

  function addNote(conversationId: string, note: Omit<Note, 'id' | 'at'>): Note {
    const at = Date.now();
    lastNote = Math.max(at, lastNote + 1);
    const full: Note = { ...note, id: `n${lastNote}`, at: lastNote };
    const list = notes.get(conversationId) ?? [];
    list.push(full);
    if (list.length > MAX_NOTES) list.splice(0, list.length - MAX_NOTES);
    notes.set(conversationId, list);
    options.onChange();
    return full;
  }

  return {
    sidebar: () => ({ team: port.team, users }),

    state(query) {
      const conversationId = requireConversation(query.get('conversation') || port.team.channels[0]?.id || '');
      const user = requireUser(query.get('user') || port.users[0]?.id || '');
      const conversation = tenant.conversation(conversationId);
      return {
        team: port.team,
        users,
        conversation: {
          id: conversationId,
          name: conversation?.name ?? conversationId,
          botInstalled: conversation?.botInstalled ?? false,
        },
        user: user.id,
        botName: botName(conversationId, user),
        messages: tenant.messages(conversationId).map((message) => ({
          ...messageView(message),
          replies: tenant.threadReplies(conversationId, message.id).map(messageView),
        })),
        notes: (notes.get(conversationId) ?? []).filter((note) => note.user === user.id),
      };
    },

    async postMessage(input) {
      const request = parse(messageInput, input);
      const conversationId = requireConversation(request.conversation);
      const user = requireUser(request.user);
      const typed = request.text.trim();
      if (typed === '') throw new TeamsPageInputError('nothing to send');
      if (request.replyToId !== undefined) {
        const root = tenant.message(conversationId, request.replyToId);
        if (root === undefined || root.replyToId !== undefined) {
          throw new TeamsPageInputError(`no post ${request.replyToId} to reply to`, 404);
        }
      }
      const name = botName(conversationId, user);
      // `@pipewatch` anywhere, as a word: Teams turns the picked mention into `<at>pipewatch</at>`.
      const mention = new RegExp(`(^|\\s)@${escapeRegExp(name)}(?=$|[\\s,.:;!?])`, 'i');
      const mentioned = mention.test(typed);
      const at = `<at>${name}</at>`;
      const text = mentioned ? typed.replace(mention, (_whole, space: string) => `${space}${at}`) : typed;
      const post = tenant.postUserMessage(conversationId, user.id, text, request.replyToId);
      // Bots in a channel hear only the posts that mention them.
      if (!mentioned) return { ok: true, kind: 'post', id: post.id };
      const command = text.replace(at, ' ').replace(/\s+/g, ' ').trim();
      const activity = {
        ...messageActivity(port.parties(conversationId, user), command, {
          id: post.id,
          ...(request.replyToId === undefined ? {} : { threadOf: request.replyToId }),
        }),
        // The text as posted (the mention where it was typed); the entity's text is a part of it.
        text,
      };
      const answer = await sendSafely(activity);
      if (answer.statusCode !== 200 && answer.statusCode !== 201 && answer.statusCode !== 202) {
        addNote(conversationId, {
          user: user.id,
          messageId: post.id,
          text: `pipewatch did not receive this message (HTTP ${answer.statusCode}).`,
          error: true,
        });
      }
      return { ok: answer.statusCode < 300, kind: 'mention', id: post.id, status: answer.statusCode };
    },

    async pressAction(input) {
      const request = parse(actionInput, input);
      const conversationId = requireConversation(request.conversation);
      const user = requireUser(request.user);
      const message = tenant.message(conversationId, request.messageId);
      if (message === undefined) throw new TeamsPageInputError('no such message', 404);
      const cards = (Array.isArray(message.activity.attachments) ? message.activity.attachments : [])
        .filter((attachment) => (attachment as Record<string, unknown>).contentType === CARD_CONTENT_TYPE)
        .map((attachment) => (attachment as Record<string, unknown>).content);
      const found = cards
        .map((card) => ({ card, action: findExecute(card, request.verb) }))
        .find((candidate) => candidate.action !== undefined);
      if (found?.action === undefined) {
        throw new TeamsPageInputError(`no Action.Execute with the verb ${request.verb} on that message`, 404);
      }
      // The card's inputs (the approval comment) go with the button unless it says `associatedInputs: none`.
      const inputIds = inputIdsOf(found.card);
      const inputs =
        found.action.associatedInputs === 'none'
          ? {}
          : Object.fromEntries(Object.entries(request.inputs ?? {}).filter(([id]) => inputIds.has(id)));
      const activity = cardActionActivity(
        port.parties(conversationId, user),
        { activityId: message.id, threadOf: message.replyToId ?? message.id },
        { verb: request.verb, data: { ...found.action.data, ...inputs } },
      );
      const answer = await sendSafely(activity);
      const response = invokeResponse(answer.body);
      let shown: string;
      let error = false;
      if (answer.statusCode !== 200 || response === undefined) {
        shown = `Something went wrong: pipewatch answered HTTP ${answer.statusCode}.`;
        error = true;
      } else if (response.type === MESSAGE_RESPONSE_TYPE && typeof response.value === 'string') {
        shown = response.value;
      } else {
        const value = response.value as { message?: unknown } | undefined;
        shown =
          typeof value?.message === 'string' ? value.message : `pipewatch answered ${response.statusCode ?? 200}.`;
        error = (response.statusCode ?? 200) >= 400;
      }
      const note = addNote(conversationId, { user: user.id, messageId: message.id, text: shown, error });
      return { ok: !error, status: answer.statusCode, response: response ?? null, note };
    },

    close() {
      tenant.off('change', onTenantChange);
    },
  };

  async function sendSafely(activity: Record<string, unknown>): Promise<{ statusCode: number; body: string }> {
    try {
      return await port.send(activity);
    } catch (error) {
      console.error('[channel-page] the Teams function failed', error);
      return { statusCode: 502, body: '' };
    }
  }
}

/** The Slack person a Teams person is: the same name (alice / Alice), else the one at the same place in the list. */
function mirrorOf(
  user: TeamsPageUser,
  index: number,
  slackUsers: readonly { readonly id: string; readonly name: string; readonly realName?: string }[],
): string | undefined {
  const name = user.name.toLowerCase();
  const same = slackUsers.find((slack) => slack.name.toLowerCase() === name || slack.realName?.toLowerCase() === name);
  return (same ?? slackUsers[index])?.id;
}

interface ExecuteFound {
  readonly data: Record<string, unknown>;
  readonly associatedInputs: string | undefined;
}

/** The first Action.Execute with `verb` in a card (ShowCards included, fallbacks not). */
function findExecute(card: unknown, verb: string): ExecuteFound | undefined {
  let found: ExecuteFound | undefined;
  walk(card, (node) => {
    if (found === undefined && node.type === 'Action.Execute' && node.verb === verb) {
      const data = typeof node.data === 'object' && node.data !== null ? (node.data as Record<string, unknown>) : {};
      found = {
        data,
        associatedInputs: typeof node.associatedInputs === 'string' ? node.associatedInputs : undefined,
      };
    }
  });
  return found;
}

/** The ids of a card's inputs (Input.Text, …), ShowCards included. */
function inputIdsOf(card: unknown): Set<string> {
  const ids = new Set<string>();
  walk(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string')
      ids.add(node.id);
  });
  return ids;
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    visit(record);
    for (const [key, value] of Object.entries(record)) if (key !== 'fallback' && key !== 'data') walk(value, visit);
  }
}

/** The body of an invoke response: `{ statusCode, type, value }`. */
function invokeResponse(body: string): { statusCode?: number; type?: string; value?: unknown } | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { statusCode?: number; type?: string; value?: unknown })
      : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
