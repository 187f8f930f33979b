// (Lambda entry point) EventBridge subscription rule --> notify: built once per cold start (src/app/notify-app.ts), then delegates
import { type NotifyApp, notifyAppFromEnvironment } from '../src/app/notify-app';

let app: NotifyApp | undefined;

/** A missing or malformed variable throws at the first invocation, naming it. */
export const handler = async (event: unknown): Promise<unknown> => {
  app ??= notifyAppFromEnvironment();
  app.prefetchSecrets();
  return app.handler(event);
};
