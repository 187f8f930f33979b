// (core) raw event (object or JSON text, either envelope) --> envelope + detail schemas --> one typed PipelineEvent
import type * as z from '../zod';
import { actionDetailSchema, pipelineDetailSchema, stageDetailSchema } from './detail-schemas';
import { codeStarNotificationEnvelopeSchema, eventBridgeEnvelopeSchema } from './envelope-schemas';
import { synthesizeEventId } from './event-id';
import { InvalidPipelineEventError, type PipelineEventIssue } from './invalid-pipeline-event-error';
import { formatPath, jsonTypeOf, toPipelineEventIssues } from './issue-messages';
import { findPipelineArn } from './pipeline-arn';
import type { EnvelopeKind, PipelineEvent, PipelineEventCommon, SafeParsePipelineEventResult } from './pipeline-event';
import { dropUndefined } from './schema-helpers';
import { DETAIL_TYPES, isKnownState, type Level, levelOfDetailType } from './states';

/**
 * Reads a CodePipeline state-change event (pipeline, stage or action level)
 * from an EventBridge or a CodeStar Notifications envelope, given as an object
 * or as its JSON text.
 *
 * @throws InvalidPipelineEventError naming each JSON path and its problem.
 */
export function parsePipelineEvent(input: unknown): PipelineEvent {
  const value = typeof input === 'string' ? parseJsonText(input) : input;
  if (!isObject(value)) {
    throw new InvalidPipelineEventError([{ path: '(root)', message: `expected an object, got ${jsonTypeOf(value)}` }]);
  }
  checkDepth(value);
  const kind = envelopeKindOf(value);
  return kind === 'eventbridge' ? fromEventBridge(value) : fromCodeStarNotification(value);
}

/** Like parsePipelineEvent, but returns the error instead of throwing it. */
export function safeParsePipelineEvent(input: unknown): SafeParsePipelineEventResult {
  try {
    return { success: true, event: parsePipelineEvent(input) };
  } catch (error) {
    // Anything else is a bug in the parser, not a bad event: let it surface.
    if (error instanceof InvalidPipelineEventError) return { success: false, error };
    throw error;
  }
}

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * How deep objects and arrays may nest in an event. CodePipeline's events nest about five levels;
 * anything far deeper is not one of them, and recursive code (hashing, merging, logging) must
 * never meet it: a 7 KB event of 3,000 nested arrays overflowed the stack.
 */
export const MAX_EVENT_DEPTH = 64;

/** Refuses an event nested deeper than MAX_EVENT_DEPTH, naming where; iterative, so any depth is safe to check. */
function checkDepth(root: JsonObject): void {
  type Frame = { readonly value: unknown; readonly depth: number; readonly key?: PropertyKey; readonly parent?: Frame };
  const stack: Frame[] = [{ value: root, depth: 1 }];
  // A value built in code may share (or cycle back to) an object: each is walked once.
  const seen = new WeakSet<object>();
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value, depth } = frame;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (depth > MAX_EVENT_DEPTH) {
      const path: PropertyKey[] = [];
      for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.unshift(at.key);
      throw new InvalidPipelineEventError([
        { path: formatPath(path), message: `nested deeper than ${MAX_EVENT_DEPTH} levels (not a CodePipeline event)` },
      ]);
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, depth: depth + 1, key: index, parent: frame });
      });
    } else {
      for (const key of Object.keys(value)) {
        stack.push({ value: (value as JsonObject)[key], depth: depth + 1, key, parent: frame });
      }
    }
  }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidPipelineEventError([{ path: '(root)', message: `not valid JSON (${reason})` }], { cause });
  }
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function envelopeKindOf(value: JsonObject): EnvelopeKind {
  if (Object.hasOwn(value, 'detail-type')) return 'eventbridge';
  if (Object.hasOwn(value, 'detailType')) return 'codestar-notifications';
  throw new InvalidPipelineEventError([
    {
      path: 'detail-type',
      message:
        'is missing (expected an EventBridge event with "detail-type" or a CodeStar Notifications event with "detailType")',
    },
  ]);
}

function fromEventBridge(value: JsonObject): PipelineEvent {
  const envelope = eventBridgeEnvelopeSchema.safeParse(value);
  const detail = parseDetail(value, 'detail-type');
  const issues = [...issuesOf(envelope, value), ...detail.issues];
  if (!envelope.success || detail.event === undefined) throw invalid(issues, envelope.error ?? detail.error);
  const e = envelope.data;
  return assemble(detail.event, {
    envelope: 'eventbridge',
    eventId: e.id,
    eventIdSynthesized: false,
    detailType: e['detail-type'],
    source: e.source,
    time: e.time,
    account: e.account,
    region: e.region,
    resources: e.resources,
  });
}

