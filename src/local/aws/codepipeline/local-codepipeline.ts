// Scaffold replaced by the CodePipeline simulator (in progress).
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsServiceError } from '../aws-error';
import type { Clock } from '../clock';
import type { LocalService } from '../service';

export interface LocalCodePipelineOptions {
  region: string;
  accountId: string;
  clock: Clock;
  dataDir?: string | undefined;
  emit: (entries: PutEventsRequestEntry[]) => void;
}

export class LocalCodePipeline implements LocalService {
  readonly targetPrefix = 'CodePipeline_20150709';

  constructor(readonly options: LocalCodePipelineOptions) {}

  async handle(operation: string): Promise<unknown> {
    throw new AwsServiceError('UnknownOperationException', `Unknown operation CodePipeline_20150709.${operation}`);
  }

  close(): void {}
}
