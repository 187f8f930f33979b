// (local Teams) HTTP answers of the local Teams servers (identity, Bot Connector): JSON and plain-text bodies with their lengths
import type { ServerResponse } from 'node:http';

export { sendJson } from '../http';

/** A non-JSON body, as a gateway or load balancer in front of a service answers an outage. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
