// (core) additionalAttributes of a CodeStar Notifications event: failed stage and actions, as the service adds them
import * as z from '../zod';
import { optional, optionalNumber, optionalString } from './schema-helpers';

/**
 * `additionalAttributes` of a CodeStar Notifications event: what the
 * notification service adds about failures. Fields it may add later are kept
 * (loose object). Note: `failedActionCount` can exceed `failedActions.length`
 * (seen in captured events), so neither is derived from the other.
 * @example
 * {
 *   "failedActionCount": 1,
 *   "failedActions": [{ "action": "Build", "additionalInformation": "Build terminated with state: FAILED" }],
 *   "failedStage": "Build"
 * }
 */
export const additionalAttributesSchema = z.looseObject({
  failedActions: optional(
    z.array(
      z.looseObject({
        action: z.string(),
        additionalInformation: optionalString,
      }),
    ),
  ),
  failedStage: optionalString,
  failedActionCount: optionalNumber,
  additionalInformation: optionalString,
  sourceActions: optional(z.array(z.unknown())),
});

export type AdditionalAttributes = z.output<typeof additionalAttributesSchema>;
