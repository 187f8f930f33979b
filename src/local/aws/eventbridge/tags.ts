// (local AWS) EventBridge TagResource, UntagResource, ListTagsForResource on rule and bus ARNs
import { notFound, validationError } from '../aws-error';
import type { OperationContext } from './context';
import type { Tags } from './state';
import { type Input, requiredList, requiredString, stringList, structureList } from './validation';

/**
 * Tags of rules and buses: TagResource, UntagResource, ListTagsForResource by ARN
 * (`…:rule/<name>` on the default bus, `…:rule/<bus>/<name>` on a custom one, `…:event-bus/<name>`).
 * Keys 1–128, values 0–256, the `aws:` prefix is reserved for AWS.
 */

export function parseTagList(list: readonly unknown[]): Tags {
  const tags: Tags = {};
  for (const tag of structureList(list, 'Tags')) {
    const key = requiredString(tag, 'Key', { min: 1, max: 128 });
    const value = requiredString(tag, 'Value', { min: 0, max: 256 });
    if (key.toLowerCase().startsWith('aws:'))
      throw validationError(`Invalid tag key ${key}: the aws: prefix is reserved.`);
    tags[key] = value;
  }
  return tags;
}

function tagsOf(ctx: OperationContext, arn: string): Tags {
  const owner = ctx.state.ruleByArn(arn) ?? ctx.state.busByArn(arn);
  if (owner === undefined) throw notFound(`Resource ${arn} does not exist.`);
  return owner.tags;
}

const resourceArn = (input: Input) => requiredString(input, 'ResourceARN', { min: 1, max: 1600 });

export function tagResource(ctx: OperationContext, input: Input): unknown {
  const arn = resourceArn(input);
  const added = parseTagList(requiredList(input, 'Tags', 0, 50));
  Object.assign(tagsOf(ctx, arn), added);
  ctx.state.save();
  return {};
}

export function untagResource(ctx: OperationContext, input: Input): unknown {
  const arn = resourceArn(input);
  const keys = stringList(requiredList(input, 'TagKeys', 0, 50), 'TagKeys', { min: 1, max: 128 });
  const tags = tagsOf(ctx, arn);
  for (const key of keys) delete tags[key];
  ctx.state.save();
  return {};
}

export function listTagsForResource(ctx: OperationContext, input: Input): unknown {
  const tags = tagsOf(ctx, resourceArn(input));
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
