// (local AWS) DynamoDB on loopback: dynalite's request handler behind the local AWS endpoint (its own port answers nothing), tables kept in DIR/dynamodb
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  /** Hands a request to dynalite; once `close` has begun, answers DynamoDB's 500 instead. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Where dynalite's own server listens (`http://127.0.0.1:PORT`); it refuses every request. */
  readonly internalUrl: string;
  /** Refuses new requests, lets those dynalite is serving answer, then closes its database. */
  close(): Promise<void>;
}

/** How long `close` lets requests under way finish before closing the database anyway. */
const DRAIN_MS = 5_000;

const CLOSING = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'The local DynamoDB is shutting down',
});

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
  // dynalite throws (an uncaught exception) from any request that meets its closed database, so
  // the requests it is serving finish first (for up to DRAIN_MS; one still inside dynalite after
  // that would meet the closed database as before) and none reaches it after.
  let closing = false;
  const underWay = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  return {
    handle(req, res) {
      if (closing) {
        res.writeHead(500, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(CLOSING),
        });
        res.end(CLOSING);
        return;
      }
      underWay.add(res);
      const done = () => {
        underWay.delete(res);
        if (underWay.size === 0) drained?.();
      };
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      // dynalite answers every request it takes with res.end, even once the client has gone, after
      // its database work; the request is done when that answer has left (or the connection has),
      // so closing within DRAIN_MS cuts none.
      res.end = ((...args: unknown[]) => {
        const ended = end(...args);
        if (res.writableFinished || res.destroyed) done();
        else {
          res.once('finish', done);
          res.once('close', done);
        }
        return ended;
      }) as ServerResponse['end'];
      listener(req, res);
    },
    internalUrl: `http://127.0.0.1:${port}`,
    async close() {
      closing = true;
      if (underWay.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          drained = resolve;
          timer = setTimeout(resolve, DRAIN_MS);
        });
        clearTimeout(timer);
      }
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
