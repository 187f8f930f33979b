// (local AWS) AWSEvents.* --> the local EventBridge: control plane operations, and events --> matching rules --> target deliveries
import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { LambdaRegistry } from '../lambda-registry';
import type { LocalService } from '../service';
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './bus-operations';
import { policyAllowsPutEvents, putPermission, removePermission } from './bus-policy';
import type { OperationContext } from './context';
import { type DeadLetter, DeliveryDispatcher, type DeliveryRecord, PermanentDeliveryError } from './delivery';
import { EventBridgeFaults } from './faults';
import { transformInput } from './input-transformer';
import {
  type EntryResult,
  type EventEntry,
  entryError,
  envelope,
  eventTime,
  parsePutEventsRequest,
} from './put-events';
import { deleteRule, describeRule, disableRule, enableRule, listRules, putRule } from './rule-operations';
import { EventBridgeState } from './state';
import { listTagsForResource, tagResource, untagResource } from './tags';
import { listRuleNamesByTarget, listTargetsByRule, putTargets, removeTargets } from './target-operations';
import { testEventPattern } from './test-event-pattern';
import type { Input } from './validation';

export type { DeadLetter, DeliveryRecord } from './delivery';
export type { EventBridgeFaults, ReleaseOptions, ReleaseOrder } from './faults';

export interface LocalEventBridgeOptions {
  region: string;
  accountId: string;
  lambdas: LambdaRegistry;
  clock: Clock;
  dataDir?: string | undefined;
  rulesPerBus?: number | undefined;
  /**
   * Puts a forwarded event on a bus of another account or region (the local AWS's other places):
   * `delivered`, `no-bus` (retried, as a missing target is), or `denied` by that bus's policy.
   */
  forwardElsewhere?: ((event: Record<string, unknown>, busArn: string, hops: number) => ForwardOutcome) | undefined;
}

export type ForwardOutcome = 'delivered' | 'no-bus' | 'denied';

type Operation = (ctx: OperationContext, input: Input) => unknown;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  DeleteEventBus: deleteEventBus,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  EnableRule: enableRule,
  DisableRule: disableRule,
  DeleteRule: deleteRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  PutPermission: putPermission,
  RemovePermission: removePermission,
  TestEventPattern: (_ctx, input) => testEventPattern(input),
};

const BUS_ARN = /^arn:aws[\w-]*:events:[^:]+:\d{12}:event-bus\/.+$/;

/**
 * The local EventBridge: the control plane (buses, rules, targets, tags, TestEventPattern) over
 * the AWS JSON 1.1 protocol, and a data plane that matches each event put on a bus against the
 * bus's ENABLED rules (through the core's EventPatternIndex) and delivers it to every target of
 * every matching rule, asynchronously, transformed, with retries and dead letters.
 *
 * For tests: `faults` (duplicates, held/reordered deliveries, failing targets — see faults.ts),
 * `idle()` / `settled()`, `deadLetters()`, `deliveryLog`.
 */
export class LocalEventBridge implements LocalService {
  readonly targetPrefix = 'AWSEvents';
  readonly signingName = 'events';
  /** Fault injection for tests: see EventBridgeFaults. */
  readonly faults: EventBridgeFaults;
  private readonly state: EventBridgeState;
  private readonly ctx: OperationContext;
  private readonly dispatcher: DeliveryDispatcher;

