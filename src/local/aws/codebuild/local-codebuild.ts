// (local AWS) CodeBuild, the part pipewatch reads: BatchGetBuilds of the builds the pipeline simulator ran, their phases and logs (X-Amz-Target CodeBuild_20161006.*)
import { AwsServiceError, validationError } from '../aws-error';
import type { LocalLogs } from '../logs/local-logs';
import type { LocalService } from '../service';

/** A build the simulator ran for a CodeBuild action, as it ended. */
export interface LocalBuildSpec {
  /** `project:uuid`, the action's external execution id. */
  id: string;
  region: string;
  accountId: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  succeeded: boolean;
  /** The failing command's output (a failing test run when absent). */
  failureLog?: readonly string[];
  /** The commit built, when the pipeline's source is git. */
  sourceVersion?: string;
  /** `codepipeline/<pipeline>`, as CodePipeline starts builds. */
  initiator: string;
}

interface PhaseRecord {
  phaseType: string;
  phaseStatus?: string;
  startTime: number;
  endTime?: number;
  durationInSeconds?: number;
  contexts?: { statusCode: string; message: string }[];
}

interface BuildRecord {
  spec: LocalBuildSpec;
  project: string;
  streamName: string;
  phases: PhaseRecord[];
}

/** The phases of a build in the order CodeBuild runs them; COMPLETED has no status. */
const PHASES = [
  'SUBMITTED',
  'QUEUED',
  'PROVISIONING',
  'DOWNLOAD_SOURCE',
  'INSTALL',
  'PRE_BUILD',
  'BUILD',
  'POST_BUILD',
  'UPLOAD_ARTIFACTS',
  'FINALIZING',
  'COMPLETED',
] as const;

/** BatchGetBuilds takes 1 to 100 ids. */
const MAX_IDS = 100;

/** The output of a failing `npm test` (jest), the default failure of a simulated build. */
export const FAILING_TEST_OUTPUT: readonly string[] = [
  '> app@1.0.0 test',
  '> jest --ci',
  '',
  'PASS test/catalogue.test.ts',
  'PASS test/payment-client.test.ts',
  'FAIL test/checkout.test.ts',
  '  ● checkout › applies the discount to the total',
  '',
  '    expect(received).toBe(expected) // Object.is equality',
  '',
  '    Expected: 90',
  '    Received: 100',
  '',
  '      40 |     const total = checkout(cart, { discount: 0.1 });',
  '    > 42 |     expect(total).toBe(90);',
  '         |                   ^',
  '',
  '      at Object.<anonymous> (test/checkout.test.ts:42:19)',
  '',
  'Tests:       3 failed, 117 passed, 120 total',
  'Ran all test suites.',
];

/**
 * CodeBuild behind the local AWS endpoint: the builds the CodePipeline simulator runs for its
 * CodeBuild actions (`recordBuild`, in process, when an action ends), read with BatchGetBuilds.
 * A failed build's BUILD phase is FAILED with COMMAND_EXECUTION_ERROR, as when a buildspec command
 * exits non-zero, and its log (in the local CloudWatch Logs, `/aws/codebuild/<project>`) ends with
 * the failing command's output and the phases after it. In memory only.
 */
export class LocalCodeBuild implements LocalService {
  readonly targetPrefix = 'CodeBuild_20161006';
  readonly signingName = 'codebuild';
  private readonly builds = new Map<string, BuildRecord>();

  constructor(private readonly logs: LocalLogs) {}

