// (local channel page) types of the page's block-kit.js (mrkdwn parsing, Block Kit rendering), for the tests
// Types of block-kit.js for the tests (the page loads the .js as an ES module; no build step).
export type MrkdwnNode =
  | { t: 'text'; v: string }
  | { t: 'bold' | 'italic' | 'strike' | 'quote'; c: MrkdwnNode[] }
  | { t: 'code' | 'pre'; v: string }
  | { t: 'link'; url: string; label: string }
  | { t: 'mention'; kind: 'user' | 'channel' | 'special' | 'group'; id: string; label: string }
  | { t: 'date'; v: string };

export interface RenderContext {
  userName?: (id: string) => string | undefined;
  channelName?: (id: string) => string | undefined;
  onButton?: (button: Record<string, unknown>, blockId: string, value?: string) => void;
  inputErrors?: Record<string, string>;
}

export function decodeEntities(text: string): string;
export function replaceEmoji(text: string): string;
export function parseMrkdwn(text: string): MrkdwnNode[];
export function isSafeUrl(url: string): boolean;
export function renderMrkdwn(doc: unknown, text: string, ctx?: RenderContext): unknown;
export function renderText(doc: unknown, textObject: unknown, ctx: RenderContext, tag?: string): unknown;
export function renderBlock(doc: unknown, block: unknown, ctx?: RenderContext): unknown;
export function renderMessageBody(
  doc: unknown,
  blocks: unknown[] | undefined,
  fallbackText: string,
  ctx?: RenderContext,
): unknown;
