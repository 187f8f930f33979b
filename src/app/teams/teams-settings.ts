// (composition) the Teams settings every function reads: the bot's credentials from SSM, the tenants served, Microsoft's endpoints
import type { SecretParameters } from '../../aws/ssm-secrets';
import type { Environment } from '../../config/environment';

/** The bot's app registration as SSM holds it: read through the secrets cache, so a rotated secret applies within its TTL. */
export function teamsCredentials(
  environment: Pick<
    Environment,
    'PIPEWATCH_TEAMS_APP_ID_PARAM' | 'PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM' | 'PIPEWATCH_TEAMS_TENANT_ID_PARAM'
  >,
  secrets: SecretParameters,
) {
  const read = (name: string | undefined) => {
    if (name === undefined) throw new Error('a Teams parameter name is missing');
    return secrets.get(name);
  };
  return {
    identity: async () => {
      const [appId, tenantId] = await Promise.all([
        read(environment.PIPEWATCH_TEAMS_APP_ID_PARAM),
        read(environment.PIPEWATCH_TEAMS_TENANT_ID_PARAM),
      ]);
      return { appId: appId.trim(), tenantId: tenantId.trim() };
    },
    client: async () => {
      const [clientId, clientSecret] = await Promise.all([
        read(environment.PIPEWATCH_TEAMS_APP_ID_PARAM),
        read(environment.PIPEWATCH_TEAMS_CLIENT_SECRET_PARAM),
      ]);
      return { clientId: clientId.trim(), clientSecret };
    },
  };
}

/** The tenants served besides the bot's own (PIPEWATCH_TEAMS_ALLOWED_TENANTS, comma-separated). */
export function allowedTenants(environment: Pick<Environment, 'PIPEWATCH_TEAMS_ALLOWED_TENANTS'>): string[] {
  return (environment.PIPEWATCH_TEAMS_ALLOWED_TENANTS ?? '')
    .split(',')
    .map((tenant) => tenant.trim())
    .filter((tenant) => tenant !== '');
}

/** Microsoft's public cloud, unless the local mode points at a local identity. */
export function teamsCloud(
  environment: Pick<
    Environment,
    'PIPEWATCH_TEAMS_LOGIN_ENDPOINT' | 'PIPEWATCH_TEAMS_OPENID_METADATA_URL' | 'PIPEWATCH_TEAMS_TOKEN_ISSUER'
  >,
) {
  return {
    ...(environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT === undefined
      ? {}
      : { loginEndpoint: environment.PIPEWATCH_TEAMS_LOGIN_ENDPOINT }),
    ...(environment.PIPEWATCH_TEAMS_OPENID_METADATA_URL === undefined
      ? {}
      : { openIdMetadataUrl: environment.PIPEWATCH_TEAMS_OPENID_METADATA_URL }),
    ...(environment.PIPEWATCH_TEAMS_TOKEN_ISSUER === undefined
      ? {}
      : { tokenIssuer: environment.PIPEWATCH_TEAMS_TOKEN_ISSUER }),
  };
}