  recordBuild(spec: LocalBuildSpec): void {
    const [project = spec.id, streamName = spec.id] = spec.id.split(':');
    const phases = phasesOf(spec);
    this.builds.set(spec.id, { spec, project, streamName, phases });
    const lines = buildLog(spec, phases);
    const step = Math.max(1, Math.floor((spec.endTime - spec.startTime) / Math.max(1, lines.length)));
    this.logs.putLogEvents(
      `/aws/codebuild/${project}`,
      streamName,
      lines.map((message, index) => ({ timestamp: spec.startTime + index * step, message: `${message}\n` })),
    );
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (operation !== 'BatchGetBuilds') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation CodeBuild_20161006.${operation}`);
    }
    const ids = input.ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_IDS || !ids.every((id) => typeof id === 'string')) {
      throw new AwsServiceError('InvalidInputException', `ids must be 1 to ${MAX_IDS} build ids`);
    }
    const found = (ids as string[]).flatMap((id) => {
      const build = this.builds.get(id);
      return build === undefined ? [] : [this.buildJson(build)];
    });
    return { builds: found, buildsNotFound: (ids as string[]).filter((id) => !this.builds.has(id)) };
  }

  private buildJson({ spec, project, streamName, phases }: BuildRecord): unknown {
    const seconds = (ms: number) => ms / 1000;
    const group = `/aws/codebuild/${project}`;
    return {
      id: spec.id,
      arn: `arn:aws:codebuild:${spec.region}:${spec.accountId}:build/${spec.id}`,
      buildNumber: 1,
      startTime: seconds(spec.startTime),
      endTime: seconds(spec.endTime),
      currentPhase: 'COMPLETED',
      buildStatus: spec.succeeded ? 'SUCCEEDED' : 'FAILED',
      projectName: project,
      initiator: spec.initiator,
      ...(spec.sourceVersion === undefined ? {} : { sourceVersion: spec.sourceVersion }),
      buildComplete: true,
      phases: phases.map((phase) => ({
        phaseType: phase.phaseType,
        ...(phase.phaseStatus === undefined ? {} : { phaseStatus: phase.phaseStatus }),
        startTime: seconds(phase.startTime),
        ...(phase.endTime === undefined ? {} : { endTime: seconds(phase.endTime) }),
        ...(phase.durationInSeconds === undefined ? {} : { durationInSeconds: phase.durationInSeconds }),
        ...(phase.contexts === undefined ? {} : { contexts: phase.contexts }),
      })),
      logs: {
        groupName: group,
        streamName,
        deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${spec.region}#logEvent:group=${group};stream=${streamName}`,
        cloudWatchLogsArn: `arn:aws:logs:${spec.region}:${spec.accountId}:log-group:${group}:log-stream:${streamName}`,
        cloudWatchLogs: { status: 'ENABLED', groupName: group, streamName },
      },
    };
  }
}

function phasesOf(spec: LocalBuildSpec): PhaseRecord[] {
  if (spec.endTime < spec.startTime) throw validationError('a build cannot end before it starts');
  const step = Math.floor((spec.endTime - spec.startTime) / (PHASES.length - 1));
  return PHASES.map((phaseType, index) => {
    const startTime = spec.startTime + index * step;
    if (phaseType === 'COMPLETED') return { phaseType, startTime };
    const failed = !spec.succeeded && phaseType === 'BUILD';
    return {
      phaseType,
      phaseStatus: failed ? 'FAILED' : 'SUCCEEDED',
      startTime,
      endTime: startTime + step,
      durationInSeconds: Math.round(step / 1000),
      ...(failed
        ? {
            contexts: [
              {
                statusCode: 'COMMAND_EXECUTION_ERROR',
                message: 'Error while executing command: npm test. Reason: exit status 1',
              },
            ],
          }
        : {}),
    };
  });
}

/** The log lines CodeBuild writes: the agent's `[Container]` lines around the commands' output. */
function buildLog(spec: LocalBuildSpec, phases: readonly PhaseRecord[]): string[] {
  const stamp = (ms: number) =>
    `[Container] ${new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace(/-/g, '/')}`;
  const at = (type: string) => phases.find((phase) => phase.phaseType === type)?.startTime ?? spec.startTime;
  const lines = [
    `${stamp(at('PROVISIONING'))} Running on CodeBuild On-demand`,
    `${stamp(at('PROVISIONING'))} Waiting for agent ping`,
    `${stamp(at('DOWNLOAD_SOURCE'))} Waiting for DOWNLOAD_SOURCE`,
    `${stamp(at('DOWNLOAD_SOURCE'))} Phase is DOWNLOAD_SOURCE`,
    `${stamp(at('INSTALL'))} Entering phase INSTALL`,
    `${stamp(at('INSTALL'))} Phase complete: INSTALL State: SUCCEEDED`,
    `${stamp(at('PRE_BUILD'))} Entering phase PRE_BUILD`,
    `${stamp(at('PRE_BUILD'))} Running command npm ci`,
    'added 412 packages, and audited 413 packages in 9s',
    `${stamp(at('PRE_BUILD'))} Phase complete: PRE_BUILD State: SUCCEEDED`,
    `${stamp(at('BUILD'))} Entering phase BUILD`,
    `${stamp(at('BUILD'))} Running command npm test`,
  ];
  if (spec.succeeded) {
    lines.push(
      'Tests:       120 passed, 120 total',
      `${stamp(at('POST_BUILD'))} Phase complete: BUILD State: SUCCEEDED`,
    );
  } else {
    lines.push(
      ...(spec.failureLog ?? FAILING_TEST_OUTPUT),
      `${stamp(at('POST_BUILD'))} Command did not exit successfully npm test exit status 1`,
      `${stamp(at('POST_BUILD'))} Phase complete: BUILD State: FAILED`,
      `${stamp(at('POST_BUILD'))} Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: npm test. Reason: exit status 1`,
    );
  }
  lines.push(
    `${stamp(at('POST_BUILD'))} Entering phase POST_BUILD`,
    `${stamp(at('POST_BUILD'))} Phase complete: POST_BUILD State: SUCCEEDED`,
    `${stamp(at('UPLOAD_ARTIFACTS'))} Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED`,
  );
  return lines;
}
