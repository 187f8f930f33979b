// (Lambda entry point) EventBridge Scheduler, every five minutes --> the notify DLQ replayed through notify: built once per cold start (src/app/redrive-app.ts)
import { type RedriveApp, type RedriveContext, redriveAppFromEnvironment } from '../src/app/redrive-app';

let app: RedriveApp | undefined;

/** The schedule's input is not read; a missing or malformed variable throws at the first invocation, naming it. */
export const handler = async (_event: unknown, context?: RedriveContext): Promise<unknown> => {
  app ??= redriveAppFromEnvironment();
  return app(context);
};
