import { ConfigurationError, readEnvironment, requireEnvironment } from '../../../src/config/environment';

const base = { PIPEWATCH_TABLE: 'pipewatch-test-state' };

describe('the functions’ environment', () => {
  test('defaults apply; names and identifiers are read as given', () => {
    const env = readEnvironment({
      ...base,
      PIPEWATCH_SLACK_BOT_TOKEN_PARAM: '/pipewatch/test/slack/bot-token',
      PIPEWATCH_SLACK_BOT_USER_ID: 'U0123ABCD',
      PIPEWATCH_SLACK_BOT_ID: 'B0123ABCD',
    });
    expect(env).toMatchObject({
      PIPEWATCH_TABLE: 'pipewatch-test-state',
      PIPEWATCH_EVENT_BUS: 'pipewatch',
      PIPEWATCH_LOG_LEVEL: 'info',
      PIPEWATCH_SLACK_BOT_USER_ID: 'U0123ABCD',
      PIPEWATCH_SLACK_BOT_ID: 'B0123ABCD',
    });
  });

  test('an empty bot id (serverless.yml without --param) means unset', () => {
    const env = readEnvironment({ ...base, PIPEWATCH_SLACK_BOT_USER_ID: '', PIPEWATCH_SLACK_BOT_ID: '' });
    expect(env.PIPEWATCH_SLACK_BOT_USER_ID).toBeUndefined();
    expect(env.PIPEWATCH_SLACK_BOT_ID).toBeUndefined();
  });

  test.each([
    [{}, /PIPEWATCH_TABLE/],
    [{ ...base, PIPEWATCH_SLACK_BOT_USER_ID: 'alice' }, /PIPEWATCH_SLACK_BOT_USER_ID: a Slack user id/],
    [{ ...base, PIPEWATCH_SLACK_BOT_TOKEN_PARAM: 'xoxb-not-a-parameter-name' }, /PIPEWATCH_SLACK_BOT_TOKEN_PARAM/],
    [{ ...base, PIPEWATCH_LOG_LEVEL: 'chatty' }, /PIPEWATCH_LOG_LEVEL/],
  ])('%j is refused at cold start, naming the variable', (env, message) => {
    expect(() => readEnvironment(env)).toThrow(ConfigurationError);
    expect(() => readEnvironment(env)).toThrow(message);
  });

  test('a function’s required variables must be set', () => {
    expect(() => requireEnvironment(['PIPEWATCH_SLACK_SIGNING_SECRET_PARAM'], base)).toThrow(
      'pipewatch is not configured: PIPEWATCH_SLACK_SIGNING_SECRET_PARAM must be set',
    );
  });
});
