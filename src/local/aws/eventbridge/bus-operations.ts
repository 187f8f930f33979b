// (local AWS) EventBridge CreateEventBus, DescribeEventBus, ListEventBuses, DeleteEventBus --> the local EventBridge's state
import { AwsServiceError, validationError } from '../aws-error';
import { epochSeconds, type OperationContext } from './context';
import { DEFAULT_BUS } from './state';
import { parseTagList } from './tags';
import {
  EVENT_BUS_NAME,
  eventBusNameOrArn,
  type Input,
  optionalInteger,
  optionalList,
  optionalString,
  page,
  requiredString,
} from './validation';

/** CreateEventBus, DescribeEventBus, ListEventBuses, DeleteEventBus (custom buses; partner buses are not emulated). */

export function createEventBus(ctx: OperationContext, input: Input): unknown {
  const name = requiredString(input, 'Name', { min: 1, max: 256, pattern: EVENT_BUS_NAME });
  if (optionalString(input, 'EventSourceName') !== undefined) {
    throw validationError('Partner event buses (EventSourceName) are not supported by the local EventBridge.');
  }
  const description = optionalString(input, 'Description', { max: 512 });
  const tagList = optionalList(input, 'Tags', 0, 50);
  const tags = tagList === undefined ? {} : parseTagList(tagList);
  if (ctx.state.hasBus(name))
    throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
  const now = ctx.now();
  ctx.state.createBus({
    name,
    ...(description === undefined ? {} : { description }),
    createdAt: now,
    modifiedAt: now,
    tags,
  });
  return { EventBusArn: ctx.state.busArn(name), Description: description };
}

export function describeEventBus(ctx: OperationContext, input: Input): unknown {
  const bus = ctx.state.bus(eventBusNameOrArn(input, 'Name'));
  return {
    Name: bus.name,
    Arn: ctx.state.busArn(bus.name),
    Description: bus.description,
    Policy: bus.policy,
    CreationTime: epochSeconds(bus.createdAt),
    LastModifiedTime: epochSeconds(bus.modifiedAt),
  };
}

export function listEventBuses(ctx: OperationContext, input: Input): unknown {
  const prefix = optionalString(input, 'NamePrefix', { min: 1, max: 256, pattern: EVENT_BUS_NAME });
  const nextToken = optionalString(input, 'NextToken', { min: 1, max: 2048 });
  const limit = optionalInteger(input, 'Limit', 1, 100);
  const buses = ctx.state.listBuses().filter((bus) => prefix === undefined || bus.name.startsWith(prefix));
  const result = page(buses, (bus) => bus.name, nextToken, limit);
  return {
    EventBuses: result.items.map((bus) => ({
      Name: bus.name,
      Arn: ctx.state.busArn(bus.name),
      Description: bus.description,
      Policy: bus.policy,
      CreationTime: epochSeconds(bus.createdAt),
      LastModifiedTime: epochSeconds(bus.modifiedAt),
    })),
    NextToken: result.nextToken,
  };
}

/** Idempotent like AWS; the bus's rules (and their targets) go with it. The default bus cannot be deleted. */
export function deleteEventBus(ctx: OperationContext, input: Input): unknown {
  const name = requiredString(input, 'Name', { min: 1, max: 256, pattern: EVENT_BUS_NAME });
  if (name === DEFAULT_BUS) throw validationError('Cannot delete event bus default.');
  if (ctx.state.hasBus(name)) ctx.state.deleteBus(name);
  return {};
}
