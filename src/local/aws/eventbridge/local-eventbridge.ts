// Scaffold replaced by the EventBridge implementation (in progress).
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { LambdaRegistry } from '../lambda-registry';
import type { LocalService } from '../service';

export interface LocalEventBridgeOptions {
  region: string;
  accountId: string;
  lambdas: LambdaRegistry;
  clock: Clock;
  dataDir?: string | undefined;
  rulesPerBus?: number | undefined;
}

export class LocalEventBridge implements LocalService {
  readonly targetPrefix = 'AWSEvents';

  constructor(readonly options: LocalEventBridgeOptions) {}

  async handle(operation: string): Promise<unknown> {
    throw new AwsServiceError('UnknownOperationException', `Unknown operation AWSEvents.${operation}`);
  }

  putEventsInternal(_entries: PutEventsRequestEntry[]): void {}

  async close(): Promise<void> {}
}
