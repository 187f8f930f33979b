// (local AWS) Lambda functions registered in-process by ARN: a rule target's ARN --> the function the local EventBridge invokes
/**
 * Lambda functions of the local AWS, registered in-process by ARN. A rule target whose ARN is
 * registered here is invoked as Lambda would invoke it: with the (transformed) event as its
 * only argument, asynchronously; a thrown error counts as a failed delivery.
 */
export type LocalLambda = (event: unknown) => Promise<unknown>;

export class LambdaRegistry {
  private readonly functions = new Map<string, LocalLambda>();

  register(arn: string, fn: LocalLambda): void {
    this.functions.set(arn, fn);
  }

  unregister(arn: string): void {
    this.functions.delete(arn);
  }

  get(arn: string): LocalLambda | undefined {
    // A qualified ARN (`…:function:name:alias`) reaches the same function.
    return this.functions.get(arn) ?? this.functions.get(arn.split(':').slice(0, 7).join(':'));
  }
}
