// (adapter detail) a `fetch` over node:http(s) for the chat clients (Slack WebClient, the Teams poster and token, Graph): the global fetch loads undici on its first call (~45 ms of a cold start)
import http from 'node:http';
import https from 'node:https';

/** What WebClient reads of a response (status, headers.get/entries, url, text, arrayBuffer). */
export interface NodeHttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null; entries(): IterableIterator<[string, string]> };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface NodeHttpRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly redirect?: string;
  readonly signal?: AbortSignal | undefined;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * POSTs a string body (WebClient's url-encoded form) and buffers the answer. Like fetch with
 * `redirect: 'error'`, a 3xx rejects; an aborted signal rejects with the signal's reason; network
 * errors reject. Bodies of another type (multipart uploads, which notify never sends) are refused.
 */
export function nodeHttpFetch(input: string | URL, init: NodeHttpRequestInit = {}): Promise<NodeHttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (client === undefined) return reject(new TypeError(`nodeHttpFetch: unsupported URL ${url.protocol}`));
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      return reject(new TypeError('nodeHttpFetch: only string bodies are supported'));
    }
    const signal = init.signal;
    if (signal?.aborted) return reject(signal.reason);
    const headers: Record<string, string | number> = { ...init.headers };
    if (typeof body === 'string') headers['Content-Length'] = Buffer.byteLength(body);
    const request = client.request(url, {
      method: init.method ?? 'GET',
      headers,
      agent: agents[url.protocol as 'http:' | 'https:'],
    });
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      done();
      reject(error);
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && init.redirect === 'error') {
        response.resume();
        done();
        reject(new TypeError(`fetch failed: redirect (HTTP ${status}) with redirect: 'error'`));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        done();
        reject(error);
      });
      response.on('end', () => {
        done();
        const buffer = Buffer.concat(chunks);
        const fields = new Map<string, string>();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) fields.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({
          status,
          statusText: response.statusMessage ?? '',
          url: url.href,
          headers: { get: (name) => fields.get(name.toLowerCase()) ?? null, entries: () => fields.entries() },
          text: async () => buffer.toString('utf8'),
          arrayBuffer: async () =>
            buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer,
        });
      });
    });
    request.end(body ?? undefined);
  });
}
