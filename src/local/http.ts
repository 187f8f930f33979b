// (local mode) HTTP helpers of the loopback servers (local AWS, local Slack, local Teams): the loopback Host check, bounded body reads, headers, listen, answers, API Gateway events
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Small HTTP helpers shared by the loopback servers of the local mode (local AWS, local Slack, local Teams). */

/** The names every loopback server answers to, on any port. */
const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

/**
 * An HTTP server of the local mode that answers only requests addressed to a loopback name:
 * `localhost`, `127.0.0.1`, `[::1]` (any port), and `bindHost` itself when it is a loopback
 * address. Anything else is refused with 421 before `handler` sees it, and logged: a page that
 * reached the port through DNS rebinding (`evil.example` re-pointed at 127.0.0.1) still sends its
 * own name as Host, so it can neither read nor drive the local servers.
 */
export function createLoopbackServer(name: string, bindHost: string, handler: RequestListener): Server {
  const allowed = loopbackHostNames(bindHost);
  return createServer((req, res) => {
    const refusal = hostRefusal(req, allowed);
    if (refusal === undefined) {
      handler(req, res);
      return;
    }
    console.warn(`[${name}] refused a request for Host ${JSON.stringify(req.headers.host ?? '')}: ${refusal}`);
    const text = `421 Misdirected Request: Host ${JSON.stringify(req.headers.host ?? '')} refused: ${refusal}. This pipewatch local server answers only ${[...allowed].join(', ')} (any port).\n`;
    res.writeHead(421, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      connection: 'close',
    });
    res.end(text);
  });
}

/** The Host names a server bound to `bindHost` answers: the loopback names, and `bindHost` if it is loopback. */
export function loopbackHostNames(bindHost: string): ReadonlySet<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bare = bindHost.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (isLoopbackName(bare)) names.add(isIPv6(bare) ? `[${bare}]` : bare);
  return names;
}

function isLoopbackName(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIPv4(host)) return LOOPBACK_ADDRESSES.check(host, 'ipv4');
  return isIPv6(host) && LOOPBACK_ADDRESSES.check(host, 'ipv6');
}

/** Why the request's Host (and an absolute-form target's authority) is not one of `allowed`; undefined when it is. */
export function hostRefusal(
  req: Pick<IncomingMessage, 'headers' | 'url'>,
  allowed: ReadonlySet<string>,
): string | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return 'the request has no Host header';
  const reason = hostNameReason(host, allowed);
  if (reason !== undefined) return reason;
  // `POST http://name/ HTTP/1.1`: the authority in the target wins over Host (RFC 9112 §3.2.2).
  const target = req.url ?? '/';
  if (!target.startsWith('/')) {
    let authority: string;
    try {
      authority = new URL(target).host;
    } catch {
      return `the request target ${JSON.stringify(target)} is not a path`;
    }
    return hostNameReason(authority, allowed);
  }
  return undefined;
}

function hostNameReason(host: string, allowed: ReadonlySet<string>): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host);
  if (match === null) return 'it is not a host name with an optional port';
  const name = (match[1] ?? '').toLowerCase();
  if (!allowed.has(name))
    return `${name} is not a loopback name (a page under another name, e.g. through DNS rebinding)`;
  return undefined;
}

/** The request body as UTF-8, refused with `tooLarge()` past `maxBytes` (the connection is dropped). */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return (await readBodyBytes(req, maxBytes, tooLarge)).toString('utf8');
}

/** The request body as it came (SigV4 hashes the bytes), refused with `tooLarge()` past `maxBytes`. */
export function readBodyBytes(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
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
    req.on('end', () => resolve(Buffer.concat(chunks)));
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
