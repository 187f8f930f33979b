// (core) pipeline ARNs --> partition, region, account, name; the event pipeline's own ARN among its resources
/** The parts of a pipeline ARN: `arn:aws:codepipeline:us-west-2:123456789012:myPipeline`. */
export interface PipelineArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const PIPELINE_ARN = /^arn:(aws[a-zA-Z-]*):codepipeline:([a-z0-9-]+):(\d{12}):([^:/]+)$/;

export function parsePipelineArn(arn: string): PipelineArn | undefined {
  const match = PIPELINE_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', region = '', account = '', name = ''] = match;
  return { arn, partition, region, account, name };
}

/**
 * The pipeline's own ARN among an event's `resources`. The envelope's account
 * and region are where the event was emitted; the ARN says where the pipeline
 * lives, which is what a console link or an API call needs. Prefers the ARN
 * naming the event's pipeline, then any pipeline ARN.
 */
export function findPipelineArn(resources: readonly string[], pipelineName: string): PipelineArn | undefined {
  const arns = resources.map(parsePipelineArn).filter((arn) => arn !== undefined);
  return arns.find((arn) => arn.name === pipelineName) ?? arns[0];
}
