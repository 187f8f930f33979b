import {
  ConfigurationError,
  readEnvironment,
  readRedriveEnvironment,
  requireEnvironment,
} from '../../../src/config/environment';

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

describe('the redrive function’s environment', () => {
  const redrive = {
    PIPEWATCH_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/pipewatch-test-dlq',
    PIPEWATCH_NOTIFY_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:pipewatch-test-notify',
  };

  test('no table, no chat platform; the budget in whole seconds, empty meaning the default', () => {
    expect(readRedriveEnvironment(redrive)).toEqual({ ...redrive, PIPEWATCH_LOG_LEVEL: 'info' });
    expect(
      readRedriveEnvironment({ ...redrive, PIPEWATCH_REDRIVE_BUDGET_SECONDS: '' }).PIPEWATCH_REDRIVE_BUDGET_SECONDS,
    ).toBeUndefined();
    expect(readRedriveEnvironment({ ...redrive, PIPEWATCH_REDRIVE_BUDGET_SECONDS: '3600' })).toMatchObject({
      PIPEWATCH_REDRIVE_BUDGET_SECONDS: 3600,
    });
  });

  test.each([
    [{ PIPEWATCH_NOTIFY_FUNCTION_ARN: redrive.PIPEWATCH_NOTIFY_FUNCTION_ARN }, /PIPEWATCH_DLQ_URL/],
    [{ ...redrive, PIPEWATCH_DLQ_URL: 'pipewatch-test-dlq' }, /PIPEWATCH_DLQ_URL/],
    [{ ...redrive, PIPEWATCH_NOTIFY_FUNCTION_ARN: 'pipewatch-test-notify' }, /PIPEWATCH_NOTIFY_FUNCTION_ARN/],
    [{ ...redrive, PIPEWATCH_REDRIVE_BUDGET_SECONDS: '6h' }, /PIPEWATCH_REDRIVE_BUDGET_SECONDS: a whole number/],
    [{ ...redrive, PIPEWATCH_REDRIVE_BUDGET_SECONDS: '0' }, /PIPEWATCH_REDRIVE_BUDGET_SECONDS/],
  ])('%j is refused at cold start, naming the variable', (env, message) => {
    expect(() => readRedriveEnvironment(env)).toThrow(ConfigurationError);
    expect(() => readRedriveEnvironment(env)).toThrow(message);
  });
});
