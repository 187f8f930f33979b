// (local AWS) SSM Parameter Store, the part pipewatch's handlers use: secrets and settings by name
import { AwsServiceError, validationError } from '../aws-error';
import type { Clock } from '../clock';
import { JsonSnapshot } from '../persistence';
import type { LocalService } from '../service';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

interface ParameterRecord {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  /** Epoch milliseconds. */
  lastModified: number;
  description?: string;
}

interface Snapshot {
  parameters: ParameterRecord[];
}

export interface LocalSsmOptions {
  region: string;
  accountId: string;
  clock: Clock;
  /** Parameters persist here (`ssm.json`); in memory without it. */
  dataDir?: string | undefined;
}

const TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString'];
/** SSM's parameter-name characters; a hierarchy uses `/` and then must start with one. */
const NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;
/** Standard-tier parameters hold at most 4 KB. */
const MAX_VALUE_BYTES = 4096;
/** GetParameters takes 1 to 10 names. */
const MAX_NAMES = 10;

/**
 * SSM Parameter Store behind the local AWS endpoint (`X-Amz-Target: AmazonSSM.<Op>`), so the
 * handlers read their Slack secrets with the real SSMClient exactly as in AWS: PutParameter,
 * GetParameter, GetParameters, DeleteParameter.
 *
 * Like AWS: a SecureString read without WithDecryption returns an opaque ciphertext, not the value
 * (here `local-kms:` + base64 — never the plain text, so a forgotten flag shows up locally);
 * PutParameter on an existing name needs Overwrite (ParameterAlreadyExists) and bumps Version;
 * a missing name is ParameterNotFound. Not modelled: tiers, policies, labels, history, KMS keys.
 *
 * For tests: `callCount(operation)` counts requests by operation (e.g. to check a cache);
 * `setParameter` seeds values without a request (the local dev server's secrets).
 */
export class LocalSsm implements LocalService {
  readonly targetPrefix = 'AmazonSSM';
  readonly signingName = 'ssm';

  private readonly parameters = new Map<string, ParameterRecord>();
  private readonly snapshot: JsonSnapshot<Snapshot>;
  private readonly calls = new Map<string, number>();

  constructor(private readonly options: LocalSsmOptions) {
    this.snapshot = new JsonSnapshot<Snapshot>(options.dataDir, 'ssm');
    for (const parameter of this.snapshot.load()?.parameters ?? []) this.parameters.set(parameter.name, parameter);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    switch (operation) {
      case 'PutParameter':
        return this.putParameter(input);
      case 'GetParameter':
        return this.getParameter(input);
      case 'GetParameters':
        return this.getParameters(input);
      case 'DeleteParameter':
        return this.deleteParameter(input);
      default:
        throw new AwsServiceError('UnknownOperationException', `Unknown operation AmazonSSM.${operation}`);
    }
  }

  /** Requests received for `operation` (all operations without one). */
  callCount(operation?: string): number {
    if (operation !== undefined) return this.calls.get(operation) ?? 0;
    let total = 0;
    for (const count of this.calls.values()) total += count;
    return total;
  }

  resetCallCounts(): void {
    this.calls.clear();
  }

  /** Creates or overwrites a parameter without a request (seeding secrets for the local mode). */
  setParameter(name: string, value: string, type: ParameterType = 'SecureString'): void {
    checkName(name);
    const existing = this.parameters.get(name);
    this.store({ name, type, value, version: (existing?.version ?? 0) + 1, lastModified: this.options.clock.now() });
  }

  private putParameter(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    checkName(name);
    const value = requiredString(input, 'Value');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw validationError(
        `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE_BYTES}`,
      );
    }
    const typeText = optionalString(input, 'Type');
    if (typeText !== undefined && !TYPES.includes(typeText as ParameterType)) {
      throw validationError(
        `1 validation error detected: Value '${typeText}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [${TYPES.join(', ')}]`,
      );
    }
    const overwrite = optionalBoolean(input, 'Overwrite') ?? false;
    const description = optionalString(input, 'Description');
    const existing = this.parameters.get(name);
    if (existing !== undefined && !overwrite) {
      throw new AwsServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const type = (typeText as ParameterType | undefined) ?? existing?.type;
    if (type === undefined) throw validationError('A parameter type is required when you create a parameter.');
    const record: ParameterRecord = {
      name,
      type,
      value,
      version: (existing?.version ?? 0) + 1,
      lastModified: this.options.clock.now(),
      ...(description === undefined ? {} : { description }),
    };
    this.store(record);
    return { Version: record.version, Tier: 'Standard' };
  }

  private getParameter(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
    const parameter = this.parameters.get(name);
    if (parameter === undefined) throw parameterNotFound(name);
    return { Parameter: this.shape(parameter, withDecryption) };
  }

  private getParameters(input: Record<string, unknown>): unknown {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > MAX_NAMES) {
      throw validationError(
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and ${MAX_NAMES}`,
      );
    }
    if (!names.every((name): name is string => typeof name === 'string')) {
      throw validationError('Names must be a list of strings.');
    }
    const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
    const unique = [...new Set(names)];
    const found = unique.flatMap((name) => {
      const parameter = this.parameters.get(name);
      return parameter === undefined ? [] : [this.shape(parameter, withDecryption)];
    });
    return { Parameters: found, InvalidParameters: unique.filter((name) => !this.parameters.has(name)) };
  }

  private deleteParameter(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    if (!this.parameters.delete(name)) throw parameterNotFound(name);
    this.save();
    return {};
  }

  private shape(parameter: ParameterRecord, withDecryption: boolean) {
    const value =
      parameter.type === 'SecureString' && !withDecryption
        ? `local-kms:${Buffer.from(`${parameter.name}:${parameter.version}`).toString('base64')}`
        : parameter.value;
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: value,
      Version: parameter.version,
      LastModifiedDate: parameter.lastModified / 1000,
      ARN: `arn:aws:ssm:${this.options.region}:${this.options.accountId}:parameter${parameter.name.startsWith('/') ? '' : '/'}${parameter.name}`,
      DataType: 'text',
    };
  }

  private store(record: ParameterRecord): void {
    this.parameters.set(record.name, record);
    this.save();
  }

  private save(): void {
    this.snapshot.save({ parameters: [...this.parameters.values()] });
  }
}

function parameterNotFound(name: string): AwsServiceError {
  // AWS answers a bare ParameterNotFound without naming the parameter; naming it helps locally.
  return new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw validationError(
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive) and must only contain letters, numbers, and the symbols .-_/ (${name})`,
    );
  }
  const first = name.replace(/^\//, '').split('/')[0]?.toLowerCase() ?? '';
  if (first.startsWith('aws') || first.startsWith('ssm')) {
    throw validationError(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). (${name})`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validationError(
      `Parameter name must be a fully qualified name starting with "/" when it uses a hierarchy (${name})`,
    );
  }
}

function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`${field} must be a string.`);
  return value;
}

function optionalBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationError(`${field} must be a boolean.`);
  return value;
}
