// (dev server) http://127.0.0.1:<port>/api/messages --> the Teams function as API Gateway would invoke it: for a real tenant through a dev tunnel
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TeamsLambdaHandler } from '../../teams/app/create-teams-app';
import { createLoopbackServer, header, httpApiPostEvent, listen, readBody, sendJson } from '../http';
import { TEAMS_MESSAGES_PATH } from '../teams/signed-activity';

/** Far above any activity Teams sends (its messages are ~100 KB at most). */
const MAX_BODY = 1024 * 1024;

export interface TeamsEndpoint {
  /** `http://127.0.0.1:<port>/api/messages`: what the dev tunnel forwards to. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The bot's messaging endpoint on loopback: each POST /api/messages becomes the HTTP API event the
 * deployed function receives (headers, body), and its answer is sent back. Everything else is 404.
 * The Teams function checks every request's token against Microsoft's keys, as deployed, so a
 * tunnel exposes nothing that is not signed by the Bot Framework for this bot. Like every local
 * server it answers only a loopback Host: `devtunnel` rewrites Host to `localhost` by default
 * (ngrok needs `--host-header=rewrite`).
 */
export async function serveTeamsMessages(
  handler: TeamsLambdaHandler,
  port: number,
  host = '127.0.0.1',
): Promise<TeamsEndpoint> {
  const server: Server = createLoopbackServer('teams-endpoint', host, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (req.method !== 'POST' || path !== TEAMS_MESSAGES_PATH) {
      sendJson(res, 404, { error: 'Not found' });
      return;
    }
    readBody(req, MAX_BODY, () => new Error('request body too large'))
      .then(async (body) => {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'user-agent']) {
          const value = header(req, name);
          if (value !== undefined) headers[name] = value;
        }
        const answer = await handler(
          httpApiPostEvent(TEAMS_MESSAGES_PATH, body, { headers, host: header(req, 'host') ?? 'localhost' }),
        );
        res.writeHead(answer.statusCode ?? 200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(typeof answer.body === 'string' ? answer.body : '');
      })
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      });
  });
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}${TEAMS_MESSAGES_PATH}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
