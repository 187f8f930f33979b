// (local AWS) AwsServiceError: an error in the AWS JSON protocol's shape, so the real SDK raises its typed exception
/**
 * An error answered in the AWS JSON protocol's error shape (`{"__type": ..., "message": ...}`),
 * so the real SDK raises its typed exception (e.g. `ResourceNotFoundException`).
 */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const validationError = (message: string) => new AwsServiceError('ValidationException', message);
export const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);
