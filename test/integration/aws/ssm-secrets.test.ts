import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { authorizationPolicyLocation, loadAuthorizationPolicy, SecretParameters } from '../../../src/aws/ssm-secrets';
import { ConfigurationError } from '../../../src/config/environment';
import { type LocalAwsClients, startLocalAwsWithClients } from '../../helpers/local-aws';

let local: LocalAwsClients;

beforeAll(async () => {
  local = await startLocalAwsWithClients();
});
afterAll(() => local.stop());
beforeEach(() => local.aws.ssm.resetCallCounts());

describe('local SSM', () => {
  it('PutParameter / GetParameter: SecureString decrypted only on request, versions, Overwrite', async () => {
    const put = await local.ssm.send(
      new PutParameterCommand({ Name: '/pipewatch/test/token', Value: 'xoxb-1', Type: 'SecureString' }),
    );
    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });

    const plain = await local.ssm.send(
      new GetParameterCommand({ Name: '/pipewatch/test/token', WithDecryption: true }),
    );
    expect(plain.Parameter).toMatchObject({
      Name: '/pipewatch/test/token',
      Type: 'SecureString',
      Value: 'xoxb-1',
      Version: 1,
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/pipewatch/test/token',
    });
    expect(plain.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    const encrypted = await local.ssm.send(new GetParameterCommand({ Name: '/pipewatch/test/token' }));
    expect(encrypted.Parameter?.Value).not.toContain('xoxb-1');

    await expect(
      local.ssm.send(new PutParameterCommand({ Name: '/pipewatch/test/token', Value: 'xoxb-2', Type: 'SecureString' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    await expect(
      local.ssm.send(new PutParameterCommand({ Name: '/pipewatch/test/token', Value: 'xoxb-2', Overwrite: true })),
    ).resolves.toMatchObject({ Version: 2 });
    const updated = await local.ssm.send(
      new GetParameterCommand({ Name: '/pipewatch/test/token', WithDecryption: true }),
    );
    expect(updated.Parameter).toMatchObject({ Value: 'xoxb-2', Version: 2, Type: 'SecureString' });
  });

  it('GetParameters reports missing names; DeleteParameter; ParameterNotFound', async () => {
    await local.ssm.send(new PutParameterCommand({ Name: 'plain-setting', Value: 'a', Type: 'String' }));
    const both = await local.ssm.send(new GetParametersCommand({ Names: ['plain-setting', '/missing'] }));
    expect(both.Parameters?.map((p) => [p.Name, p.Value])).toEqual([['plain-setting', 'a']]);
    expect(both.InvalidParameters).toEqual(['/missing']);

    await local.ssm.send(new DeleteParameterCommand({ Name: 'plain-setting' }));
    await expect(local.ssm.send(new GetParameterCommand({ Name: 'plain-setting' }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
    await expect(local.ssm.send(new DeleteParameterCommand({ Name: 'plain-setting' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
  });

  it('validation: type required on create, bad type, reserved and malformed names', async () => {
    await expect(local.ssm.send(new PutParameterCommand({ Name: '/new', Value: 'v' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      local.ssm.send(new PutParameterCommand({ Name: '/new', Value: 'v', Type: 'Secret' as 'String' })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('enum value set') });
    for (const name of ['/aws/x', 'ssm-thing', 'a b', 'no/leading/slash']) {
      await expect(
        local.ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    }
  });

  it('persists parameters across a restart with a data directory', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pipewatch-ssm-'));
    try {
      const first = await startLocalAwsWithClients({ dataDir });
      await first.ssm.send(new PutParameterCommand({ Name: '/kept', Value: 'secret', Type: 'SecureString' }));
      await first.stop();
      const second = await startLocalAwsWithClients({ dataDir });
      try {
        const read = await second.ssm.send(new GetParameterCommand({ Name: '/kept', WithDecryption: true }));
        expect(read.Parameter?.Value).toBe('secret');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('SecretParameters', () => {
  it('caches per name with a TTL; concurrent first calls share one request', async () => {
    local.aws.ssm.setParameter('/pipewatch/cache/signing', 'sig-1');
    local.aws.ssm.setParameter('/pipewatch/cache/token', 'tok-1');
    let now = 1_000_000;
    const secrets = new SecretParameters({ client: local.ssm, ttlMs: 60_000, now: () => now });

    const first = await Promise.all([
      secrets.get('/pipewatch/cache/signing'),
      secrets.get('/pipewatch/cache/signing'),
      secrets.get('/pipewatch/cache/signing'),
      secrets.get('/pipewatch/cache/token'),
    ]);
    expect(first).toEqual(['sig-1', 'sig-1', 'sig-1', 'tok-1']);
    expect(local.aws.ssm.callCount('GetParameter')).toBe(2);

    local.aws.ssm.setParameter('/pipewatch/cache/signing', 'sig-2');
    now += 59_999;
    expect(await secrets.get('/pipewatch/cache/signing')).toBe('sig-1');
    expect(local.aws.ssm.callCount('GetParameter')).toBe(2);

    now += 1;
    expect(await secrets.get('/pipewatch/cache/signing')).toBe('sig-2');
    expect(local.aws.ssm.callCount('GetParameter')).toBe(3);

    secrets.clear();
    await secrets.get('/pipewatch/cache/signing');
    expect(local.aws.ssm.callCount('GetParameter')).toBe(4);
  });

  it('a missing parameter is a ConfigurationError naming it; failures are not cached', async () => {
    const secrets = new SecretParameters({ client: local.ssm });
    const error = await secrets.get('/pipewatch/later').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('SSM parameter /pipewatch/later does not exist');

    local.aws.ssm.setParameter('/pipewatch/later', 'now-here');
    expect(await secrets.get('/pipewatch/later')).toBe('now-here');
    expect(local.aws.ssm.callCount('GetParameter')).toBe(2);
  });

  it('an SSM failure other than not-found names the error code, never a value', async () => {
    const secrets = new SecretParameters({ client: local.ssm });
    // An invalid name: the service answers ValidationException.
    const error = await secrets.get('').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^cannot read SSM parameter : ValidationException$/);
  });
});

describe('loadAuthorizationPolicy', () => {
  const policy = { rules: [{ pipelines: ['api-*'], retry: ['U1'], approve: ['S0APPROVERS'] }] };
  const secrets = () => new SecretParameters({ client: local.ssm });

  it('reads inline JSON', async () => {
    await expect(
      loadAuthorizationPolicy({ PIPEWATCH_AUTHORIZATION: JSON.stringify(policy) }, secrets()),
    ).resolves.toEqual(policy);
  });

  it('reads the SSM parameter', async () => {
    local.aws.ssm.setParameter('/pipewatch/authorization', JSON.stringify(policy), 'String');
    await expect(
      loadAuthorizationPolicy({ PIPEWATCH_AUTHORIZATION_PARAM: '/pipewatch/authorization' }, secrets()),
    ).resolves.toEqual(policy);
  });

  it('neither set: nobody may do anything; both set: refused', async () => {
    await expect(loadAuthorizationPolicy({}, secrets())).resolves.toEqual({ rules: [] });
    await expect(
      loadAuthorizationPolicy({ PIPEWATCH_AUTHORIZATION: '{}', PIPEWATCH_AUTHORIZATION_PARAM: '/x' }, secrets()),
    ).rejects.toThrow('not both');
  });

  it('a bad policy is a ConfigurationError that names the problem and where it came from', async () => {
    local.aws.ssm.setParameter('/pipewatch/bad-authorization', '{"rules": [{"pipelines": ["*"], "aprove": ["U1"]}]}');
    const error = await loadAuthorizationPolicy(
      { PIPEWATCH_AUTHORIZATION_PARAM: '/pipewatch/bad-authorization' },
      secrets(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('PIPEWATCH_AUTHORIZATION is invalid');
    expect((error as Error).message).toContain('aprove');
    expect((error as Error).message).toContain('(read from SSM parameter /pipewatch/bad-authorization)');

    await expect(loadAuthorizationPolicy({ PIPEWATCH_AUTHORIZATION: '{rules' }, secrets())).rejects.toThrow(
      /PIPEWATCH_AUTHORIZATION is not valid JSON/,
    );
  });
});

describe('authorizationPolicyLocation: where a refused button says the policy lives', () => {
  it('the SSM parameter as deployed, the inline variable, or how to configure one', () => {
    expect(authorizationPolicyLocation({ PIPEWATCH_AUTHORIZATION_PARAM: '/pipewatch/prod/authorization' })).toBe(
      'the SSM parameter /pipewatch/prod/authorization',
    );
    expect(authorizationPolicyLocation({ PIPEWATCH_AUTHORIZATION: '{"rules":[]}' })).toBe(
      'the PIPEWATCH_AUTHORIZATION environment variable',
    );
    expect(authorizationPolicyLocation({})).toBe(
      'not configured: set PIPEWATCH_AUTHORIZATION_PARAM to the name of an SSM parameter',
    );
  });
});
