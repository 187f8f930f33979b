// (local channel page) the page's same-origin rule: a request that changes something carries the page's own Origin; a foreign Origin is refused on any request
import type { IncomingMessage } from 'node:http';

/**
 * Why the channel page refuses `req`, or undefined when it may go on. The local Slack's loopback
 * Host check (src/local/http.ts) comes first, so `http://<Host>` is the page's own origin. Every
 * request but GET and HEAD (a command, a message, a button, a modal, starting a pipeline) must carry
 * an `Origin` equal to it, as browsers send on such requests: neither another site nor a page on
 * another local port (`http://localhost:OTHER`) can act as one of the page's people, and a form or
 * script without an Origin cannot either. A foreign Origin is refused whatever the method.
 */
export function crossOriginReason(req: IncomingMessage): string | undefined {
  const own = `http://${(req.headers.host ?? '').toLowerCase()}`;
  const origin = req.headers.origin;
  const method = req.method ?? 'GET';
  if (origin === undefined) {
    return method === 'GET' || method === 'HEAD' ? undefined : `a ${method} must carry the page's own Origin, ${own}`;
  }
  return origin.toLowerCase() === own ? undefined : `Origin ${origin} is not the page's own, ${own}`;
}
