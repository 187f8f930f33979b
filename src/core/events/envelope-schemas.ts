// (core) the two envelopes an event arrives in: EventBridge (detail-type, id) and CodeStar Notifications (detailType)
import * as z from '../zod';
import { additionalAttributesSchema } from './additional-attributes-schema';
import { nonEmptyString, optional, optionalList, optionalString } from './schema-helpers';

/*
 * The two envelopes a CodePipeline event arrives in. The detail is validated
 * separately, per detail-type, so that its errors carry precise paths.
 */

/** `detail` must be an object; its fields are checked by the level's schema. */
const detailObject = z.looseObject({});

/** EventBridge writes ISO 8601 UTC; the time orders events of an execution, so it must be readable. */
const eventTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' });

/** What both envelopes carry, under the same names: where and when the event happened, and about what. */
const commonEnvelopeShape = {
  source: z.string(),
  account: z.string(),
  time: eventTime,
  region: z.string(),
  resources: optionalList(z.string()),
};

/**
 * The EventBridge event (rules on the default or a custom bus, the simulator).
 * @example
 * {
 *   "version": "0", "id": "01234567-EXAMPLE", "detail-type": "CodePipeline Pipeline Execution State Change",
 *   "source": "aws.codepipeline", "account": "123456789012", "time": "2020-01-31T18:55:43Z",
 *   "region": "us-west-2", "resources": ["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"],
 *   "detail": { "pipeline": "myPipeline", "execution-id": "12345678-1234-5678-abcd-12345678abcd", "state": "FAILED", "version": 4 }
 * }
 */
export const eventBridgeEnvelopeSchema = z.object({
  version: optionalString,
  id: nonEmptyString,
  'detail-type': z.string(),
  ...commonEnvelopeShape,
  detail: detailObject,
});

/**
 * The CodeStar Notifications "processed" event (a notification rule's target,
 * e.g. via SNS): camelCase `detailType`, no `id`, plus `notificationRuleArn`
 * and `additionalAttributes` about failures.
 * @example
 * {
 *   "account": "000000000000", "detailType": "CodePipeline Stage Execution State Change",
 *   "region": "ap-southeast-2", "source": "aws.codepipeline", "time": "2022-03-30T09:07:15Z",
 *   "notificationRuleArn": "arn:aws:codestar-notifications:ap-southeast-2:000000000000:notificationrule/dc399f2b",
 *   "detail": { "pipeline": "meerkat", "execution-id": "94fb261b-65d0-41ba-bea3-b08420e9b5e7", "state": "FAILED", "stage": "Build", "version": 16.0 },
 *   "resources": ["arn:aws:codepipeline:ap-southeast-2:000000000000:meerkat"],
 *   "additionalAttributes": { "failedActionCount": 1, "failedActions": [{ "action": "Build", "additionalInformation": "Build terminated with state: FAILED" }] }
 * }
 */
export const codeStarNotificationEnvelopeSchema = z.object({
  detailType: z.string(),
  ...commonEnvelopeShape,
  notificationRuleArn: optionalString,
  additionalAttributes: optional(additionalAttributesSchema),
  detail: detailObject,
});

export type EventBridgeEnvelope = z.input<typeof eventBridgeEnvelopeSchema>;
export type CodeStarNotificationEnvelope = z.input<typeof codeStarNotificationEnvelopeSchema>;
