import { createLogger } from '../../../src/log/logger';

function capture(isTTY = false) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (text: string) => lines.push(text) } };
}

describe('createLogger', () => {
  test('JSON lines off a terminal, with the level filter and child fields', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info', stream, now: () => 0 }).child({ rule: 'pw-1' });
    log.debug('hidden');
    log.info('notified', { version: 3 });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'info', message: 'notified', rule: 'pw-1', version: 3 },
    ]);
  });

  test('never writes secrets: by field name, by token shape, inside errors', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'debug', stream });
    log.error('failed with xoxb-123-456-abc', {
      botToken: 'xoxb-1',
      nested: { signingSecret: 's', note: 'token xoxp-9-9 leaked' },
      error: new Error('bad auth xoxb-777'),
    });
    expect(lines.join('')).not.toMatch(/xox[bp]-|"s"/);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ botToken: '[redacted]', error: { name: 'Error' } });
  });

  test('pretty on a terminal; silent writes nothing', () => {
    const tty = capture(true);
    createLogger({ level: 'info', stream: tty.stream, now: () => 0 }).warn('slow', { ms: 5 });
    expect(tty.lines).toEqual(['00:00:00 warn  slow ms=5\n']);
    const quiet = capture();
    createLogger({ level: 'silent', stream: quiet.stream }).error('x');
    expect(quiet.lines).toEqual([]);
  });
});
