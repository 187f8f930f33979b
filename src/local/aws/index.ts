// (local AWS) public API of the local AWS: startLocalAws, the clocks, the in-process Lambda registry, AwsServiceError
export { AwsServiceError } from './aws-error';
export { type Clock, ManualClock, RealClock } from './clock';
export { LambdaRegistry, type LocalLambda } from './lambda-registry';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './server';
