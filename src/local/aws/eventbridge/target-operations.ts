// (local AWS) EventBridge PutTargets, RemoveTargets, ListTargetsByRule, ListRuleNamesByTarget, with AWS's limits and partial failures
import { validationError } from '../aws-error';
import { limitExceeded, type OperationContext } from './context';
import { isLocalHttpTarget } from './delivery';
import { parseJsonPath } from './input-transformer';
import type { TargetSpec } from './state';
import {
  eventBusNameOrArn,
  INPUT_PATHS_MAP_KEY,
  type Input,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  page,
  RULE_NAME,
  requiredList,
  requiredString,
  stringList,
  structureList,
  TARGET_ID,
} from './validation';

/**
 * PutTargets, RemoveTargets, ListTargetsByRule, ListRuleNamesByTarget.
 *
 * What AWS does, and so what this does:
 * - At most 10 entries per PutTargets / RemoveTargets request (the docs; the model says 100):
 *   more is a ValidationException for the whole call.
 * - At most 5 targets per rule, not adjustable: a PutTargets that would leave a rule with a 6th
 *   target fails as a whole with LimitExceededException "The requested resource exceeds the
 *   maximum number allowed." (the CLI's observed answer) and changes nothing.
 * - Malformed fields (types, lengths, patterns, Input/InputPath/InputTransformer together) fail
 *   the whole call with ValidationException; an entry whose Arn is not an ARN (nor a loopback
 *   HTTP URL, the local extension) is reported in FailedEntries with HTTP 200, the other entries
 *   applied — the partial-failure shape the SDK exposes as FailedEntryCount/FailedEntries.
 * - Targets are only stored with the members the emulator understands (Id, Arn, RoleArn, Input,
 *   InputPath, InputTransformer, RetryPolicy, DeadLetterConfig); other parameter members are dropped.
 */

const MAX_ENTRIES_PER_REQUEST = 10;
const MAX_TARGETS_PER_RULE = 5;
const ARN = /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;

function parsePath(value: string, field: string, targetId: string): string {
  if (parseJsonPath(value) === undefined)
    throw validationError(`${field} for target ${targetId} is not a valid JSON path: ${value}`);
  return value;
}

function parseTarget(raw: Input): TargetSpec {
  const id = requiredString(raw, 'Id', { min: 1, max: 64, pattern: TARGET_ID });
  const target: TargetSpec = { Id: id, Arn: requiredString(raw, 'Arn', { min: 1, max: 1600 }) };
  const roleArn = optionalString(raw, 'RoleArn', { min: 1, max: 1600 });
  if (roleArn !== undefined) target.RoleArn = roleArn;
  const input = optionalString(raw, 'Input', { max: 8192 });
  const inputPath = optionalString(raw, 'InputPath', { max: 256 });
  const transformer = optionalObject(raw, 'InputTransformer');
  if ([input, inputPath, transformer].filter((v) => v !== undefined).length > 1) {
    throw validationError(`Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`);
  }
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      throw validationError(`Input for target ${id} is not valid JSON text.`);
    }
    target.Input = input;
  }
  if (inputPath !== undefined) target.InputPath = parsePath(inputPath, 'InputPath', id);
  if (transformer !== undefined) {
    const template = requiredString(transformer, 'InputTemplate', { min: 1, max: 8192 });
    const map = optionalObject(transformer, 'InputPathsMap');
    const paths: Record<string, string> = {};
    const entries = Object.entries(map ?? {});
    if (entries.length > 100) {
      throw validationError(
        "1 validation error detected: Value at 'inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to 100",
      );
    }
    for (const [key, value] of entries) {
      if (!INPUT_PATHS_MAP_KEY.test(key)) {
        throw validationError(
          `1 validation error detected: Value '${key}' at 'inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]`,
        );
      }
      // The reserved names (aws.events.*) cannot pass the key pattern anyway; AWS also refuses keys starting with "AWS.".
      if (key.toLowerCase().startsWith('aws.')) throw validationError(`InputPathsMap key ${key} is reserved.`);
      if (typeof value !== 'string' || value.length > 256) {
        throw validationError(`InputPathsMap value for ${key} must be a JSON path of at most 256 characters.`);
      }
      paths[key] = parsePath(value, 'InputPathsMap', id);
    }
    target.InputTransformer = { ...(map === undefined ? {} : { InputPathsMap: paths }), InputTemplate: template };
  }
  const retry = optionalObject(raw, 'RetryPolicy');
  if (retry !== undefined) {
    const attempts = optionalInteger(retry, 'MaximumRetryAttempts', 0, 185);
    const age = optionalInteger(retry, 'MaximumEventAgeInSeconds', 60, 86_400);
    target.RetryPolicy = {
      ...(attempts === undefined ? {} : { MaximumRetryAttempts: attempts }),
      ...(age === undefined ? {} : { MaximumEventAgeInSeconds: age }),
    };
  }
  const deadLetter = optionalObject(raw, 'DeadLetterConfig');
  if (deadLetter !== undefined) {
    const arn = optionalString(deadLetter, 'Arn', { min: 1, max: 1600 });
    target.DeadLetterConfig = arn === undefined ? {} : { Arn: arn };
  }
  return target;
}

