import { findPipelineArn, parsePipelineArn } from '../../../../src/core/events';

describe('pipeline ARNs', () => {
  it('parses the parts of a pipeline ARN and ignores other ARNs', () => {
    expect(parsePipelineArn('arn:aws:codepipeline:us-west-2:123456789012:myPipeline')).toEqual({
      arn: 'arn:aws:codepipeline:us-west-2:123456789012:myPipeline',
      partition: 'aws',
      region: 'us-west-2',
      account: '123456789012',
      name: 'myPipeline',
    });
    expect(parsePipelineArn('arn:aws:codebuild:us-west-2:123456789012:project/x')).toBeUndefined();
    expect(parsePipelineArn('arn:aws:codepipeline:us-west-2:1234:myPipeline')).toBeUndefined();
  });

  it('falls back to the first pipeline ARN when none names the pipeline', () => {
    expect(findPipelineArn(['arn:aws:codepipeline:eu-west-1:111111111111:other'], 'mine')?.name).toBe('other');
    expect(findPipelineArn([], 'mine')).toBeUndefined();
  });
});
