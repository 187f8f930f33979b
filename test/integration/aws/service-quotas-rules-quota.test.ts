import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateEventBusCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  AccessDeniedException,
  GetServiceQuotaCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { EventBridgeRuleStore } from '../../../src/aws/eventbridge-rule-store';
import {
  defaultRulesPerBus,
  RULES_PER_BUS_QUOTA_CODE,
  RULES_QUOTA_TTL_MS,
  ServiceQuotasRulesQuota,
} from '../../../src/aws/service-quotas-rules-quota';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

/*
 * The Service Quotas adapter with the real SDK client against the local Service Quotas (and an
 * endpoint that answers nothing), and the local service itself as the SDK speaks to it.
 */

class Warnings {
  readonly lines: { message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  warn(message: string, fields?: Readonly<Record<string, unknown>>) {
    this.lines.push({ message, ...(fields === undefined ? {} : { fields }) });
  }
}

let local: LocalAwsClients;
beforeAll(async () => {
  local = await startLocalAwsWithClients({ rulesPerBus: 7 });
});
afterAll(() => local.stop());
beforeEach(() => {
  local.aws.serviceQuotas.refuse(undefined);
  local.aws.serviceQuotas.appliedRulesPerBus(undefined);
});

describe('the local Service Quotas', () => {
  test('GetServiceQuota of events/L-244521F2: the applied value the local EventBridge enforces, in AWS’s shape', async () => {
    const { Quota } = await local.serviceQuotas.send(
      new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: RULES_PER_BUS_QUOTA_CODE }),
    );
    expect(Quota).toMatchObject({
      ServiceCode: 'events',
      QuotaCode: 'L-244521F2',
      QuotaName: 'Number of rules',
      QuotaArn: `arn:aws:servicequotas:${local.aws.region}:${local.aws.accountId}:events/L-244521F2`,
      Value: 7,
      Adjustable: true,
    });
    local.aws.serviceQuotas.appliedRulesPerBus(1000);
    const raised = await local.serviceQuotas.send(
      new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: RULES_PER_BUS_QUOTA_CODE }),
    );
    expect(raised.Quota?.Value).toBe(1000);
  });

  test('another quota: NoSuchResourceException; a refusal on demand; a wrong key: refused like every local service', async () => {
    await expect(
      local.serviceQuotas.send(new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: 'L-FB1C3A6D' })),
    ).rejects.toBeInstanceOf(NoSuchResourceException);
    local.aws.serviceQuotas.refuse('AccessDeniedException');
    await expect(
      local.serviceQuotas.send(
        new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: RULES_PER_BUS_QUOTA_CODE }),
      ),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    const stranger = new ServiceQuotasClient({
      endpoint: local.aws.endpoint,
      region: local.aws.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    try {
      await expect(
        stranger.send(new GetServiceQuotaCommand({ ServiceCode: 'events', QuotaCode: RULES_PER_BUS_QUOTA_CODE })),
      ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    } finally {
      stranger.destroy();
    }
  });
});

describe('ServiceQuotasRulesQuota', () => {
  /** The adapter on the local Service Quotas, its clock moved by `advance`. */
  function quotaIn(region: string) {
    let now = 1_000_000;
    const log = new Warnings();
    const quota = new ServiceQuotasRulesQuota({ client: local.serviceQuotas, region, log, now: () => now });
    return { quota, log, advance: (ms: number) => (now += ms) };
  }

  test('the applied value, kept for an hour, then asked again', async () => {
    const { quota, log, advance } = quotaIn('us-east-1');
    const before = local.aws.serviceQuotas.requests;
    await expect(quota.rulesPerBus()).resolves.toEqual({ value: 7, source: 'service-quotas' });
    local.aws.serviceQuotas.appliedRulesPerBus(500);
    advance(RULES_QUOTA_TTL_MS - 1);
    await expect(quota.rulesPerBus()).resolves.toEqual({ value: 7, source: 'service-quotas' });
    advance(2);
    await expect(quota.rulesPerBus()).resolves.toEqual({ value: 500, source: 'service-quotas' });
    expect(local.aws.serviceQuotas.requests - before).toBe(2);
    expect(log.lines).toEqual([]);
  });

  test('denied: the region’s documented default (100 in af-south-1 and eu-south-1, else 300), one warning', async () => {
    local.aws.serviceQuotas.refuse('AccessDeniedException');
    const { quota, log, advance } = quotaIn('eu-south-1');
    await expect(quota.rulesPerBus()).resolves.toEqual({ value: 100, source: 'default' });
    advance(RULES_QUOTA_TTL_MS + 1);
    await expect(quota.rulesPerBus()).resolves.toEqual({ value: 100, source: 'default' });
    expect(log.lines).toEqual([
      {
        message: 'Service Quotas could not be read; using the documented rules-per-bus default',
        fields: { serviceCode: 'events', quotaCode: 'L-244521F2', reason: 'AccessDeniedException', default: 100 },
      },
    ]);
    expect([defaultRulesPerBus('af-south-1'), defaultRulesPerBus('us-west-2'), defaultRulesPerBus(undefined)]).toEqual([
      100, 300, 300,
    ]);
  });

  test('Service Quotas not reachable (the connection closed at once): the default, one warning', async () => {
    const silent: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const client = new ServiceQuotasClient({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const log = new Warnings();
      const quota = new ServiceQuotasRulesQuota({ client, region: 'us-east-1', log });
      await expect(quota.rulesPerBus()).resolves.toEqual({ value: 300, source: 'default' });
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]?.fields?.reason).toEqual(expect.any(String));
    } finally {
      client.destroy();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

test('EventBridgeRuleStore.ruleNames: every rule on the bus over several pages, pipewatch’s or not', async () => {
  const big = await startLocalAwsWithClients({ rulesPerBus: 300 });
  try {
    await big.eventBridge.send(new CreateEventBusCommand({ Name: 'names-bus' }));
    for (let i = 0; i < 230; i++) {
      await big.eventBridge.send(
        new PutRuleCommand({ Name: `rule-${i}`, EventBusName: 'names-bus', EventPattern: '{"source":["my.app"]}' }),
      );
    }
    const store = new EventBridgeRuleStore({
      client: big.eventBridge,
      busName: 'names-bus',
      targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:notify',
    });
    const names = await store.ruleNames();
    expect(names).toHaveLength(230);
    expect(new Set(names).size).toBe(230);
  } finally {
    await big.stop();
  }
});
