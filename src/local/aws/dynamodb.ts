// (local AWS) DynamoDB on loopback: dynalite's request handler behind the local AWS endpoint, tables kept in DIR/dynamodb
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import dynalite from 'dynalite';

export interface LocalDynamoDb {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

/**
 * DynamoDB on loopback: dynalite's request handler mounted behind the local AWS endpoint. Its
 * own server also listens on an ephemeral loopback port, only because dynalite closes its
 * database when that server closes. With a data directory its LevelDB files live in
 * `DIR/dynamodb`, so tables survive a restart.
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    handle: listener,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
