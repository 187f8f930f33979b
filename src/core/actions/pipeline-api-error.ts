/**
 * A CodePipeline API failure, named by its error code as AWS SDK v3 names its
 * service exceptions (`error.name === 'StageNotRetryableException'`). For
 * PipelineClient implementations that are not the SDK (in-memory, local).
 */
export class PipelineApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The error code of a service failure, or undefined for anything else.
 * AWS error codes end in "Exception"; an error that does not (TypeError, a
 * network timeout) is not an answer from CodePipeline and is left to the caller.
 */
export function serviceErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  const { name } = error;
  return typeof name === 'string' && /^[A-Za-z]+Exception$/.test(name) ? name : undefined;
}
