import { hostRefusal, loopbackHostNames } from '../../../src/local/http';

/*
 * The Host rule every local server applies (src/local/http.ts): loopback names on any port, the
 * address it was told to bind when that is loopback, nothing else.
 */

const request = (host: string | undefined, url = '/') => ({ headers: host === undefined ? {} : { host }, url });

describe('the Host names a local server answers', () => {
  const allowed = loopbackHostNames('127.0.0.1');

  test.each(['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1', '127.0.0.1:4566', '[::1]', '[::1]:3978'])(
    '%s is answered',
    (host) => {
      expect(hostRefusal(request(host), allowed)).toBeUndefined();
    },
  );

  test.each([
    ['evil.example', /evil\.example is not a loopback name/],
    ['evil.example:3000', /evil\.example is not a loopback name/],
    ['localhost.evil.example:3000', /localhost\.evil\.example is not a loopback name/],
    ['127.0.0.1.nip.io:3000', /127\.0\.0\.1\.nip\.io is not a loopback name/],
    ['127.0.0.2:3000', /127\.0\.0\.2 is not a loopback name/],
    ['0.0.0.0:3000', /0\.0\.0\.0 is not a loopback name/],
    ['[::ffff:127.0.0.1]:3000', /not a loopback name/],
    ['localhost:3000:1', /not a host name with an optional port/],
    ['', /no Host header/],
  ])('%j is refused', (host, reason) => {
    expect(hostRefusal(request(host), allowed)).toMatch(reason);
  });

  test('no Host at all is refused', () => {
    expect(hostRefusal(request(undefined), allowed)).toBe('the request has no Host header');
  });

  test('an absolute-form target must name a loopback authority too', () => {
    expect(hostRefusal(request('localhost:3000', 'http://evil.example:3000/channel/api/state'), allowed)).toMatch(
      /evil\.example is not a loopback name/,
    );
    expect(hostRefusal(request('localhost:3000', 'http://127.0.0.1:3000/channel/'), allowed)).toBeUndefined();
    expect(hostRefusal(request('localhost:3000', '*'), allowed)).toMatch(/is not a path/);
  });

  test('the bound address is answered too when it is loopback, never when it is not', () => {
    expect(loopbackHostNames('127.0.0.2')).toEqual(new Set(['localhost', '127.0.0.1', '[::1]', '127.0.0.2']));
    expect(hostRefusal(request('127.0.0.2:3000'), loopbackHostNames('127.0.0.2'))).toBeUndefined();
    expect(hostRefusal(request('127.0.0.3:3000'), loopbackHostNames('127.0.0.2'))).toMatch(/not a loopback name/);
    expect(loopbackHostNames('::1')).toEqual(new Set(['localhost', '127.0.0.1', '[::1]']));
    expect(loopbackHostNames('0:0:0:0:0:0:0:1')).toContain('[0:0:0:0:0:0:0:1]');
    for (const bind of ['0.0.0.0', '::', '192.168.1.20', 'example.com']) {
      expect(loopbackHostNames(bind)).toEqual(new Set(['localhost', '127.0.0.1', '[::1]']));
    }
  });
});
