import { AwsServiceError } from '../../../../src/local/aws/aws-error';
import { type IncomingSignedRequest, verifySigV4 } from '../../../../src/local/aws/sigv4';

/*
 * The verifier against AWS's own answers: requests and signatures from AWS's published SigV4 test
 * suite (aws-sig-v4-test-suite: get-vanilla, post-vanilla, get-vanilla-query-order-value,
 * get-vanilla-query-order-key-case), so a canonicalization or key-derivation slip cannot pass by
 * agreeing with itself. Each refusal is the vector with one thing changed.
 */

const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SIGNED_AT = Date.UTC(2015, 7, 30, 12, 36, 0);
const CHECK = { service: 'service', credentials: EXAMPLE, now: SIGNED_AT };
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

function vector(method: string, target: string, signature: string, changes: { headers?: string[] } = {}) {
  const request: IncomingSignedRequest = {
    method,
    target,
    rawHeaders: changes.headers ?? [
      'Host',
      'example.amazonaws.com',
      'X-Amz-Date',
      '20150830T123600Z',
      'Authorization',
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    ],
    body: Buffer.alloc(0),
  };
  return request;
}

const GET_VANILLA = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const POST_VANILLA = '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b';
const QUERY_ORDER_VALUE = '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694';
const QUERY_ORDER_KEY_CASE = 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500';

