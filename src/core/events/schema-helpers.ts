// (core) zod building blocks of the event schemas: null read as absent, empty lists, non-empty strings, dropUndefined
import * as z from '../zod';

/**
 * An optional field. AWS omits most optional fields but some producers (and
 * re-serialising forwarders) write `null`; both mean "absent", so both become
 * `undefined` and the domain types have a single way to say "not there".
 */
export function optional<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.nullish(schema),
    z.transform((value: z.output<T> | null | undefined): z.output<T> | undefined => value ?? undefined),
  );
}

/** An optional list: absent, null and empty read the same (`[]`), so consumers never check for undefined. */
export function optionalList<T extends z.ZodMiniType>(item: T) {
  return z.pipe(
    optional(z.array(item)),
    z.transform((list): z.output<T>[] => list ?? []),
  );
}

/** A non-empty string: an empty pipeline name or execution id identifies nothing. */
export const nonEmptyString = z.string().check(z.minLength(1, { error: 'expected a non-empty string' }));

export const optionalString = optional(z.string());

/** CodePipeline's rule for pipeline, stage and action names (CreatePipeline rejects anything else). */
export const CODEPIPELINE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;

/**
 * A pipeline, stage or action name as CodePipeline allows it: 1 to 100 of `A-Z a-z 0-9 . @ - _`.
 * Anything else (a lone surrogate, a slash, a space) was never emitted by AWS, and would only
 * reach links, buttons and headers to break them, so the event is refused at the door.
 */
export const codePipelineName = z.string().check(
  z.minLength(1, { error: 'expected a non-empty string' }),
  z.refine((value) => value === '' || CODEPIPELINE_NAME.test(value), {
    error: 'expected a CodePipeline name (1 to 100 of A-Z a-z 0-9 . @ - _)',
  }),
);

/** A pipeline execution id: CodePipeline's are UUIDs (`94fb261b-65d0-41ba-bea3-b08420e9b5e7`). */
export const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const executionId = z.string().check(
  z.minLength(1, { error: 'expected a non-empty string' }),
  z.refine((value) => value === '' || EXECUTION_ID.test(value), {
    error: 'expected an execution id (a UUID such as 94fb261b-65d0-41ba-bea3-b08420e9b5e7)',
  }),
);

/**
 * A JSON number. CodePipeline writes `1`, `1.0` or `16.0` for the same
 * integer-valued fields depending on the envelope; JSON.parse reads them all as
 * numbers, so no special case is needed, but nothing here assumes `z.int()`.
 */
export const optionalNumber = optional(z.number());

/** Keeps parsed results free of `key: undefined`, so test equality and JSON output stay clean. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
