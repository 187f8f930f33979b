// (local AWS) EventBridge PutPermission, RemovePermission --> a bus's resource policy (persisted) --> may this account put events on it?
import { z } from 'zod';
import { AwsServiceError, notFound, validationError } from '../aws-error';
import { wildcard } from '../identity';
import type { OperationContext } from './context';
import { type Input, optionalBoolean, optionalObject, optionalString, requiredString } from './validation';

/**
 * A bus's resource policy: who may put events on it from another account (serverless.yml's
 * `AWS::Events::EventBusPolicy`, or PutPermission statement by statement). Evaluated as IAM does
 * for the one action forwarding needs, `events:PutEvents`: an explicit Deny wins, otherwise an Allow
 * whose principal, action and resource match. A statement with a Condition is not evaluated locally
 * (there is no organization to check `aws:PrincipalOrgID` against), so it allows nothing.
 */

const STATEMENT_ID = /^[a-zA-Z0-9-_]{1,64}$/;
const PRINCIPAL = /^(\d{12}|\*)$/;
const oneOrMany = z.union([z.string(), z.array(z.string())]);
const statementSchema = z.object({
  Sid: z.string().optional(),
  Effect: z.enum(['Allow', 'Deny']),
  Principal: z.union([z.literal('*'), z.object({ AWS: oneOrMany }).passthrough()]),
  Action: oneOrMany,
  Resource: oneOrMany.optional(),
  Condition: z.record(z.string(), z.unknown()).optional(),
});
const policySchema = z.object({
  Version: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]),
});
type Statement = z.infer<typeof statementSchema>;
type Policy = z.infer<typeof policySchema>;

/** Whether the bus's policy lets `account` put events on `busArn` (the bus's own account needs no policy). */
export function policyAllowsPutEvents(policyText: string | undefined, account: string, busArn: string): boolean {
  if (policyText === undefined) return false;
  const policy = parsePolicy(policyText);
  const applies = (statement: Statement) =>
    principalMatches(statement.Principal, account) &&
    many(statement.Action).some((action) => wildcard(action).test('events:PutEvents')) &&
    (statement.Resource === undefined || many(statement.Resource).some((r) => wildcard(r, '').test(busArn)));
  const statements = many(policy.Statement);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && s.Condition === undefined && applies(s));
}

/**
 * PutPermission: a whole `Policy` document, or one statement (`Action` events:PutEvents,
 * `Principal` an account id or `*`, `StatementId`, an optional organization `Condition`) added to
 * the bus's policy as AWS writes it.
 */
export function putPermission(ctx: OperationContext, input: Input): unknown {
  const busName = optionalString(input, 'EventBusName', { min: 1, max: 256 });
  const bus = ctx.state.bus(busName);
  const busArn = ctx.state.busArn(bus.name);
  const policyText = optionalString(input, 'Policy', { min: 1, max: 10_240 });
  if (policyText !== undefined) {
    parsePolicy(policyText);
    ctx.state.setBusPolicy(bus.name, policyText, ctx.now());
    return {};
  }
  const action = optionalString(input, 'Action', { min: 1, max: 64, pattern: /^events:[a-zA-Z]+$/ });
  const principal = optionalString(input, 'Principal', { min: 1, max: 12, pattern: PRINCIPAL });
  const statementId = optionalString(input, 'StatementId', { min: 1, max: 64, pattern: STATEMENT_ID });
  if (action === undefined || principal === undefined || statementId === undefined) {
    throw validationError('Either Policy or all of Action, Principal and StatementId must be provided.');
  }
  if (action !== 'events:PutEvents') throw validationError('Provided value in parameter action is not supported.');
  const condition = optionalObject(input, 'Condition');
  const policy = bus.policy === undefined ? { Version: '2012-10-17', Statement: [] } : parsePolicy(bus.policy);
  const statements = many(policy.Statement);
  if (statements.some((s) => s.Sid === statementId)) {
    throw new AwsServiceError('ResourceAlreadyExistsException', 'Statement with the provided id already exists.');
  }
  const statement: Statement = {
    Sid: statementId,
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` },
    Action: action,
    Resource: busArn,
    ...(condition === undefined ? {} : { Condition: conditionOf(condition) }),
  };
  ctx.state.setBusPolicy(bus.name, JSON.stringify({ ...policy, Statement: [...statements, statement] }), ctx.now());
  return {};
}

/** RemovePermission: one statement by id, or all (`RemoveAllPermissions`). */
export function removePermission(ctx: OperationContext, input: Input): unknown {
  const bus = ctx.state.bus(optionalString(input, 'EventBusName', { min: 1, max: 256 }));
  if (optionalBoolean(input, 'RemoveAllPermissions') === true) {
    ctx.state.setBusPolicy(bus.name, undefined, ctx.now());
    return {};
  }
  const statementId = requiredString(input, 'StatementId', { min: 1, max: 64, pattern: STATEMENT_ID });
  const statements = bus.policy === undefined ? [] : many(parsePolicy(bus.policy).Statement);
  const rest = statements.filter((s) => s.Sid !== statementId);
  if (rest.length === statements.length) throw notFound('Statement with the provided id does not exist.');
  const policy = parsePolicy(bus.policy ?? '{}');
  ctx.state.setBusPolicy(
    bus.name,
    rest.length === 0 ? undefined : JSON.stringify({ ...policy, Statement: rest }),
    ctx.now(),
  );
  return {};
}

function parsePolicy(text: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The policy is not valid JSON.');
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AwsServiceError(
      'MalformedPolicyDocumentException',
      `The policy is malformed: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}

function conditionOf(condition: Input): Record<string, unknown> {
  const type = requiredString(condition, 'Type', { min: 1, max: 255 });
  const key = requiredString(condition, 'Key', { min: 1, max: 255 });
  const value = requiredString(condition, 'Value', { min: 1, max: 255 });
  return { [type]: { [key]: value } };
}

function principalMatches(principal: Statement['Principal'], account: string): boolean {
  if (principal === '*') return true;
  return many(principal.AWS as string | string[]).some(
    (entry) => entry === '*' || entry === account || new RegExp(`^arn:aws[\\w-]*:iam::${account}:root$`).test(entry),
  );
}

function many<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
