// (cli) pipewatch aws-local: flags --> startLocalAws (EventBridge, CodePipeline simulator, DynamoDB) on one loopback endpoint
import { parseArgs } from 'node:util';
import { LOCAL_AWS_CREDENTIALS, startLocalAws } from '../../local/aws';
import { SAMPLE_PIPELINES_FILE } from '../../local/aws/codepipeline/local-codepipeline';
import { type CliIo, EXIT_OK } from '../io';
import { parsePort, parseSpeed, waitForSignal } from '../options';
import type { CliCommand } from './command';

export const awsLocalCommand: CliCommand = {
  name: 'aws-local',
  summary: 'run the local AWS (EventBridge, CodePipeline simulator, DynamoDB) on 127.0.0.1',
  usage: 'pipewatch aws-local [--port 4566] [--data DIR] [--pipelines FILE|none] [--speed N]',
  help: [
    'Serves the AWS JSON protocol for EventBridge and CodePipeline, and DynamoDB (dynalite), on one',
    'loopback endpoint. Point the AWS CLI or any AWS SDK at it with its credentials (requests must be',
    'signed with them, SigV4, and addressed to a loopback name):',
    `  export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=${LOCAL_AWS_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_AWS_CREDENTIALS.secretAccessKey}`,
    '  aws codepipeline start-pipeline-execution --name myPipeline',
    '--data DIR keeps buses, rules, targets, tags, pipelines, executions and tables across restarts.',
    `--pipelines FILE creates pipelines at start (default: the samples, ${SAMPLE_PIPELINES_FILE}; "none" for none).`,
    '--speed N runs pipeline actions N times faster than their nominal durations (default 1).',
    'Stop it with Ctrl-C.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '4566' },
        data: { type: 'string' },
        pipelines: { type: 'string' },
        speed: { type: 'string', default: '1' },
      },
      strict: true,
    });
    const port = parsePort(values.port);
    const speed = parseSpeed(values.speed);
    const pipelines = values.pipelines ?? SAMPLE_PIPELINES_FILE;
    const aws = await startLocalAws({
      port,
      speed,
      ...(values.data === undefined ? {} : { dataDir: values.data }),
      ...(pipelines === 'none' ? {} : { definitionsFile: pipelines }),
    });
    io.out(`Local AWS listening on ${aws.endpoint} (region ${aws.region}, account ${aws.accountId})`);
    io.out(
      `  export AWS_ENDPOINT_URL=${aws.endpoint} AWS_REGION=${aws.region} AWS_ACCESS_KEY_ID=${aws.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${aws.credentials.secretAccessKey}`,
    );
    io.out(values.data === undefined ? '  state: in memory' : `  state: ${values.data}`);
    await waitForSignal();
    io.out('Stopping the local AWS…');
    await aws.stop();
    return EXIT_OK;
  },
};
