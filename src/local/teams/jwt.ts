// (local Teams) compact JWTs on node:crypto: RS256 signing for the local identity, checking for the local Bot Connector
import { createHash, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Just enough JWT for the local Microsoft identity and the local Bot Connector: RS256 over
 * node:crypto, no library. The product never verifies tokens with this (the Teams SDK does, with
 * its own jsonwebtoken + jwks-rsa); the tests check what it signs with node:crypto directly.
 */

export type JwtHeader = Readonly<Record<string, unknown>>;
export type JwtClaims = Readonly<Record<string, unknown>>;

/** Why a token was refused, as the connector reports it (the `WWW-Authenticate` error description). */
export type JwtProblem =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_kid'
  | 'bad_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'not_yet_valid';

export class JwtRejectedError extends Error {
  override readonly name = 'JwtRejectedError';

  constructor(
    readonly problem: JwtProblem,
    message: string,
  ) {
    super(message);
  }
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * `header.payload.signature`; with `key` undefined the token is unsigned (`alg: none`, empty
 * signature), whatever the header says, which is how forged tokens are made.
 */
export function signJwt(header: JwtHeader, claims: JwtClaims, key: KeyObject | undefined): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = key === undefined ? '' : base64url(sign('sha256', Buffer.from(signingInput), key));
  return `${signingInput}.${signature}`;
}

export interface DecodedJwt {
  readonly header: JwtHeader;
  readonly claims: JwtClaims;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** The three parts, the first two parsed as JSON objects; no check of what they say. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtRejectedError('malformed', 'a JWT has three dot-separated parts');
  const [header = '', claims = '', signature = ''] = parts;
  return {
    header: jsonObject(header, 'header'),
    claims: jsonObject(claims, 'payload'),
    signingInput: `${header}.${claims}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

export interface VerifyOptions {
  /** The public key published under `kid`, undefined for a kid nobody published. */
  readonly key: (kid: string) => KeyObject | undefined;
  readonly audience: string;
  /** Every issuer accepted (exact match). */
  readonly issuers: readonly string[];
  readonly nowSeconds: number;
  readonly clockSkewSeconds?: number;
}

/**
 * The claims of an RS256 token signed by a published key, for `audience`, from one of `issuers`,
 * within its lifetime; a JwtRejectedError naming the first problem otherwise.
 */
export function verifyJwt(token: string, options: VerifyOptions): JwtClaims {
  const { header, claims, signingInput, signature } = decodeJwt(token);
  if (header.alg !== 'RS256') throw new JwtRejectedError('unsupported_alg', `alg ${String(header.alg)} is not RS256`);
  const key = typeof header.kid === 'string' ? options.key(header.kid) : undefined;
  if (key === undefined) throw new JwtRejectedError('unknown_kid', `no published key has kid ${String(header.kid)}`);
  if (!verify('sha256', Buffer.from(signingInput), key, signature)) {
    throw new JwtRejectedError('bad_signature', 'the signature does not match the published key');
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.audience)) {
    throw new JwtRejectedError('wrong_audience', `aud ${JSON.stringify(claims.aud)} is not ${options.audience}`);
  }
  if (typeof claims.iss !== 'string' || !options.issuers.includes(claims.iss)) {
    throw new JwtRejectedError('wrong_issuer', `iss ${JSON.stringify(claims.iss)} is not accepted`);
  }
  const skew = options.clockSkewSeconds ?? 0;
  if (typeof claims.exp !== 'number' || claims.exp + skew <= options.nowSeconds) {
    throw new JwtRejectedError('expired', 'the token has expired (or has no exp)');
  }
  if (typeof claims.nbf === 'number' && claims.nbf - skew > options.nowSeconds) {
    throw new JwtRejectedError('not_yet_valid', 'the token is not valid yet (nbf)');
  }
  return claims;
}

/** A key id as Microsoft's look: 27 base64url characters, derived from the public key (stable per key). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return base64url(createHash('sha256').update(der).digest()).slice(0, 27);
}

function jsonObject(part: string, what: string): JwtClaims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtRejectedError('malformed', `the ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtRejectedError('malformed', `the ${what} is not a JSON object`);
  }
  return value as JwtClaims;
}
