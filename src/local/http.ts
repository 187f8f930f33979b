// (local mode) HTTP helpers of the loopback servers (local AWS, local Slack): bounded body reads, headers, listen
import type { IncomingMessage, Server } from 'node:http';

/** Small HTTP helpers shared by the loopback servers of the local mode (local AWS, local Slack). */

/** The request body as UTF-8, refused with `tooLarge()` past `maxBytes` (the connection is dropped). */
export function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A header's first value (Node joins most repeated headers, but not all). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Listens, rejecting on a bind error (a port in use) instead of emitting it unhandled. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
