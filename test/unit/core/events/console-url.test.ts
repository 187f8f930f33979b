import { executionConsoleUrl } from '../../../../src/core/events';

describe('executionConsoleUrl', () => {
  it('builds the execution timeline URL', () => {
    expect(
      executionConsoleUrl({
        region: 'us-west-2',
        pipeline: 'myPipeline',
        executionId: '12345678-1234-5678-abcd-12345678abcd',
      }),
    ).toBe(
      'https://us-west-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/myPipeline/executions/12345678-1234-5678-abcd-12345678abcd/timeline?region=us-west-2',
    );
  });

  it('encodes names and never puts a non-region into the host name', () => {
    const url = executionConsoleUrl({ region: 'evil.example/x?', pipeline: 'a b@c', executionId: '../x' });
    expect(new URL(url).host).toBe('console.aws.amazon.com');
    expect(url).toContain('/pipelines/a%20b%40c/executions/..%2Fx/timeline?region=evil.example%2Fx%3F');
  });

  it.each(['us-gov-west-1', 'eu-central-1', 'ap-southeast-2', 'cn-north-1'])(
    'uses the regional host for %s',
    (region) => {
      expect(new URL(executionConsoleUrl({ region, pipeline: 'p', executionId: 'e' })).host).toBe(
        `${region}.console.aws.amazon.com`,
      );
    },
  );
});
