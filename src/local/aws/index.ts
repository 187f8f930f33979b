// (local AWS) public API of the local AWS: startLocalAws, its places and roles, its credentials, the clocks, the in-process Lambda registry, AwsServiceError
export { AwsServiceError } from './aws-error';
export { type Clock, ManualClock, RealClock } from './clock';
export { type Identity, MEMBER_ROLE_ACTIONS } from './identity';
export { LambdaRegistry, type LocalLambda } from './lambda-registry';
export type { LocalAwsPlace, LocalAwsPlaceOptions } from './places';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './server';
export { type AwsCredentials, LOCAL_AWS_CREDENTIALS } from './sigv4';
export type { LocalRoleOptions, LocalSts } from './sts/local-sts';
