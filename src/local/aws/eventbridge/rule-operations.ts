// (local AWS) EventBridge PutRule, DescribeRule, ListRules, Enable/DisableRule, DeleteRule; patterns checked by the core validator
import { InvalidEventPatternError, MAX_EVENT_PATTERN_LENGTH, validateEventPattern } from '../../../core/patterns';
import { AwsServiceError, validationError } from '../aws-error';
import { limitExceeded, type OperationContext } from './context';
import { DEFAULT_BUS, type RuleRecord, type RuleState } from './state';
import { parseTagList } from './tags';
import {
  eventBusNameOrArn,
  type Input,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalString,
  page,
  RULE_NAME,
  requiredString,
} from './validation';

/** PutRule, DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule. */

const RULE_STATES: readonly RuleState[] = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];
/** The API model's bound for EventPattern; the (adjustable) quota for rules is MAX_EVENT_PATTERN_LENGTH. */
export const EVENT_PATTERN_MODEL_MAX = 4096;

const ruleName = (input: Input, field = 'Name') =>
  requiredString(input, field, { min: 1, max: 64, pattern: RULE_NAME });

/** Validates with the core validator; its message is the service's ("Event pattern is not valid. Reason: …"). */
export function checkEventPattern(pattern: string, maxLength: number): void {
  try {
    validateEventPattern(pattern, { maxLength });
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new AwsServiceError('InvalidEventPatternException', error.message);
    throw error;
  }
}

export function putRule(ctx: OperationContext, input: Input): unknown {
  const name = ruleName(input);
  const scheduleExpression = optionalString(input, 'ScheduleExpression', { max: 256 });
  const eventPattern = optionalString(input, 'EventPattern', { max: EVENT_PATTERN_MODEL_MAX });
  const stateText = optionalString(input, 'State');
  if (stateText !== undefined && !RULE_STATES.includes(stateText as RuleState)) {
    throw validationError(
      `1 validation error detected: Value '${stateText}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${RULE_STATES.join(', ')}]`,
    );
  }
  const description = optionalString(input, 'Description', { max: 512 });
  const roleArn = optionalString(input, 'RoleArn', { min: 1, max: 1600 });
  const tagList = optionalList(input, 'Tags', 0, 50);
  const tags = tagList === undefined ? {} : parseTagList(tagList);
  const bus = ctx.state.bus(eventBusNameOrArn(input));

  if (eventPattern === undefined && scheduleExpression === undefined) {
    throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (scheduleExpression !== undefined && bus.name !== DEFAULT_BUS) {
    throw validationError('ScheduleExpression is supported only on the default event bus.');
  }
  // The rule-size quota (2,048 characters by default) applies here; TestEventPattern only has the model's bound.
  if (eventPattern !== undefined) checkEventPattern(eventPattern, MAX_EVENT_PATTERN_LENGTH);

  const existing = ctx.state.findRule(bus.name, name);
  if (existing === undefined && ctx.state.rules(bus.name).length >= ctx.rulesPerBus) throw limitExceeded();
  // PutRule replaces: omitted fields become null. Targets, creation time and tags survive (tags on update are ignored).
  const rule: RuleRecord = {
    name,
    busName: bus.name,
    ...(eventPattern === undefined ? {} : { eventPattern }),
    ...(scheduleExpression === undefined ? {} : { scheduleExpression }),
    state: (stateText as RuleState | undefined) ?? 'ENABLED',
    ...(description === undefined ? {} : { description }),
    ...(roleArn === undefined ? {} : { roleArn }),
    createdAt: existing?.createdAt ?? ctx.now(),
    tags: existing?.tags ?? tags,
    targets: existing?.targets ?? [],
  };
  ctx.state.putRule(rule);
  return { RuleArn: ctx.state.ruleArn(rule) };
}

function ruleShape(ctx: OperationContext, rule: RuleRecord) {
  return {
    Name: rule.name,
    Arn: ctx.state.ruleArn(rule),
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    EventBusName: rule.busName,
  };
}

export function describeRule(ctx: OperationContext, input: Input): unknown {
  const name = ruleName(input);
  const rule = ctx.state.rule(eventBusNameOrArn(input), name);
  return { ...ruleShape(ctx, rule), CreatedBy: ctx.state.accountId };
}

export function listRules(ctx: OperationContext, input: Input): unknown {
  const prefix = optionalString(input, 'NamePrefix', { min: 1, max: 64, pattern: RULE_NAME });
  const nextToken = optionalString(input, 'NextToken', { min: 1, max: 2048 });
  const limit = optionalInteger(input, 'Limit', 1, 100);
  const rules = ctx.state
    .rules(eventBusNameOrArn(input))
    .filter((rule) => prefix === undefined || rule.name.startsWith(prefix));
  const result = page(rules, (rule) => rule.name, nextToken, limit);
  return { Rules: result.items.map((rule) => ruleShape(ctx, rule)), NextToken: result.nextToken };
}

function setState(ctx: OperationContext, input: Input, state: RuleState): unknown {
  const name = ruleName(input);
  const rule = ctx.state.rule(eventBusNameOrArn(input), name);
  rule.state = state;
  ctx.state.changed(rule);
  return {};
}

export const enableRule = (ctx: OperationContext, input: Input) => setState(ctx, input, 'ENABLED');
export const disableRule = (ctx: OperationContext, input: Input) => setState(ctx, input, 'DISABLED');

/** Refused while targets remain; idempotent for a missing rule (but not for a missing bus), as AWS documents. */
export function deleteRule(ctx: OperationContext, input: Input): unknown {
  const name = ruleName(input);
  optionalBoolean(input, 'Force');
  const rule = ctx.state.findRule(eventBusNameOrArn(input), name);
  if (rule === undefined) return {};
  if (rule.targets.length > 0) throw validationError("Rule can't be deleted since it has targets.");
  ctx.state.deleteRule(rule);
  return {};
}
