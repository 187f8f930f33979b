// (core) detail.type of an action event --> ActionType (owner, provider, category, version as a string)
import * as z from '../zod';
import { dropUndefined, optionalString } from './schema-helpers';

/**
 * `detail.type` of an action event (ActionTypeId). `version` arrives as a
 * string ("1") in every documented sample but as a number from some producers;
 * it is an identifier, not a quantity, so it is normalised to a string.
 * `category` is kept as any string: see ACTION_CATEGORIES for the known ones.
 * @example
 * { "owner": "AWS", "provider": "CodeBuild", "category": "Build", "version": "1" }
 */
export const actionTypeSchema = z.pipe(
  z.object({
    owner: optionalString,
    provider: optionalString,
    category: optionalString,
    version: z.pipe(
      z.nullish(z.union([z.string(), z.number()])),
      z.transform((value) => (value === null || value === undefined ? undefined : String(value))),
    ),
  }),
  z.transform((raw) => dropUndefined(raw)),
);

export type ActionType = z.output<typeof actionTypeSchema>;