function fromCodeStarNotification(value: JsonObject): PipelineEvent {
  const envelope = codeStarNotificationEnvelopeSchema.safeParse(value);
  const detail = parseDetail(value, 'detailType');
  const issues = [...issuesOf(envelope, value), ...detail.issues];
  if (!envelope.success || detail.event === undefined) throw invalid(issues, envelope.error ?? detail.error);
  const e = envelope.data;
  return assemble(detail.event, {
    envelope: 'codestar-notifications',
    eventId: synthesizeEventId(value),
    eventIdSynthesized: true,
    detailType: e.detailType,
    source: e.source,
    time: e.time,
    account: e.account,
    region: e.region,
    resources: e.resources,
    notificationRuleArn: e.notificationRuleArn,
    additionalAttributes: e.additionalAttributes,
  });
}

type EnvelopeFields = Omit<PipelineEventCommon, 'pipelineArn' | 'pipelineRegion' | 'pipelineAccount' | 'stateKnown'>;

type ParsedDetail =
  | { level: 'pipeline'; data: z.output<typeof pipelineDetailSchema> }
  | { level: 'stage'; data: z.output<typeof stageDetailSchema> }
  | { level: 'action'; data: z.output<typeof actionDetailSchema> };

/**
 * Validates `detail` with the schema of the level its detail-type names. Done
 * apart from the envelope so that envelope and detail problems are reported
 * together, each with its full path.
 */
function parseDetail(
  value: JsonObject,
  detailTypeKey: 'detail-type' | 'detailType',
): { event?: ParsedDetail; issues: PipelineEventIssue[]; error?: z.core.$ZodError } {
  const detailType = value[detailTypeKey];
  if (typeof detailType !== 'string') return { issues: [] }; // reported by the envelope schema
  const level = levelOfDetailType(detailType);
  if (level === undefined) {
    const expected = Object.values(DETAIL_TYPES)
      .map((type) => JSON.stringify(type))
      .join(', ');
    return {
      issues: [{ path: detailTypeKey, message: `expected one of ${expected}, got ${JSON.stringify(detailType)}` }],
    };
  }
  const detail = value.detail;
  if (!isObject(detail)) return { issues: [] }; // reported by the envelope schema
  switch (level) {
    case 'pipeline': {
      const result = pipelineDetailSchema.safeParse(detail);
      return result.success ? { event: { level, data: result.data }, issues: [] } : detailIssues(result.error, detail);
    }
    case 'stage': {
      const result = stageDetailSchema.safeParse(detail);
      return result.success ? { event: { level, data: result.data }, issues: [] } : detailIssues(result.error, detail);
    }
    case 'action': {
      const result = actionDetailSchema.safeParse(detail);
      return result.success ? { event: { level, data: result.data }, issues: [] } : detailIssues(result.error, detail);
    }
  }
}

function detailIssues(
  error: z.core.$ZodError,
  detail: JsonObject,
): { issues: PipelineEventIssue[]; error: z.core.$ZodError } {
  return { issues: toPipelineEventIssues(error.issues, detail, ['detail']), error };
}

function issuesOf(result: { success: boolean; error?: z.core.$ZodError }, input: unknown): PipelineEventIssue[] {
  return result.error ? toPipelineEventIssues(result.error.issues, input) : [];
}

function invalid(issues: PipelineEventIssue[], cause: unknown): InvalidPipelineEventError {
  return new InvalidPipelineEventError(issues, cause === undefined ? undefined : { cause });
}

function assemble(detail: ParsedDetail, fields: EnvelopeFields): PipelineEvent {
  const arn = findPipelineArn(fields.resources, detail.data.pipeline);
  const location = {
    pipelineArn: arn?.arn,
    pipelineRegion: arn?.region ?? fields.region,
    pipelineAccount: arn?.account ?? fields.account,
  };
  const common = { ...dropUndefined(fields), ...dropUndefined(location) };
  const stateKnown = isKnownState(detail.level satisfies Level, detail.data.state);
  switch (detail.level) {
    case 'pipeline':
      return { ...common, ...detail.data, level: 'pipeline', stateKnown };
    case 'stage':
      return { ...common, ...detail.data, level: 'stage', stateKnown };
    case 'action': {
      const { detailRegion, ...data } = detail.data;
      return { ...common, ...data, level: 'action', stateKnown, actionRegion: detailRegion ?? common.pipelineRegion };
    }
  }
}
