export { AwsServiceError } from './aws-error';
export { type Clock, ManualClock, RealClock } from './clock';
export { LambdaRegistry, type LocalLambda } from './lambda-registry';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './server';
