// (adapter helper) the error code of an AWS SDK v3 service exception, for matching failures by name

/**
 * SDK v3 service exceptions carry the service's error code as `name` (`ParameterNotFound`,
 * `ResourceNotFoundException`); matching on it works for modelled and unmodelled errors alike,
 * where `instanceof` only knows the modelled classes.
 */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  return typeof error.name === 'string' ? error.name : undefined;
}
