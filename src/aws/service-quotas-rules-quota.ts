// (adapter) Service Quotas GetServiceQuota (events, "Number of rules") --> core RulesQuota; the documented default when it cannot be read, cached an hour
import { GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { Log, RulesQuota, RulesQuotaValue } from '../core/ports';
import { awsErrorName } from './aws-error-name';
import { TtlCache } from './ttl-cache';

/** Service Quotas' code for EventBridge. */
export const EVENTS_SERVICE_CODE = 'events';
/**
 * EventBridge's "Number of rules" quota: "Maximum number of rules an account can have per event
 * bus". Its code, L-244521F2, is the one the EventBridge User Guide's quota table links to
 * (eb-quota, the "Number of rules" row's Service Quotas console link,
 * `…/servicequotas/home/services/events/quotas/L-244521F2`).
 */
export const RULES_PER_BUS_QUOTA_CODE = 'L-244521F2';

/** The guide's defaults: 100 in af-south-1 and eu-south-1, 300 in every other supported region. */
export function defaultRulesPerBus(region: string | undefined): number {
  return region === 'af-south-1' || region === 'eu-south-1' ? 100 : 300;
}

/** A quota does not change often, and GetServiceQuota has its own rate limits: read once an hour. */
export const RULES_QUOTA_TTL_MS = 60 * 60 * 1000;

export interface ServiceQuotasRulesQuotaOptions {
  readonly client: ServiceQuotasClient;
  /** The bus's region, for the documented default. */
  readonly region?: string | undefined;
  readonly log: Pick<Log, 'warn'>;
  readonly ttlMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/**
 * The applied value of "Number of rules" from Service Quotas. When Service Quotas cannot be read
 * (AccessDeniedException: the role lacks servicequotas:GetServiceQuota; NoSuchResourceException:
 * no applied value is available for the quota; the endpoint unreachable; throttled), the region's
 * documented default stands in, with a warning logged once per container. Either answer is kept
 * for the TTL: `status` and `subscribe` do not ask Service Quotas on every command.
 */
export class ServiceQuotasRulesQuota implements RulesQuota {
  private readonly client: ServiceQuotasClient;
  private readonly region: string | undefined;
  private readonly log: Pick<Log, 'warn'>;
  private readonly cache: TtlCache<'rules', RulesQuotaValue>;
  private warned = false;

  constructor(options: ServiceQuotasRulesQuotaOptions) {
    this.client = options.client;
    this.region = options.region;
    this.log = options.log;
    this.cache = new TtlCache(options.ttlMs ?? RULES_QUOTA_TTL_MS, options.now);
  }

  rulesPerBus(): Promise<RulesQuotaValue> {
    return this.cache.get('rules', () => this.read());
  }

  private async read(): Promise<RulesQuotaValue> {
    try {
      const output = await this.client.send(
        new GetServiceQuotaCommand({ ServiceCode: EVENTS_SERVICE_CODE, QuotaCode: RULES_PER_BUS_QUOTA_CODE }),
      );
      const value = output.Quota?.Value;
      if (value !== undefined && Number.isFinite(value) && value >= 1) {
        return { value: Math.floor(value), source: 'service-quotas' };
      }
      return this.fallBack('Service Quotas answered without a value');
    } catch (error) {
      return this.fallBack(awsErrorName(error) ?? String(error));
    }
  }

  private fallBack(reason: string): RulesQuotaValue {
    const value = defaultRulesPerBus(this.region);
    if (!this.warned) {
      this.warned = true;
      this.log.warn('Service Quotas could not be read; using the documented rules-per-bus default', {
        serviceCode: EVENTS_SERVICE_CODE,
        quotaCode: RULES_PER_BUS_QUOTA_CODE,
        reason,
        default: value,
      });
    }
    return { value, source: 'default' };
  }
}
