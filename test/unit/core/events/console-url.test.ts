import { consoleHost, executionConsoleUrl, isConsoleHost, partitionOfRegion } from '../../../../src/core/events';

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

  // China's and GovCloud's regions have their own partition's console (below).
  it.each(['eu-central-1', 'ap-southeast-2', 'us-west-1', 'il-central-1'])(
    'uses the regional host for %s',
    (region) => {
      expect(new URL(executionConsoleUrl({ region, pipeline: 'p', executionId: 'e' })).host).toBe(
        `${region}.console.aws.amazon.com`,
      );
    },
  );
});

describe('the partition’s console host (aws, aws-cn, aws-us-gov)', () => {
  const timeline = (region: string, partition?: string) =>
    new URL(
      executionConsoleUrl({
        region,
        pipeline: 'p',
        executionId: 'e',
        ...(partition === undefined ? {} : { partition }),
      }),
    );

  it('China’s regions link to console.amazonaws.cn, GovCloud’s to console.amazonaws-us-gov.com, with the region in the query', () => {
    expect(timeline('cn-north-1').host).toBe('console.amazonaws.cn');
    expect(timeline('cn-northwest-1').searchParams.get('region')).toBe('cn-northwest-1');
    expect(timeline('us-gov-west-1').host).toBe('console.amazonaws-us-gov.com');
    expect(timeline('us-gov-east-1').searchParams.get('region')).toBe('us-gov-east-1');
    expect(timeline('eu-west-1').host).toBe('eu-west-1.console.aws.amazon.com');
  });

  it('the ARN’s partition wins when known; an unknown one is ignored for the region’s', () => {
    expect(timeline('cn-north-1', 'aws-cn').host).toBe('console.amazonaws.cn');
    expect(timeline('us-gov-west-1', 'aws-us-gov').host).toBe('console.amazonaws-us-gov.com');
    expect(timeline('cn-north-1', 'aws-iso').host).toBe('console.amazonaws.cn');
    expect(timeline('eu-west-1', 'aws').host).toBe('eu-west-1.console.aws.amazon.com');
  });

  it('partitionOfRegion, consoleHost and isConsoleHost agree', () => {
    expect(['us-east-1', 'cn-north-1', 'us-gov-west-1', 'x'].map(partitionOfRegion)).toEqual([
      'aws',
      'aws-cn',
      'aws-us-gov',
      'aws',
    ]);
    expect(consoleHost('not a region')).toBe('console.aws.amazon.com');
    expect(consoleHost(undefined, 'aws-cn')).toBe('console.amazonaws.cn');
    for (const region of ['us-east-1', 'cn-north-1', 'us-gov-west-1'])
      expect(isConsoleHost(consoleHost(region))).toBe(true);
    expect(isConsoleHost('console.amazonaws.cn.evil.example')).toBe(false);
    expect(isConsoleHost('evilconsole.amazonaws-us-gov.com')).toBe(false);
  });
});
