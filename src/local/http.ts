// (local mode) HTTP helpers of the loopback servers (local AWS, local Slack, local Teams): bounded body reads, headers, listen, answers, API Gateway events
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

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

/**
 * Listens, rejecting on a bind error (a port in use) instead of emitting it unhandled. Idle
 * keep-alive connections stay open until the server stops (its stop closes them): with Node's
 * 5-second default a client that reuses a pooled socket just as the server closes it gets
 * ECONNRESET or "socket hang up", which a loaded machine makes common; a local service has no
 * reason to shed idle clients.
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  server.keepAliveTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A JSON answer with its length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * The API Gateway HTTP API (payload v2) event of a POST to `path`, as a Lambda behind it receives
 * it: the headers given (lower-case), the body as is or base64-encoded.
 */
export function httpApiPostEvent(
  path: string,
  body: string,
  options: { readonly headers: Record<string, string>; readonly host?: string; readonly base64?: boolean },
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const host = options.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host, 'content-length': String(Buffer.byteLength(body, 'utf8')), ...options.headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: 'POST',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: options.headers['user-agent'] ?? 'pipewatch-local',
      },
      requestId: randomUUID(),
      routeKey: `POST ${path}`,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: options.base64 === true ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: options.base64 === true,
  };
}