const ruleField = (input: Input) => requiredString(input, 'Rule', { min: 1, max: 64, pattern: RULE_NAME });

export function putTargets(ctx: OperationContext, input: Input): unknown {
  const name = ruleField(input);
  const targets = structureList(requiredList(input, 'Targets', 1, MAX_ENTRIES_PER_REQUEST), 'Targets').map(parseTarget);
  const rule = ctx.state.rule(eventBusNameOrArn(input), name);

  const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
  const accepted = new Map(rule.targets.map((target) => [target.Id, target]));
  for (const target of targets) {
    if (!ARN.test(target.Arn) && !isLocalHttpTarget(target.Arn)) {
      failed.push({
        TargetId: target.Id,
        ErrorCode: 'ValidationException',
        ErrorMessage: `Parameter ${target.Arn} is not valid. Reason: Provided Arn is not in correct format.`,
      });
      continue;
    }
    accepted.set(target.Id, target);
  }
  if (accepted.size > MAX_TARGETS_PER_RULE) throw limitExceeded();
  rule.targets = [...accepted.values()];
  ctx.state.changed(rule);
  return { FailedEntryCount: failed.length, FailedEntries: failed };
}

export function removeTargets(ctx: OperationContext, input: Input): unknown {
  const name = ruleField(input);
  const ids = stringList(requiredList(input, 'Ids', 1, MAX_ENTRIES_PER_REQUEST), 'Ids', {
    min: 1,
    max: 64,
    pattern: TARGET_ID,
  });
  optionalBoolean(input, 'Force');
  const rule = ctx.state.rule(eventBusNameOrArn(input), name);
  // Ids the rule does not have are not failures: the outcome (not a target) already holds.
  rule.targets = rule.targets.filter((target) => !ids.includes(target.Id));
  ctx.state.changed(rule);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(ctx: OperationContext, input: Input): unknown {
  const name = ruleField(input);
  const nextToken = optionalString(input, 'NextToken', { min: 1, max: 2048 });
  const limit = optionalInteger(input, 'Limit', 1, 100);
  const rule = ctx.state.rule(eventBusNameOrArn(input), name);
  const result = page(rule.targets, (target) => target.Id, nextToken, limit);
  return { Targets: result.items, NextToken: result.nextToken };
}

export function listRuleNamesByTarget(ctx: OperationContext, input: Input): unknown {
  const arn = requiredString(input, 'TargetArn', { min: 1, max: 1600 });
  const nextToken = optionalString(input, 'NextToken', { min: 1, max: 2048 });
  const limit = optionalInteger(input, 'Limit', 1, 100);
  const rules = ctx.state.rules(eventBusNameOrArn(input)).filter((rule) => rule.targets.some((t) => t.Arn === arn));
  const result = page(rules, (rule) => rule.name, nextToken, limit);
  return { RuleNames: result.items.map((rule) => rule.name), NextToken: result.nextToken };
}
