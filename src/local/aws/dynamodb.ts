// (local AWS) DynamoDB on loopback: dynalite's request handler behind the local AWS endpoint (its own port answers nothing), tables kept in DIR/dynamodb
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Where dynalite's own server listens (`http://127.0.0.1:PORT`); it refuses every request. */
  readonly internalUrl: string;
  close(): Promise<void>;
}

const INTERNAL_ONLY =
  "403 Forbidden: this port only keeps the local AWS's DynamoDB open; send DynamoDB requests, signed, to the local AWS endpoint.\n";

/**
 * DynamoDB on loopback: dynalite's request handler mounted behind the local AWS endpoint, which
 * checks the Host and the signature first (dynalite checks neither, and answers any Origin with
 * `Access-Control-Allow-Origin: *`). Its own server also listens on an ephemeral loopback port,
 * only because dynalite closes its database when that server closes; that port refuses every
 * request. With a data directory its LevelDB files live in `DIR/dynamodb`, so tables survive a
 * restart.
 */
export async function startDynamoDb(dataDir: string | undefined): Promise<LocalDynamoDb> {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dataDir === undefined ? {} : { path: path.join(dataDir, 'dynamodb') }),
  });
  const listener = server.listeners('request')[0] as ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  if (listener === undefined) throw new Error('dynalite exposed no request handler');
  server.removeAllListeners('request');
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(403, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(INTERNAL_ONLY),
      connection: 'close',
    });
    res.end(INTERNAL_ONLY);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    handle: listener,
    internalUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
