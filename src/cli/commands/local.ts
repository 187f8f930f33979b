// (cli) pipewatch local: flags + environment --> chooseRunMode --> startLocalPipewatch, then a welcome with three things to try
import { parseArgs } from 'node:util';
import { ConfigurationError } from '../../config/environment';
import { chooseRunMode } from '../../local/dev-server/run-mode';
import {
  LOCAL_AUTHORIZATION_FILE,
  LOCAL_PIPELINES_FILE,
  type LocalPipewatch,
  startLocalPipewatch,
} from '../../local/dev-server/start-local-pipewatch';
import { createLogger } from '../../log/logger';
import { type CliIo, CliUsageError, EXIT_OK } from '../io';
import { parsePort, parseSpeed, waitForSignal } from '../options';
import type { CliCommand } from './command';

export const localCommand: CliCommand = {
  name: 'local',
  summary: 'run pipewatch on this machine: local AWS, simulated pipelines and a Slack-like channel in the browser',
  usage:
    'pipewatch local [--port 3000] [--data DIR] [--pipelines FILE] [--authorization FILE] [--speed N] [--aws local|real]',
  help: [
    'Starts the local AWS (EventBridge, the CodePipeline simulator, DynamoDB, SSM), creates what',
    'serverless.yml creates (the pipewatch bus, the forwarding rule, the table, the secrets), runs the',
    'notify and Slack functions in-process, and serves a Slack-like channel at http://127.0.0.1:3000.',
    'The local AWS runs the home account 000000000000 in us-east-1 and us-west-2 and a member account',
    '111111111111 in us-west-2 (role pipewatch-member, its own pipelines, forwarding to the pipewatch bus).',
    '',
    '--port N               the channel page’s port (default 3000; 0 picks a free one)',
    '--data DIR             keep subscriptions, pipelines, executions, history and channel messages across restarts',
    `--pipelines FILE       pipeline definitions (default ${LOCAL_PIPELINES_FILE})`,
    `--authorization FILE   who may retry and approve, read on every click (default ${LOCAL_AUTHORIZATION_FILE})`,
    '--speed N              simulated pipelines run N times faster (default 10)',
    '--aws local|real       real: use the deployed stack with your AWS credentials (needs real Slack and',
    '                       PIPEWATCH_EVENT_BUS, PIPEWATCH_TABLE, PIPEWATCH_NOTIFY_FUNCTION_ARN)',
    '',
    'With SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…, scope connections:write) set, the same',
    'listeners join your real workspace over Socket Mode instead of the local channel.',
    'Logs are pretty on a terminal and JSON lines otherwise (PIPEWATCH_LOG_LEVEL=debug for more).',
    'Stop it with Ctrl-C.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '3000' },
        data: { type: 'string' },
        pipelines: { type: 'string' },
        authorization: { type: 'string' },
        speed: { type: 'string', default: '10' },
        aws: { type: 'string', default: 'local' },
      },
      strict: true,
    });
    const port = parsePort(values.port);
    const speed = parseSpeed(values.speed);
    if (values.aws !== 'local' && values.aws !== 'real') {
      throw new CliUsageError(`--aws must be local or real, not '${values.aws}'.`);
    }
    let mode: ReturnType<typeof chooseRunMode>;
    try {
      mode = chooseRunMode(process.env, values.aws);
    } catch (error) {
      if (error instanceof ConfigurationError) throw new CliUsageError(error.message);
      throw error;
    }
    // The SDK's notice about future Node versions is noise in a demo's terminal.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // Pretty on a terminal, JSON lines otherwise; PIPEWATCH_LOG_LEVEL sets the level.
    const log = createLogger();
    const running: LocalPipewatch = await startLocalPipewatch({
      port,
      speed,
      log,
      aws: mode.aws,
      env: process.env,
      ...(mode.slack.kind === 'socket'
        ? { slack: { botToken: mode.slack.botToken, appToken: mode.slack.appToken } }
        : {}),
      ...(values.data === undefined ? {} : { dataDir: values.data }),
      ...(values.pipelines === undefined ? {} : { definitionsFile: values.pipelines }),
      ...(values.authorization === undefined ? {} : { authorizationFile: values.authorization }),
    });
    io.out(welcome(running, values.data));
    await waitForSignal();
    log.info('stopping');
    await running.stop();
    log.info('stopped');
    return EXIT_OK;
  },
};

/** What a person sees first: where to go and three things to try. */
export function welcome(running: Pick<LocalPipewatch, 'url' | 'aws' | 'mode'>, dataDir?: string): string {
  const lines: string[] = [''];
  if (running.url !== undefined) {
    lines.push(
      `  pipewatch is running: open ${running.url}`,
      '',
      '  Three things to try:',
      '    1. In #deploys, type   /pipewatch subscribe myPipeline',
      '    2. In the pipeline panel, start myPipeline with Build failing; when the alert appears,',
      '       switch to bob and press Retry (then try it as carol, who may not)',
      '    3. When the run waits at Approval, press Approve as alice (bob may retry but not approve)',
    );
  } else {
    lines.push(
      '  pipewatch is connected to your Slack workspace over Socket Mode.',
      '',
      '  Three things to try:',
      '    1. In a channel the bot is in, type   /pipewatch subscribe myPipeline',
      running.aws === undefined
        ? '    2. Start one of your pipelines and watch the alert'
        : '    2. Start myPipeline (`aws codepipeline start-pipeline-execution --name myPipeline` with the settings below)',
      '    3. Press Retry or Approve as a user listed in the authorization file',
    );
  }
  if (running.aws !== undefined) {
    lines.push(
      '',
      `  Local AWS: ${running.aws.endpoint} (region ${running.aws.region}); with the AWS CLI:`,
      `    export AWS_ENDPOINT_URL=${running.aws.endpoint} AWS_REGION=${running.aws.region} AWS_ACCESS_KEY_ID=${running.aws.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${running.aws.credentials.secretAccessKey}`,
      `  Accounts and regions: ${running.aws.places.map((place) => `${place.accountId} ${place.region}`).join(', ')}`,
      '    (the pipeline panel lists the others as <account>/<region>/<pipeline>; AWS_REGION=us-west-2 for the home us-west-2)',
    );
  }
  lines.push(
    `  State: ${dataDir === undefined ? 'in memory (use --data DIR to keep it)' : dataDir}. Ctrl-C stops everything.`,
    '',
  );
  return lines.join('\n');
}
