// (local AWS) Service Quotas, the part pipewatch reads: GetServiceQuota of EventBridge's "Number of rules" (X-Amz-Target ServiceQuotasV20190624.*)
import { AwsServiceError } from '../aws-error';
import type { LocalService } from '../service';

/** What a test can make Service Quotas answer instead of the quota (as AWS does for a role without the permission, or a quota without an applied value). */
export type ServiceQuotasRefusal = 'AccessDeniedException' | 'NoSuchResourceException';

export interface LocalServiceQuotasOptions {
  readonly region: string;
  readonly accountId: string;
  /** The applied value of EventBridge's "Number of rules" (events, L-244521F2): by default what the local EventBridge enforces. */
  readonly rulesPerBus: () => number;
}

const CODE = /^[a-zA-Z][a-zA-Z0-9-]{1,128}$/;

/**
 * Service Quotas behind the local AWS endpoint: GetServiceQuota answers the applied value of the
 * one quota the local AWS enforces, EventBridge's rules per bus, in the shape AWS gives it
 * (`Quota.Value` a number, the quota's ARN, name and unit). Any other quota is
 * NoSuchResourceException, as AWS answers a quota that has no applied value. `refuse` makes it
 * answer AccessDeniedException or NoSuchResourceException instead, for the fallback's tests;
 * `appliedRulesPerBus` sets the value it reports.
 */
export class LocalServiceQuotas implements LocalService {
  readonly targetPrefix = 'ServiceQuotasV20190624';
  readonly signingName = 'servicequotas';
  private refusal: ServiceQuotasRefusal | undefined;
  private applied: number | undefined;
  /** GetServiceQuota requests answered (or refused), for tests of the callers' cache. */
  requests = 0;

  constructor(private readonly options: LocalServiceQuotasOptions) {}

  /** Answer every GetServiceQuota with this error (undefined: answer again). */
  refuse(refusal: ServiceQuotasRefusal | undefined): void {
    this.refusal = refusal;
  }

  /** The value Service Quotas reports for rules per bus (undefined: what the local EventBridge enforces). */
  appliedRulesPerBus(value: number | undefined): void {
    this.applied = value;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (operation !== 'GetServiceQuota') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ServiceQuotasV20190624.${operation}`);
    }
    const { ServiceCode: service, QuotaCode: quota } = input;
    if (typeof service !== 'string' || !CODE.test(service) || typeof quota !== 'string' || !CODE.test(quota)) {
      throw new AwsServiceError(
        'IllegalArgumentException',
        'ServiceCode and QuotaCode are required and must be valid codes.',
      );
    }
    this.requests++;
    if (this.refusal === 'AccessDeniedException') {
      throw new AwsServiceError(
        'AccessDeniedException',
        'You do not have sufficient permission to perform this action.',
      );
    }
    if (this.refusal === 'NoSuchResourceException' || service !== 'events' || quota !== 'L-244521F2') {
      throw new AwsServiceError('NoSuchResourceException', 'The specified resource does not exist.');
    }
    const { region, accountId } = this.options;
    return {
      Quota: {
        ServiceCode: 'events',
        ServiceName: 'Amazon EventBridge (CloudWatch Events)',
        QuotaArn: `arn:aws:servicequotas:${region}:${accountId}:events/L-244521F2`,
        QuotaCode: 'L-244521F2',
        QuotaName: 'Number of rules',
        Value: this.applied ?? this.options.rulesPerBus(),
        Unit: 'None',
        Adjustable: true,
        GlobalQuota: false,
        QuotaAppliedAtLevel: 'ACCOUNT',
      },
    };
  }
}
