// (teams) API Gateway HTTP API event --> the Teams SDK's route handler (IHttpServerAdapter) --> the Lambda response

import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from '@microsoft/teams.apps';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The Teams SDK in Lambda: the SDK registers its messaging route here (App.initialize()), and each
 * invocation is translated into the SDK's `{ body, headers }` request and back. No server listens
 * (App.start() is never called); the SDK's handler finishes the work before it answers, so nothing
 * runs after Lambda freezes the instance. JWT validation stays the SDK's.
 */
export class LambdaHttpAdapter implements IHttpServerAdapter {
  private readonly routes = new Map<string, HttpRouteHandler>();

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** The route for a request's method and path, if the SDK registered one. */
  routeFor(method: string, path: string): HttpRouteHandler | undefined {
    return this.routes.get(`${method.toUpperCase()} ${path}`);
  }

  async handle(event: APIGatewayProxyEventV2, body: unknown): Promise<APIGatewayProxyStructuredResultV2> {
    const route = this.routeFor(event.requestContext.http.method, event.rawPath);
    if (route === undefined) return json(404, { error: 'Not found' });
    const response = await route({ body, headers: lowerCaseHeaders(event.headers) });
    return response.body === undefined ? { statusCode: response.status } : json(response.status, response.body);
  }
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** HTTP API v2 lower-cases header names already; a test's or a proxy's may not. */
function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

/** The request body as JSON, base64 decoded as UTF-8 first when API Gateway encoded it; undefined when it is not JSON. */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