  constructor(readonly options: LocalEventBridgeOptions) {
    const now = () => options.clock.now();
    this.state = new EventBridgeState(options.region, options.accountId, now, options.dataDir);
    this.ctx = { state: this.state, now, rulesPerBus: options.rulesPerBus ?? 300 };
    this.dispatcher = new DeliveryDispatcher({
      clock: options.clock,
      lambdas: options.lambdas,
      faults: () => this.faults,
      isBusArn: (arn) => BUS_ARN.test(arn),
      forward: (event, busArn, hops) => {
        const outcome =
          this.state.busNameOf(busArn) === undefined
            ? (options.forwardElsewhere?.(event, busArn, hops) ?? 'no-bus')
            : this.receiveForwarded(event, busArn, hops, this.state.accountId);
        if (outcome === 'no-bus') throw new Error(`Event bus ${busArn} does not exist.`);
        if (outcome === 'denied') {
          // As AWS: a failed invocation, not retried; the event never reaches the bus.
          const message = `Not authorized: the policy of ${busArn} does not allow account ${options.accountId} to put events on it.`;
          console.warn(`[local-eventbridge] forwarding refused: ${message}`);
          throw new PermanentDeliveryError(message);
        }
      },
    });
    this.faults = new EventBridgeFaults(this.dispatcher);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    await this.faults.takeBefore(operation)?.();
    if (operation === 'PutEvents') return this.putEvents(parsePutEventsRequest(input), false);
    const handler = OPERATIONS[operation];
    if (handler === undefined) {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation AWSEvents.${operation}`);
    }
    return handler(this.ctx, input);
  }

  /**
   * Puts events on their buses (default: "default") as AWS services do: no PutEvents quota
   * checks and `aws.*` sources allowed. The CodePipeline simulator emits through this. Invalid
   * entries are reported in the result, never thrown.
   */
  putEventsInternal(entries: PutEventsRequestEntry[]): EntryResult[] {
    const parsed = entries.map((entry): EventEntry => {
      const time = entry.Time === undefined ? undefined : new Date(entry.Time).getTime();
      return {
        ...(entry.Source === undefined ? {} : { Source: entry.Source }),
        ...(entry.DetailType === undefined ? {} : { DetailType: entry.DetailType }),
        ...(entry.Detail === undefined ? {} : { Detail: entry.Detail }),
        ...(entry.Resources === undefined ? {} : { Resources: entry.Resources }),
        ...(entry.EventBusName === undefined ? {} : { EventBusName: entry.EventBusName }),
        ...(time === undefined || Number.isNaN(time) ? {} : { Time: time }),
      };
    });
    const result = this.putEvents(parsed, true);
    return result.Entries;
  }

  /**
   * An event forwarded to one of this place's buses by a rule (of this place or another): put on
   * the bus unchanged (its `account` and `region` are the source's) if the bus exists and, when the
   * forwarding rule is another account's (`sender`), the bus's policy allows that account.
   */
  receiveForwarded(event: Record<string, unknown>, busArn: string, hops: number, sender: string): ForwardOutcome {
    const busName = this.state.busNameOf(busArn);
    if (busName === undefined || !this.state.hasBus(busName)) return 'no-bus';
    if (sender !== this.state.accountId && !policyAllowsPutEvents(this.state.bus(busName).policy, sender, busArn)) {
      return 'denied';
    }
    this.dispatch(event, busName, hops);
    return 'delivered';
  }

  /** Resolves when no delivery is running, waiting for a retry (on the clock) or held by the faults. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /**
   * Resolves when no delivery attempt is running. Retries waiting on a ManualClock and held
   * deliveries do not count: advance the clock (or release) and await this again.
   */
  settled(): Promise<void> {
    return this.dispatcher.settled();
  }

  /** Deliveries that exhausted their retries (or could not be attempted), oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.dispatcher.deadLetters];
  }

  /** Every delivery attempt (the latest 10,000), oldest first. */
  get deliveryLog(): readonly DeliveryRecord[] {
    return this.dispatcher.log;
  }

  /** Retries waiting on the clock. */
  get pendingRetries(): number {
    return this.dispatcher.pendingRetries;
  }

  /** Cancels waiting retries and held deliveries, then waits for running attempts. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private putEvents(entries: EventEntry[], internal: boolean): { FailedEntryCount: number; Entries: EntryResult[] } {
    const results = entries.map((entry): EntryResult => {
      const error = entryError(entry, internal);
      if (error !== undefined) return error;
      const busName = this.state.busNameOf(entry.EventBusName);
      if (busName === undefined || !this.state.hasBus(busName)) {
        return {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${busName ?? entry.EventBusName} does not exist.`,
        };
      }
      const id = randomUUID();
      this.dispatch(envelope(entry, id, this.state.accountId, this.state.region, this.options.clock.now()), busName, 0);
      return { EventId: id };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
  }

  /** Matches an event on a bus and queues one delivery per (matching rule, target), times the duplicate fault. */
  private dispatch(event: Record<string, unknown>, busName: string, hops: number): void {
    const receivedAt = this.options.clock.now();
    const ingestionTime = eventTime(receivedAt);
    const eventId = typeof event.id === 'string' ? event.id : '';
    for (const rule of this.state.matchingRules(busName, event)) {
      const ruleArn = this.state.ruleArn(rule);
      for (const target of rule.targets) {
        const input = transformInput(target, event, { ruleName: rule.name, ruleArn, ingestionTime });
        // Duplicates are made at the final target: a forwarded event is duplicated once, on arrival, not per hop.
        const copies = BUS_ARN.test(target.Arn) ? 1 : this.faults.duplicates;
        for (let copy = 0; copy < copies; copy++) {
          this.dispatcher.enqueue({
            event,
            eventId,
            busName,
            ruleName: rule.name,
            ruleArn,
            target,
            input,
            receivedAt,
            hops,
            attempts: 0,
          });
        }
      }
    }
  }
}
