// (local AWS) public API of the local AWS: startLocalAws, its credentials, the clocks, the in-process Lambda registry, AwsServiceError
export { AwsServiceError } from './aws-error';
export { type Clock, ManualClock, RealClock } from './clock';
export { LambdaRegistry, type LocalLambda } from './lambda-registry';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './server';
export { type AwsCredentials, LOCAL_AWS_CREDENTIALS } from './sigv4';