function refusal(request: IncomingSignedRequest, check = CHECK): { type: string; status: number; message: string } {
  try {
    verifySigV4(request, check);
  } catch (error) {
    if (error instanceof AwsServiceError) return { type: error.type, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('the request was accepted');
}

function authorizationOf(signature: string, scope = SCOPE, signedHeaders = 'host;x-amz-date'): string {
  return `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function headersWith(authorization: string, date = '20150830T123600Z', host = 'example.amazonaws.com'): string[] {
  return ['Host', host, 'X-Amz-Date', date, 'Authorization', authorization];
}

describe("AWS's SigV4 test suite vectors are accepted", () => {
  test.each([
    ['get-vanilla', 'GET', '/', GET_VANILLA],
    ['post-vanilla', 'POST', '/', POST_VANILLA],
    ['get-vanilla-query-order-value', 'GET', '/?Param1=value2&Param1=value1', QUERY_ORDER_VALUE],
    ['get-vanilla-query-order-key-case', 'GET', '/?Param2=value2&Param1=value1', QUERY_ORDER_KEY_CASE],
  ])('%s', (_name, method, target, signature) => {
    expect(() => verifySigV4(vector(method, target, signature), CHECK)).not.toThrow();
  });

  test('the query is canonical whatever its order on the wire, and an encoded value is the value', () => {
    expect(() => verifySigV4(vector('GET', '/?Param1=value1&Param1=value2', QUERY_ORDER_VALUE), CHECK)).not.toThrow();
    expect(() =>
      verifySigV4(vector('GET', '/?Param1=value1&Param2=value%32', QUERY_ORDER_KEY_CASE), CHECK),
    ).not.toThrow();
  });

  test('within 15 minutes either way of the signing time', () => {
    for (const now of [SIGNED_AT - 15 * 60_000, SIGNED_AT + 15 * 60_000]) {
      expect(() => verifySigV4(vector('GET', '/', GET_VANILLA), { ...CHECK, now })).not.toThrow();
    }
  });
});

describe('anything else is refused as AWS refuses it', () => {
  test('no Authorization header, or not an AWS4 one: MissingAuthenticationTokenException (403)', () => {
    const unsigned = vector('GET', '/', GET_VANILLA, { headers: ['Host', 'example.amazonaws.com'] });
    expect(refusal(unsigned)).toEqual({
      type: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Request is missing Authentication Token',
    });
    const basic = vector('GET', '/', GET_VANILLA, { headers: headersWith('Basic dGVzdDp0ZXN0') });
    expect(refusal(basic).type).toBe('MissingAuthenticationTokenException');
  });

  test('another method, path, query or Host than the one signed: InvalidSignatureException (403)', () => {
    for (const request of [
      vector('POST', '/', GET_VANILLA),
      vector('GET', '/other', GET_VANILLA),
      vector('GET', '/?Param1=value1', GET_VANILLA),
      vector('GET', '/', GET_VANILLA, {
        headers: headersWith(authorizationOf(GET_VANILLA), undefined, 'evil.example'),
      }),
    ]) {
      expect(refusal(request)).toEqual({
        type: 'InvalidSignatureException',
        status: 403,
        message: expect.stringMatching(
          /^The request signature we calculated does not match the signature you provided/,
        ),
      });
    }
  });

  test('a body that is not the one signed: InvalidSignatureException', () => {
    const withBody = { ...vector('POST', '/', POST_VANILLA), body: Buffer.from('{"tampered":true}') };
    expect(refusal(withBody).type).toBe('InvalidSignatureException');
  });

  test('an x-amz-content-sha256 that is not the body’s hash: InvalidSignatureException', () => {
    const declared = vector('POST', '/', POST_VANILLA, {
      headers: [...headersWith(authorizationOf(POST_VANILLA)), 'X-Amz-Content-Sha256', '0'.repeat(64)],
    });
    expect(refusal(declared)).toMatchObject({
      type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  test('another secret for the same key: InvalidSignatureException', () => {
    const check = { ...CHECK, credentials: { ...EXAMPLE, secretAccessKey: 'not-the-secret' } };
    expect(refusal(vector('GET', '/', GET_VANILLA), check).type).toBe('InvalidSignatureException');
  });

  test('an access key the local AWS does not know: UnrecognizedClientException (403)', () => {
    const check = { ...CHECK, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    expect(refusal(vector('GET', '/', GET_VANILLA), check)).toEqual({
      type: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  test('more than 15 minutes old or ahead: InvalidSignatureException, saying which', () => {
    expect(refusal(vector('GET', '/', GET_VANILLA), { ...CHECK, now: SIGNED_AT + 15 * 60_000 + 1000 })).toEqual({
      type: 'InvalidSignatureException',
      status: 403,
      message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)',
    });
    expect(refusal(vector('GET', '/', GET_VANILLA), { ...CHECK, now: SIGNED_AT - 15 * 60_000 - 1000 })).toEqual({
      type: 'InvalidSignatureException',
      status: 403,
      message:
        'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)',
    });
  });

  test('Host not among the signed headers: InvalidSignatureException', () => {
    const request = vector('GET', '/', GET_VANILLA, {
      headers: headersWith(authorizationOf(GET_VANILLA, SCOPE, 'x-amz-date')),
    });
    expect(refusal(request).message).toBe("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  });

  test('a scope for another service, terminator or day: InvalidSignatureException naming each', () => {
    const scope = 'AKIDEXAMPLE/20150831/us-east-1/dynamodb/aws4_requests';
    const request = vector('GET', '/', GET_VANILLA, { headers: headersWith(authorizationOf(GET_VANILLA, scope)) });
    expect(refusal(request)).toEqual({
      type: 'InvalidSignatureException',
      status: 403,
      message:
        "Credential should be scoped to correct service: 'service'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.",
    });
  });

  test('an incomplete header, another algorithm, a malformed date or credential: IncompleteSignatureException (400)', () => {
    const cases: [string[], RegExp][] = [
      [headersWith(`AWS4-HMAC-SHA256 Credential=${SCOPE}, Signature=${GET_VANILLA}`), /requires 'SignedHeaders'/],
      [
        ['Host', 'example.amazonaws.com', 'Authorization', authorizationOf(GET_VANILLA)],
        /requires existence of a 'X-Amz-Date' header/,
      ],
      [headersWith(authorizationOf(GET_VANILLA), '2015-08-30T12:36:00Z'), /^Date must be in ISO-8601 'basic format'/],
      [
        headersWith(authorizationOf(GET_VANILLA).replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')),
        /^Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'/,
      ],
      [
        headersWith(authorizationOf(GET_VANILLA, 'AKIDEXAMPLE/20150830/us-east-1/service')),
        /^Credential must have exactly 5 slash-delimited elements/,
      ],
    ];
    for (const [headers, message] of cases) {
      const answer = refusal(vector('GET', '/', GET_VANILLA, { headers }));
      expect(answer).toEqual({
        type: 'IncompleteSignatureException',
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });
});
