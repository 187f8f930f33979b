// (adapter) CodeBuild (BatchGetBuilds) + CloudWatch Logs (GetLogEvents), SDK v3 --> core BuildLogs port
import { type CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, type Build, type CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { BuildLogs, BuildView } from '../core/ports';

export interface CodeBuildLogsOptions {
  readonly codeBuild: CodeBuildClient;
  readonly logs: CloudWatchLogsClient;
}

/**
 * A failed build's phases (BatchGetBuilds) and the end of its log (GetLogEvents from the end of
 * the stream). Errors pass as the SDK throws them: the triage reading them is best effort and logs them.
 */
export class CodeBuildLogs implements BuildLogs {
  constructor(private readonly options: CodeBuildLogsOptions) {}

  async getBuild(buildId: string): Promise<BuildView | undefined> {
    const output = await this.options.codeBuild.send(new BatchGetBuildsCommand({ ids: [buildId] }));
    const build = output.builds?.find((candidate) => candidate.id === buildId);
    return build === undefined ? undefined : buildView(build, buildId);
  }

  async tailLog(groupName: string, streamName: string, limit: number): Promise<readonly string[]> {
    // startFromHead false: the newest `limit` events, returned oldest first.
    const output = await this.options.logs.send(
      new GetLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, startFromHead: false, limit }),
    );
    return (output.events ?? []).flatMap((event) => (event.message === undefined ? [] : [event.message]));
  }
}

function buildView(build: Build, id: string): BuildView {
  const logs = build.logs;
  // A build that sends its logs to CloudWatch names them at the top level, and again under cloudWatchLogs.
  const groupName = logs?.groupName ?? logs?.cloudWatchLogs?.groupName;
  const streamName = logs?.streamName ?? logs?.cloudWatchLogs?.streamName;
  return {
    id,
    ...(build.buildStatus === undefined ? {} : { status: build.buildStatus }),
    phases: (build.phases ?? []).flatMap((phase) =>
      phase.phaseType === undefined
        ? []
        : [
            {
              type: phase.phaseType,
              ...(phase.phaseStatus === undefined ? {} : { status: phase.phaseStatus }),
              messages: (phase.contexts ?? []).flatMap((context) => {
                const text = [context.statusCode, context.message].filter((part) => part !== undefined && part !== '');
                return text.length === 0 ? [] : [text.join(': ')];
              }),
            },
          ],
    ),
    ...(logs === undefined
      ? {}
      : {
          logs: {
            ...(groupName === undefined ? {} : { groupName }),
            ...(streamName === undefined ? {} : { streamName }),
            ...(logs.deepLink === undefined ? {} : { deepLink: logs.deepLink }),
          },
        }),
  };
}
