import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request over node:http to `url`'s address with the headers as given, Host included (fetch
 * sets Host itself): what a page under another name sends after DNS rebinding points it at 127.0.0.1.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; target?: string } = {},
): Promise<RawAnswer> {
  const address = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: address.port,
        method: options.method ?? 'GET',
        path: options.target ?? `${address.pathname}${address.search}`,
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
