// (adapter wiring) where a pipeline runs (account, region) --> its CodePipeline and CodeBuild/Logs clients: this account's per region, another account's through its member role, or refused with the reason
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { REGION_CODE } from '../core/events';
import type { BuildLogs } from '../core/ports';
import { configLike } from './client-like';
import { CodeBuildLogs } from './codebuild-logs';
import { CodePipelinePipelineClient } from './codepipeline-client';
import type { MemberRoles } from './member-role';
import { UnreachablePipelines } from './unreachable-account-pipelines';

/** A place's CodePipeline: the SDK's, or one that refuses every call with the reason. */
export type PlaceClient = CodePipelinePipelineClient | UnreachablePipelines;

/** Where a pipeline runs, as its events and buttons name it. */
export interface PipelinePlace {
  /** Undefined: this account. */
  readonly account?: string | undefined;
  readonly region: string;
}

export interface PipelinePlacesOptions {
  /** This account's CodePipeline in the function's region; every other place's client copies its configuration. */
  readonly codePipeline: CodePipelineClient;
  /** The function's region (undefined: the client's own). */
  readonly region?: string;
  /** The function's own account (from its ARN); undefined: every place is taken as this account's. */
  readonly account?: string;
  /** Other accounts' member roles; absent: another account's pipelines are refused with the reason. */
  readonly members?: MemberRoles;
  /** This account's CodeBuild and CloudWatch Logs in the function's region, for a failure's triage; absent: none. */
  readonly codeBuild?: CodeBuildClient;
  readonly logs?: CloudWatchLogsClient;
}

/**
 * The clients of every place a pipeline of this install may run: this account's in each region
 * (one client per region, made on first use), another account's through its member role
 * (MemberRoles: STS AssumeRole, credentials shared by that account's regions and cached until near
 * expiry). Another account without member roles configured, or a place that is not a region code,
 * gets a client that refuses every call with the reason, never this account's CodePipeline, where
 * a pipeline of the same name would be the wrong one.
 */
export class PipelinePlaces {
  /** This account's CodePipeline in the function's region. */
  readonly home: CodePipelinePipelineClient;
  readonly #options: PipelinePlacesOptions;
  readonly #pipelines = new Map<string, PlaceClient>();
  readonly #builds = new Map<string, BuildLogs>();

  constructor(options: PipelinePlacesOptions) {
    this.#options = options;
    this.home = new CodePipelinePipelineClient({
      client: options.codePipeline,
      ...(options.region === undefined ? {} : { region: options.region }),
    });
  }

  /** True when `place` is in another account (one this install reaches through its member role, if at all). */
  isElsewhere(place: PipelinePlace): boolean {
    const own = this.#options.account;
    return place.account !== undefined && own !== undefined && place.account !== own;
  }

  /**
   * One key per place this install tells apart, for a cache of anything made per place: the
   * region, and the account when it is another one (this account's places have none).
   */
  keyOf(place: PipelinePlace): string {
    return `${this.isElsewhere(place) ? place.account : ''} ${place.region}`;
  }

  /** CodePipeline where `place`'s pipelines run. */
  pipelines(place: PipelinePlace): PlaceClient {
    if (!this.isElsewhere(place)) {
      return REGION_CODE.test(place.region) || place.region === this.#options.region
        ? this.home.inRegion(place.region)
        : new UnreachablePipelines({ account: place.account ?? this.#options.account ?? 'this', region: place.region });
    }
    const key = this.keyOf(place);
    let client = this.#pipelines.get(key);
    if (client === undefined) {
      const account = place.account as string;
      const members = this.#options.members;
      client =
        members === undefined || !REGION_CODE.test(place.region)
          ? new UnreachablePipelines({ account, region: place.region })
          : new CodePipelinePipelineClient({
              client: new CodePipelineClient(
                configLike(this.#options.codePipeline, place.region, members.credentials(account)),
              ),
              region: place.region,
            });
      this.#pipelines.set(key, client);
    }
    return client;
  }

  /**
   * CodeBuild and CloudWatch Logs where `place`'s builds run (a failure's triage), with the same
   * credentials as its CodePipeline; undefined when the triage has no clients or the place is not reached.
   */
  builds(place: PipelinePlace): BuildLogs | undefined {
    const { codeBuild, logs, members, region } = this.#options;
    if (codeBuild === undefined || logs === undefined || !REGION_CODE.test(place.region)) return undefined;
    const elsewhere = this.isElsewhere(place);
    if (elsewhere && members === undefined) return undefined;
    const key = this.keyOf(place);
    let builds = this.#builds.get(key);
    if (builds === undefined) {
      if (!elsewhere && (place.region === region || region === undefined)) {
        builds = new CodeBuildLogs({ codeBuild, logs });
      } else {
        const credentials = elsewhere ? members?.credentials(place.account as string) : undefined;
        builds = new CodeBuildLogs({
          codeBuild: new CodeBuildClient(configLike(codeBuild, place.region, credentials)),
          logs: new CloudWatchLogsClient(configLike(logs, place.region, credentials)),
        });
      }
      this.#builds.set(key, builds);
    }
    return builds;
  }
}
