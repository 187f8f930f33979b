import { loadFixture } from '../../../helpers/fixtures';

/** A mutable copy of a fixture, for hand-made variants. */
export type EventObject = Record<string, unknown> & { detail: Record<string, unknown> };

export function fixtureCopy(path: string): EventObject {
  return structuredClone(loadFixture(path)) as EventObject;
}

/** An EventBridge action event with its detail changed by `patch` (null deletes a field). */
export function eventWithDetail(path: string, patch: Record<string, unknown>): EventObject {
  const event = fixtureCopy(path);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete event.detail[key];
    else event.detail[key] = value;
  }
  return event;
}
